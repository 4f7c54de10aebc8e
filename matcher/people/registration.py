"""Riders and drivers register themselves; riders manage their needs through a personal link.

Typed dataclasses come in (the web form or the CLI builds them), ORM rows go
out. Nothing here commits. A rider's personal-link token is returned once
and stored only as a hash. A second registration with the same phone number
is saved and flagged as a possible duplicate for the coordinator, never
merged or refused silently. The driver account services (login links,
passwords, vetting, availability) live in :mod:`matcher.people.drivers`
and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.clock import today
from matcher.clock import utcnow
from matcher.demand import intake
from matcher.demand.recurrence import need_occurs_on
from matcher.demand.recurrence import pattern_from_need
from matcher.demand.trip_release import release_trips
from matcher.errors import N_
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.geo.geocoding import make_geocoder
from matcher.models import ActorType
from matcher.models import Driver
from matcher.models import NeedDate
from matcher.models import NeedPause
from matcher.models import NeedPurpose
from matcher.models import NeedRotationWeek
from matcher.models import NeedStatus
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import ScheduleKind
from matcher.models import Trip
from matcher.notifications.accounts import welcome_rider
from matcher.people import personal_links
from matcher.people import traces
from matcher.people.drivers import DriverRegistered as DriverRegistered
from matcher.people.drivers import DriverRegistration as DriverRegistration
from matcher.people.drivers import ExceptionInput as ExceptionInput
from matcher.people.drivers import WindowInput as WindowInput
from matcher.people.drivers import add_exception as add_exception
from matcher.people.drivers import authenticate_driver as authenticate_driver
from matcher.people.drivers import issue_login_link as issue_login_link
from matcher.people.drivers import redeem_login_link as redeem_login_link
from matcher.people.drivers import register_driver as register_driver
from matcher.people.drivers import remove_exception as remove_exception
from matcher.people.drivers import set_availability as set_availability
from matcher.people.drivers import set_password as set_password
from matcher.people.drivers import vet_driver as vet_driver
from matcher.people.phones import normalise_phone
from matcher.people.places import AddressInput
from matcher.people.places import gazetteer_place
from matcher.people.places import place_for_address
from matcher.people.places import release_address
from matcher.security import hash_token
from matcher.settings import Settings

PRIVACY_NOTICE_VERSION = "2026-11"
MAX_DATES = 60
MAX_TOKEN_LENGTH = 100

__all__ = [
    "AddressInput",
    "DriverRegistered",
    "DriverRegistration",
    "ExceptionInput",
    "NeedInput",
    "RiderRegistered",
    "RiderRegistration",
    "RotationWeekInput",
    "WindowInput",
    "add_exception",
    "authenticate_driver",
    "cancel_need",
    "erase_rider",
    "find_rider_by_token",
    "issue_login_link",
    "pause_day",
    "redeem_login_link",
    "register_driver",
    "register_rider",
    "remove_exception",
    "set_availability",
    "set_password",
    "update_need",
    "vet_driver",
]


@dataclass(frozen=True)
class RotationWeekInput:
    """One week of a rotating shift: its times, or ``off``."""

    arrive_by: dt.time | None = None
    pick_up_after: dt.time | None = None
    off: bool = False
    label: str | None = None


@dataclass(frozen=True)
class NeedInput:
    """What the rider needs: where to, why, when, and with whom."""

    purpose: NeedPurpose
    valid_from: dt.date
    destination_place_id: int | None = None
    """A gazetteer destination (employer, course site, daycare) ..."""
    destination_address: AddressInput | None = None
    """... or a typed address."""
    via_place_id: int | None = None
    schedule_kind: ScheduleKind = ScheduleKind.WEEKLY
    weekdays: frozenset[int] = frozenset()
    arrive_by: dt.time | None = None
    pick_up_after: dt.time | None = None
    rotation_weeks: tuple[RotationWeekInput, ...] = ()
    """Week 1 is the week of ``valid_from``."""
    dates: tuple[dt.date, ...] = ()
    valid_until: dt.date | None = None
    seats_needed: int = 1
    child_seats: int = 0
    booster_seats: int = 0
    note: str | None = None


@dataclass(frozen=True)
class RiderRegistration:
    """Everything the rider form asks."""

    first_name: str
    phone: str
    home: AddressInput
    need: NeedInput
    consent: bool
    email: str | None = None
    languages: tuple[str, ...] = ()
    mobility_needs: tuple[str, ...] = ()
    mobility_note: str | None = None
    locale: str = "de"
    privacy_notice_version: str = PRIVACY_NOTICE_VERSION


@dataclass(frozen=True)
class RiderRegistered:
    """The new rider; ``token`` is the clear personal-link token, shown once."""

    rider: Rider
    need: RideNeed
    token: str
    location_to_check: bool
    possible_duplicate_of_id: int | None = None
    link_sent_by: OutboxChannel | None = None
    """How the personal link is also sent (e-mail if she gave one, else SMS)."""


def register_rider(
    session: Session,
    registration: RiderRegistration,
    settings: Settings,
) -> RiderRegistered:
    """Create the rider, their need and places; queue the welcome e-mail if an address was given."""
    if not registration.consent:
        raise ValidationError(N_("Please agree to the privacy notice."), field="consent")
    phone = normalise_phone(registration.phone)
    geocoder = make_geocoder(session, settings)
    home, home_to_check = place_for_address(session, geocoder, registration.home, "home")
    duplicate_of = session.scalars(
        sa.select(Rider.id)
        .where(Rider.phone == phone, Rider.erased_at.is_(None))
        .order_by(Rider.id)
        .limit(1)
    ).first()
    now = utcnow()
    rider = Rider(
        first_name=registration.first_name,
        phone=phone,
        email=(registration.email or "").strip().lower() or None,
        home_place=home,
        languages=list(registration.languages),
        mobility_needs=list(registration.mobility_needs),
        note=(registration.mobility_note or "").strip() or None,
        consent_at=now,
        privacy_notice_version=registration.privacy_notice_version,
        locale=registration.locale,
        location_to_check=home_to_check,
        possible_duplicate_of_id=duplicate_of,
        last_active_at=now,
    )
    token = personal_links.issue_link(rider, settings, now)
    session.add(rider)
    need, dest_to_check = _new_need(session, rider, home, registration.need, settings)
    rider.location_to_check = home_to_check or dest_to_check
    session.flush()
    welcome = welcome_rider(session, rider, token, settings, now)
    link_sent_by = None if welcome is None else welcome.channel
    intake.auto_accept(session, need, settings)
    return RiderRegistered(
        rider, need, token, rider.location_to_check, duplicate_of, link_sent_by=link_sent_by
    )


def _destination(session: Session, geocoder: object, data: NeedInput) -> tuple[Place, bool]:
    if data.destination_place_id is not None:
        return gazetteer_place(session, data.destination_place_id, "destination_place_id"), False
    if data.destination_address is None:
        raise ValidationError(
            N_("Please choose where you need to go."), field="destination_place_id"
        )
    return place_for_address(session, geocoder, data.destination_address, "destination")  # type: ignore[arg-type]


def _new_need(
    session: Session, rider: Rider, home: Place, data: NeedInput, settings: Settings
) -> tuple[RideNeed, bool]:
    geocoder = make_geocoder(session, settings)
    destination, to_check = _destination(session, geocoder, data)
    with session.no_autoflush:  # the need is complete only after _apply_need
        need = RideNeed(
            rider=rider, origin=home, destination=destination, status=NeedStatus.PENDING
        )
        _apply_need(session, need, data)
        session.add(need)
    return need, to_check


def _apply_need(session: Session, need: RideNeed, data: NeedInput) -> None:
    """Copy the form's schedule onto ``need`` (replacing dates and rotation weeks)."""
    if data.via_place_id is not None:
        need.via = gazetteer_place(session, data.via_place_id, "via_place_id")
    else:
        need.via = None
    if need.destination is not None and need.origin is not None and need.destination is need.origin:
        raise ValidationError(
            N_("Start and destination must differ."), field="destination_place_id"
        )
    need.purpose = data.purpose
    need.schedule_kind = data.schedule_kind
    need.valid_from = data.valid_from
    need.valid_until = data.valid_until
    need.seats_needed = data.seats_needed
    need.child_seats = data.child_seats
    need.booster_seats = data.booster_seats
    need.note = data.note
    need.dates.clear()
    need.rotation_weeks.clear()
    if need.id is not None:
        session.flush()  # delete replaced dates/weeks before re-adding the same keys
    kind = data.schedule_kind
    if kind == ScheduleKind.DATES:
        days = sorted(set(data.dates))
        if not days:
            raise ValidationError(N_("Please give at least one date."), field="dates")
        if len(days) > MAX_DATES:
            raise ValidationError(
                N_("At most {count} dates, please."), field="dates", count=MAX_DATES
            )
        need.weekdays = 0
        need.valid_from = min(days[0], data.valid_from)
        need.valid_until = max(days[-1], data.valid_until or days[-1])
        need.dates.extend(NeedDate(day=d) for d in days)
    else:
        need.weekday_set = data.weekdays
    if kind == ScheduleKind.ROTATING:
        weeks = data.rotation_weeks
        if not weeks or all(w.off for w in weeks):
            raise ValidationError(
                N_("Please give the times of at least one week."), field="rotation"
            )
        need.rotation_anchor = data.valid_from - dt.timedelta(days=data.valid_from.weekday())
        need.arrive_by = need.pick_up_after = None
        need.return_next_day = False
        for index, week in enumerate(weeks):
            need.rotation_weeks.append(
                NeedRotationWeek(
                    week_index=index,
                    off=week.off,
                    label=week.label,
                    arrive_by=None if week.off else week.arrive_by,
                    pick_up_after=None if week.off else week.pick_up_after,
                    return_next_day=_next_day(week.arrive_by, week.pick_up_after) and not week.off,
                )
            )
    else:
        need.rotation_anchor = None
        need.arrive_by = data.arrive_by
        need.pick_up_after = data.pick_up_after
        need.return_next_day = _next_day(data.arrive_by, data.pick_up_after)


