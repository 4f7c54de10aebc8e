"""Turning forms into the domain's dataclasses and gazetteer places into form choices."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from matcher.errors import ValidationError as DomainValidationError
from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import RideNeed
from matcher.models import ScheduleKind
from matcher.people import plausibility
from matcher.people.registration import AddressInput
from matcher.people.registration import NeedInput
from matcher.people.registration import RiderRegistration
from matcher.people.registration import RotationWeekInput
from web.errors import translate_domain_error
from web.riders.forms import NeedForm
from web.riders.forms import RiderForm
from web.settings import today

ROTATION_LABELS = ("week 1", "week 2", "week 3")


def gazetteer(session: Session, kinds: tuple[PlaceKind, ...]) -> list[Place]:
    """Gazetteer places of ``kinds``, by name."""
    return list(
        session.scalars(
            sa.select(Place)
            .where(Place.kind.in_(kinds), Place.key.is_not(None))
            .order_by(Place.name)
        )
    )


def fill_choices(form: NeedForm, session: Session) -> None:
    """Destinations grouped by kind, daycares for the stop on the way, villages for home."""
    empty = [SelectChoice("", _("— choose —"))]
    destinations: list[SelectChoice] = []
    labels = {
        PlaceKind.EMPLOYER: _("Employers"),
        PlaceKind.COURSE_SITE: _("Courses and schools"),
        PlaceKind.DAYCARE: _("Daycare"),
        PlaceKind.STATION: _("Stations"),
        PlaceKind.TOWN: _("Towns"),
    }
    for place in gazetteer(session, tuple(labels)):
        destinations.append(SelectChoice(place.id, place.name, optgroup=labels[place.kind]))
    destinations.sort(key=lambda c: (list(labels.values()).index(c.optgroup), c.label))
    form.destination_place.choices = empty + destinations
    daycares = [SelectChoice(p.id, p.name) for p in gazetteer(session, (PlaceKind.DAYCARE,))]
    form.via_place.choices = [SelectChoice("", _("No stop")), *daycares]
    if isinstance(form, RiderForm):
        villages = [
            SelectChoice(p.id, p.name)
            for p in gazetteer(session, (PlaceKind.VILLAGE, PlaceKind.TOWN))
        ]
        form.home_village.choices = empty + villages


def need_input(form: NeedForm) -> NeedInput:
    """The need part of a validated form."""
    kind = ScheduleKind(form.schedule_kind.data)
    destination_address = None
    if form.destination_place.data is None:
        destination_address = AddressInput(
            street=form.destination_street.data or "", municipality=form.destination_town.data or ""
        )
    weeks: tuple[RotationWeekInput, ...] = ()
    if kind == ScheduleKind.ROTATING:
        entries = list(form.rotation.entries)[: form.rotation_weeks()]
        weeks = tuple(
            RotationWeekInput(
                arrive_by=e.form.arrive_by.data,
                pick_up_after=e.form.pick_up_after.data,
                off=bool(e.form.off.data)
                or (e.form.arrive_by.data is None and e.form.pick_up_after.data is None),
                label=ROTATION_LABELS[i],
            )
            for i, e in enumerate(entries)
        )
    dates = tuple(getattr(form, "parsed_dates", []))
    valid_from: dt.date = form.valid_from.data or (dates[0] if dates else today())
    return NeedInput(
        purpose=NeedPurpose(form.purpose.data),
        valid_from=valid_from,
        valid_until=form.valid_until.data,
        destination_place_id=form.destination_place.data,
        destination_address=destination_address,
        via_place_id=form.via_place.data,
        schedule_kind=kind,
        weekdays=frozenset(form.weekdays.data or ()),
        arrive_by=form.arrive_by.data,
        pick_up_after=form.pick_up_after.data,
        rotation_weeks=weeks,
        dates=dates,
        seats_needed=form.seats_needed.data or 1,
        child_seats=form.child_seats.data or 0,
        booster_seats=form.booster_seats.data or 0,
    )


def rider_registration(form: RiderForm, locale: str) -> RiderRegistration:
    """The whole registration from a validated form."""
    lat, lon = form.map_point()
    return RiderRegistration(
        first_name=form.first_name.data.strip(),
        phone=form.normalised_phone or form.phone.data,
        email=(form.email.data or "").strip() or None,
        home=AddressInput(
            street=form.home_street.data or "",
            house_number=form.home_number.data or "",
            village_place_id=form.home_village.data,
            lat=lat if form.home_village.data is None else None,
            lon=lon if form.home_village.data is None else None,
        ),
        need=need_input(form),
        consent=bool(form.consent.data),
        languages=tuple(form.languages.data or ()),
        mobility_needs=tuple(form.mobility_needs.data or ()),
        mobility_note=form.mobility_note.data,
        locale=locale,
    )


def fill_from_need(form: NeedForm, need: RideNeed) -> None:
    """Pre-fill the edit form with the stored need (GET only)."""
    if need.destination.key is not None:
        form.destination_place.data = need.destination_id
    else:
        form.destination_street.data = need.destination.street
        form.destination_town.data = need.destination.municipality
    form.purpose.data = need.purpose.value
    form.schedule_kind.data = need.schedule_kind.value
    form.weekdays.data = sorted(need.weekday_set)
    form.arrive_by.data = need.arrive_by
    form.pick_up_after.data = need.pick_up_after
    if need.rotation_weeks:
        form.rotation_length.data = str(min(max(len(need.rotation_weeks), 2), 3))
    for entry, week in zip(form.rotation.entries, need.rotation_weeks, strict=False):
        entry.form.off.data = week.off
        entry.form.arrive_by.data = week.arrive_by
        entry.form.pick_up_after.data = week.pick_up_after
    form.dates.data = ", ".join(d.day.strftime("%d.%m.%Y") for d in need.dates)
    form.valid_from.data = need.valid_from
    form.valid_until.data = need.valid_until
    form.seats_needed.data = need.seats_needed
    form.child_seats.data = need.child_seats
    form.booster_seats.data = need.booster_seats
    form.via_place.data = need.via_id


def open_doubts(form: NeedForm, stored_from: dt.date | None = None) -> list[tuple[str, str]]:
    """The probable slips of a valid form not yet confirmed: (field id, message); [] to save.

    The tick confirms only the doubts the page showed (``doubts_seen``): a new one,
    after the rider changed something, is shown and asks again. ``stored_from`` is
    the start of the need being changed (kept, it is no slip).
    """
    doubts = plausibility.need_doubts(need_input(form), today(), stored_from=stored_from)
    codes = {doubt.code for doubt in doubts}
    seen = set((form.doubts_seen.data or "").split())
    if not doubts or (form.confirm_doubts.data and codes <= seen):
        return []
    form.doubts_seen.data = " ".join(sorted(codes))
    form.confirm_doubts.data = False
    return [(doubt.form_field, _doubt_text(doubt)) for doubt in doubts]


def _doubt_text(doubt: plausibility.Doubt) -> str:
    params = {
        name: format_date(value, "medium") if isinstance(value, dt.date) else value
        for name, value in doubt.params.items()
    }
    return _(doubt.template).format(**params)


def map_center(session: Session) -> tuple[float, float]:
    """The middle of the district's villages, where the optional home map opens."""
    row = session.execute(
        sa.select(sa.func.avg(Place.lat), sa.func.avg(Place.lon)).where(
            Place.kind.in_((PlaceKind.VILLAGE, PlaceKind.TOWN)), Place.key.is_not(None)
        )
    ).one()
    if row[0] is None:
        return 51.16, 10.45  # the middle of Germany
    return round(float(row[0]), 5), round(float(row[1]), 5)


# Domain field names that differ from the form's.
FIELD_ALIASES = {
    "home_village": "home_village",
    "home_street": "home_street",
    "home_map": "home_village",
    "destination_place_id": "destination_place",
    "destination_street": "destination_street",
    "destination_village": "destination_town",
    "via_place_id": "via_place",
    "rotation": "rotation",
    "rotation_anchor": "valid_from",
    "weekdays": "weekdays",
}


def attach_error(form: NeedForm, error: DomainValidationError) -> None:
    """Show a domain validation error next to its field (or at the top if it has none)."""
    name = FIELD_ALIASES.get(error.field or "", error.field or "")
    field = getattr(form, name, None) if name else None
    message = translate_domain_error(error)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), message]
    else:
        form.form_errors.append(message)
