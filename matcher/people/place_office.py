"""The office's gazetteer: add and edit employers, course sites, daycares, stations, villages.

A listed place (one with a ``key``) is what riders choose in the registration
form and what the planner drives to. The office adds one with its address; the
point comes from the map when the coordinator clicked one, otherwise from the
configured geocoder (offline: the village's centre, flagged as approximate).
Daycares and course sites keep their opening hours, one row per weekday and
time span; form rows that cover several days are split into those rows here.

Every edit names the row version the page showed: of two coordinators saving
the same place, the second is refused (``Conflict``) instead of silently
overwriting the first. Every change is in the audit log.

Two entries for one place are merged: the ride requests, trips (past ones
too: the place is the same), rider and driver homes and route stops of the
removed entry move to the kept one, which also takes its opening hours if it
has none; the removed entry is deleted. It all happens in the caller's one
transaction, so a merge that fails halfway changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from matcher import audit as audit_log
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.geo.geocoding import AddressQuery
from matcher.geo.geocoding import Geocoder
from matcher.geo.geocoding import Precision
from matcher.geo.geocoding import fold
from matcher.geo.geocoding import make_geocoder
from matcher.models import HOURS_KINDS
from matcher.models import LISTED_KINDS
from matcher.models import Driver
from matcher.models import OpeningHours
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Stop
from matcher.models import Trip
from matcher.people.places import LAT_RANGE
from matcher.people.places import LON_RANGE
from matcher.settings import Settings

CHANGED_MEANWHILE = N_(
    "Someone else changed this place meanwhile, so nothing was saved. "
    "The page now shows their version; your entries are still in the form."
)
NOT_FOUND = N_("This place does not exist (any more).")
MERGED_MEANWHILE = N_(
    "One of the two places was changed or merged meanwhile, so nothing was merged. "
    "Please compare them again."
)


@dataclass(frozen=True)
class HoursInput:
    """Open on these weekdays (0 = Monday) from ``opens`` to ``closes``."""

    weekdays: frozenset[int]
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class PlaceInput:
    """What the office typed: kind, name, address, optionally a map point, opening hours."""

    kind: str
    name: str
    street: str = ""
    postcode: str = ""
    municipality: str = ""
    lat: float | None = None
    lon: float | None = None
    hours: tuple[HoursInput, ...] = field(default=())


@dataclass(frozen=True)
class SavedPlace:
    """The place as saved, and whether its point is only approximate (a village's centre)."""

    place: Place
    approximate: bool


def listed_place(session: Session, place_id: int) -> Place:
    """A place of the office's list, or ``NotFound``."""
    place = session.get(Place, place_id)
    if place is None or place.key is None or place.kind not in LISTED_KINDS:
        raise NotFound(NOT_FOUND)
    return place


def _kind(value: str) -> PlaceKind:
    try:
        kind = PlaceKind(value)
    except ValueError:
        kind = None
    if kind not in LISTED_KINDS:
        raise ValidationError(N_("Please choose what kind of place it is."), field="kind")
    assert kind is not None
    return kind


def _hours_rows(
    kind: PlaceKind, hours: tuple[HoursInput, ...]
) -> list[tuple[int, dt.time, dt.time]]:
    """The rows to store, one per weekday and span; overlaps and stray hours refused."""
    if not hours:
        return []
    if kind not in HOURS_KINDS:
        raise ValidationError(
            N_("Only daycares and course sites have opening hours here. Please empty those rows."),
            field="hours",
        )
    rows: list[tuple[int, dt.time, dt.time]] = []
    for item in hours:
        if not item.weekdays or any(not 0 <= d <= 6 for d in item.weekdays):
            raise ValidationError(N_("Please choose at least one day."), field="hours")
        if item.closes <= item.opens:
            raise ValidationError(
                N_("The closing time must be after the opening time."), field="hours"
            )
        rows.extend((day, item.opens, item.closes) for day in sorted(item.weekdays))
    rows.sort()
    for (day, _, closes), (next_day, opens, _) in zip(rows, rows[1:], strict=False):
        if day == next_day and opens < closes:
            raise ValidationError(
                N_("Two rows of opening hours overlap on the same day."), field="hours"
            )
    return rows


def hours_inputs(place: Place) -> list[HoursInput]:
    """The stored hours grouped back into form rows: same times, one row with several days."""
    groups: dict[tuple[dt.time, dt.time], set[int]] = {}
    for row in sorted(place.opening_hours, key=lambda h: (h.opens, h.weekday)):
        groups.setdefault((row.opens, row.closes), set()).add(row.weekday)
    return [HoursInput(frozenset(days), opens, closes) for (opens, closes), days in groups.items()]


def _set_hours(place: Place, rows: list[tuple[int, dt.time, dt.time]]) -> bool:
    """Replace the place's hours; True if they changed."""
    before = [(h.weekday, h.opens, h.closes) for h in place.opening_hours]
    if sorted(before) == rows:
        return False
    place.opening_hours.clear()
    for day, opens, closes in rows:
        place.opening_hours.append(OpeningHours(weekday=day, opens=opens, closes=closes))
    return True


def _same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and round(a, 6) == round(b, 6)


def _locate(place: Place, data: PlaceInput, geocoder: Geocoder, *, editing: bool) -> bool:
    """Put ``place`` where the map point says, or where the geocoder finds the address.

    Returns True if the point is only approximate. On an edit, coordinates left as
    the page showed them keep their source and confirmation.
    """
    if (data.lat is None) != (data.lon is None):
        raise ValidationError(N_("Latitude and longitude must be given together."), field="lat")
    if data.lat is not None and data.lon is not None:
        if editing and _same(data.lat, place.lat) and _same(data.lon, place.lon):
            return False
        if not (
            LAT_RANGE[0] <= data.lat <= LAT_RANGE[1] and LON_RANGE[0] <= data.lon <= LON_RANGE[1]
        ):
            raise ValidationError(
                N_("The point on the map is outside the area we serve."), field="lat"
            )
        place.lat, place.lon = round(data.lat, 6), round(data.lon, 6)
        place.source, place.confirmed = PlaceSource.MAP, True
        return False
    query = AddressQuery(street=data.street, municipality=data.municipality, postcode=data.postcode)
    location = geocoder.locate(query) if query.one_line() else None
    if location is None:
        raise ValidationError(
            N_("This address was not found. Please click the spot on the map."), field="lat"
        )
    place.lat, place.lon = round(location.lat, 6), round(location.lon, 6)
    place.source = PlaceSource.GEOCODER if location.source == "nominatim" else PlaceSource.GAZETTEER
    exact = location.precision == Precision.ADDRESS and not location.needs_check
    place.confirmed = exact
    return not exact


def _fill(place: Place, kind: PlaceKind, data: PlaceInput) -> None:
    place.kind = kind
    place.name = data.name
    place.street = data.street
    place.postcode = data.postcode
    place.municipality = data.municipality


def _snapshot(place: Place) -> dict[str, object]:
    return {
        "kind": place.kind.value if place.kind else None,
        "name": place.name,
        "street": place.street,
        "postcode": place.postcode,
        "municipality": place.municipality,
        "lat": place.lat,
        "lon": place.lon,
        "hours": [f"{h.weekday} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in place.opening_hours],
    }


def new_key(session: Session, kind: PlaceKind, name: str) -> str:
    """A stable, unused key such as ``daycare:kita-regenbogen`` (``-2``, ``-3`` if taken)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60] or "place"
    base = f"{kind.value}:{slug}"
    taken = set(
        session.scalars(
            sa.select(Place.key).where(sa.or_(Place.key == base, Place.key.like(f"{base}-%")))
        )
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(CHANGED_MEANWHILE) from error


def add_place(
    session: Session,
    settings: Settings,
    data: PlaceInput,
    *,
    actor_id: int | None,
    geocoder: Geocoder | None = None,
) -> SavedPlace:
    """A new listed place, located from the map point or its address; in the audit log."""
    kind = _kind(data.kind)
    place = Place(kind=kind, confirmed=False)
    _fill(place, kind, data)
    rows = _hours_rows(kind, data.hours)
    approximate = _locate(place, data, geocoder or make_geocoder(session, settings), editing=False)
    place.key = new_key(session, kind, place.name)
    _set_hours(place, rows)
    session.add(place)
    session.flush()
    audit_log.record_action(
        session, actor_id, "place_added", "place", place.id, after=_snapshot(place)
    )
    session.flush()
    return SavedPlace(place, approximate)


def edit_place(
    session: Session,
    settings: Settings,
    place_id: int,
    row_version: int,
    data: PlaceInput,
    *,
    actor_id: int | None,
    geocoder: Geocoder | None = None,
) -> SavedPlace:
    """Change a listed place as the page showed it (``row_version``), or ``Conflict``."""
    place = listed_place(session, place_id)
    if place.row_version != row_version:
        raise Conflict(CHANGED_MEANWHILE)
    kind = _kind(data.kind)
    rows = _hours_rows(kind, data.hours)
    before = _snapshot(place)
    _fill(place, kind, data)
    approximate = _locate(place, data, geocoder or make_geocoder(session, settings), editing=True)
    _set_hours(place, rows)
    after = _snapshot(place)
    if after == before:
        return SavedPlace(place, approximate)
    place.updated_at = utcnow()  # the row itself changes even if only its hours did
    _flush(session)
    audit_log.record_action(
        session,
        actor_id,
        "place_edited",
        "place",
        place.id,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    session.flush()
    return SavedPlace(place, approximate)


@dataclass(frozen=True)
class MergedPlaces:
    """The place kept, the one removed (name and id), and how much moved to the kept one."""

    kept: Place
    removed_id: int
    removed_name: str
    needs: int
    trips: int
    homes: int
    stops: int


def _count(session: Session, statement: sa.Select[Any]) -> int:
    return int(session.scalar(statement) or 0)


def _between(model: type[RideNeed] | type[Trip], ids: tuple[int, int]) -> sa.ColumnElement[bool]:
    return sa.and_(model.origin_id.in_(ids), model.destination_id.in_(ids))


def _at(model: type[RideNeed] | type[Trip], place_id: int) -> sa.ColumnElement[bool]:
    return sa.or_(
        model.origin_id == place_id, model.destination_id == place_id, model.via_id == place_id
    )


def merge_places(
    session: Session,
    keep_id: int,
    keep_version: int,
    remove_id: int,
    remove_version: int,
    *,
    actor_id: int | None,
) -> MergedPlaces:
    """Two entries for one place: needs, trips, homes and route stops move to the kept one.

    The other is deleted. Both versions are the ones the page showed; if a colleague
    changed or merged either meanwhile, ``Conflict``. All in the caller's transaction,
    so a merge that fails halfway changes nothing. A ride that goes from one of the two
    to the other would start where it ends: such a merge is refused before any change.
    """
    if keep_id == remove_id:
        raise ValidationError(N_("Please choose two different places."), field="other")
    session.flush()
    try:
        kept = listed_place(session, keep_id)
        removed = listed_place(session, remove_id)
    except NotFound:
        raise Conflict(MERGED_MEANWHILE) from None
    if kept.row_version != keep_version or removed.row_version != remove_version:
        raise Conflict(MERGED_MEANWHILE)
    pair = (kept.id, removed.id)
    between = _count(
        session, sa.select(sa.func.count(RideNeed.id)).where(_between(RideNeed, pair))
    ) + _count(session, sa.select(sa.func.count(Trip.id)).where(_between(Trip, pair)))
    if between:
        raise ValidationError(
            N_(
                "Some rides go from one of these places to the other: merged, they would "
                "start where they end. Please change those rides first."
            ),
            field="keep",
        )
    needs = _count(session, sa.select(sa.func.count(RideNeed.id)).where(_at(RideNeed, removed.id)))
    trips = _count(session, sa.select(sa.func.count(Trip.id)).where(_at(Trip, removed.id)))
    for model in (RideNeed, Trip):
        for column in ("origin_id", "destination_id", "via_id"):
            values: dict[str, Any] = {column: kept.id}
            if model is RideNeed:  # a colleague's decision on a moved need sees the change
                values["row_version"] = RideNeed.row_version + 1
            session.execute(
                sa.update(model)
                .where(getattr(model, column) == removed.id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
    homes = 0
    for owner in (Rider, Driver):
        result = session.execute(
            sa.update(owner)
            .where(owner.home_place_id == removed.id)
            .values(home_place_id=kept.id)
            .execution_options(synchronize_session=False)
        )
        homes += result.rowcount or 0  # type: ignore[attr-defined]
    stops = session.execute(
        sa.update(Stop)
        .where(Stop.place_id == removed.id)
        .values(place_id=kept.id)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.expire_all()  # the updates above bypassed the objects this session holds
    if kept.kind in HOURS_KINDS and not kept.opening_hours:
        _set_hours(kept, sorted((h.weekday, h.opens, h.closes) for h in removed.opening_hours))
    kept.updated_at = utcnow()
    merged = MergedPlaces(kept, removed.id, removed.name, needs, trips, homes, stops or 0)
    audit_log.record_action(
        session,
        actor_id,
        "places_merged",
        "place",
        kept.id,
        removed_place_id=removed.id,
        removed_place=removed.name,
        removed_key=removed.key,
        needs=needs,
        trips=trips,
        homes=homes,
        stops=merged.stops,
    )
    session.delete(removed)
    _flush(session)
    return merged