def _next_day(arrive: dt.time | None, back: dt.time | None) -> bool:
    """A way back at or before the arrival time is the next morning (a night shift)."""
    return arrive is not None and back is not None and back <= arrive


def find_rider_by_token(session: Session, token: str) -> Rider | None:
    """The rider whose personal link this is; None for unknown, malformed or erased."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return session.scalars(
        sa.select(Rider).where(Rider.token_hash == hash_token(token), Rider.erased_at.is_(None))
    ).one_or_none()


def rider_need(session: Session, rider_id: int, need_id: int) -> RideNeed:
    """The rider's own need; NotFound for anyone else's."""
    need = session.get(RideNeed, need_id)
    if need is None or need.rider_id != rider_id:
        raise NotFound(N_("This ride request does not exist."))
    return need


def update_need(
    session: Session, rider_id: int, need_id: int, data: NeedInput, settings: Settings
) -> RideNeed:
    """Change a need; it goes back to ``pending`` for the coordinator, open trips are released."""
    need = rider_need(session, rider_id, need_id)
    if need.status == NeedStatus.CANCELLED:
        raise ValidationError(N_("A cancelled ride request cannot be changed."), field=None)
    with session.no_autoflush:
        if data.destination_place_id is not None or data.destination_address is not None:
            need.destination, _ = _destination(session, make_geocoder(session, settings), data)
        _apply_need(session, need, data)
    intake.rider_edited(need)
    session.flush()
    release_trips(session, need.id, today(settings.tz))
    return need


def pause_day(
    session: Session, rider_id: int, need_id: int, day: dt.date, settings: Settings
) -> NeedPause:
    """The rider does not need the ride on ``day``; that day's open trips are cancelled."""
    need = rider_need(session, rider_id, need_id)
    if day < today(settings.tz):
        raise ValidationError(N_("A day in the past cannot be paused."), field="day")
    if need.status == NeedStatus.CANCELLED or need_occurs_on(pattern_from_need(need), day) is None:
        raise ValidationError(N_("There is no ride on this day to pause."), field="day")
    pause = NeedPause(need_id=need.id, day=day)
    need.paused_dates.append(pause)
    session.flush()
    release_trips(session, need.id, day, only_day=day)
    return pause


def cancel_need(session: Session, rider_id: int, need_id: int, settings: Settings) -> RideNeed:
    """The need ends: status ``cancelled``; its trips not yet published are cancelled."""
    need = rider_need(session, rider_id, need_id)
    need.status = NeedStatus.CANCELLED
    session.flush()
    release_trips(session, need.id, today(settings.tz))
    return need


def erase_rider(
    session: Session,
    rider_id: int,
    *,
    today: dt.date | None = None,
    coordinator_id: int | None = None,
) -> Rider:
    """Right to erasure: personal fields blanked, link dead; purpose, place, counts stay.

    The audit entry names the rider, or ``coordinator_id`` when the office erased
    the data at the rider's request.
    """
    rider = session.get(Rider, rider_id)
    if rider is None or rider.erased_at is not None:
        raise NotFound(N_("This registration does not exist."))
    personal_places = {rider.home_place} if rider.home_place else set()
    for need in rider.needs:
        personal_places.update(
            p for p in (need.origin, need.destination, need.via) if p and p.key is None
        )
    addresses = [p for p in personal_places if p.kind == PlaceKind.ADDRESS]
    her_traces = traces.of_rider(rider, addresses)
    rider.erased_at = utcnow()
    rider.first_name = rider.phone = rider.email = rider.note = None
    rider.token_hash = rider.link_nonce = rider.link_issued_at = None
    rider.languages = []
    rider.mobility_needs = []
    rider.possible_duplicate_of_id = None
    for need in rider.needs:
        need.note = need.decision_note = None
        if need.status != NeedStatus.CANCELLED:
            need.status = NeedStatus.CANCELLED
    session.flush()
    for need in rider.needs:
        release_trips(session, need.id, today or dt.date.min)
    for place in addresses:
        release_address(session, place, rider_id=rider.id)
    session.execute(
        sa.update(Trip)
        .where(Trip.rider_id == rider.id)
        .values(note=None, unserved_details=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        sa.delete(OutboxMessage).where(
            OutboxMessage.related_type == "rider", OutboxMessage.related_id == rider.id
        )
    )
    traces.scrub(session, her_traces)
    if coordinator_id is None:
        audit_log.record(
            session,
            actor_type=ActorType.RIDER,
            actor_id=rider.id,
            action="rider.erase",
            entity_type="rider",
            entity_id=rider.id,
        )
    else:
        audit_log.record_action(
            session, coordinator_id, "rider.erase", "rider", rider.id, reason="rider_request"
        )
    session.flush()
    return rider


def driver_by_id(session: Session, driver_id: int) -> Driver:
    """The driver, or NotFound."""
    driver = session.get(Driver, driver_id)
    if driver is None or driver.erased_at is not None:
        raise NotFound(N_("This driver does not exist."))
    return driver


def riders_flagged(session: Session) -> Sequence[Rider]:
    """Riders a coordinator should look at: possible duplicates and locations to check."""
    return session.scalars(
        sa.select(Rider)
        .where(
            Rider.erased_at.is_(None),
            sa.or_(Rider.possible_duplicate_of_id.is_not(None), Rider.location_to_check.is_(True)),
        )
        .order_by(Rider.id)
    ).all()
