"""What the office does for a rider who calls: her needs changed on her behalf, her data erased.

The rider has no account; when she phones, the coordinator acts for her with
the services her personal page uses (``matcher.people.registration``), so the
office and the rider are held to one set of rules. On top, each action here
carries the need's row version (of two pages open on the same need, the second
is refused with a ``Conflict``), is in the audit log under the coordinator's
name and is told to the rider in her language through the outbox (she was not
at the screen). Pausing a whole need (status ``paused``, no trips until it is
resumed) exists only here; the personal page pauses single days. Erasure is the
rider's own erasure, audited as done by the office at her request; nothing is
sent, as her contact details are gone with it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from matcher import audit as audit_log
from matcher.clock import today
from matcher.clock import utcnow
from matcher.demand.intake import generate_coming_days
from matcher.demand.trip_release import release_trips
from matcher.demand.trips import generate_trips
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import InvalidTransition
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import Coordinator
from matcher.models import NeedStatus
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.notifications.events import send_to
from matcher.people import registration
from matcher.settings import Settings

CONFLICT = N_("Someone else changed this ride request meanwhile. Please look at the page again.")


def office_rider(session: Session, rider_id: int) -> Rider:
    """The rider (not erased), or ``NotFound``."""
    rider = session.get(Rider, rider_id)
    if rider is None or rider.erased_at is not None:
        raise NotFound(N_("This rider does not exist."))
    return rider


def _coordinator(session: Session, coordinator_id: int) -> None:
    if session.get(Coordinator, coordinator_id) is None:
        raise NotFound(N_("This coordinator does not exist."))


def office_need(session: Session, rider_id: int, need_id: int, row_version: int) -> RideNeed:
    """The rider's need as the office's page showed it; ``Conflict`` if it changed since."""
    rider = office_rider(session, rider_id)
    need = registration.rider_need(session, rider.id, need_id)
    if need.row_version != row_version:
        raise Conflict(CONFLICT)
    return need


def flush_need(session: Session, need: RideNeed) -> None:
    """Write the need with a new row version (even if only its days changed)."""
    need.updated_at = utcnow()
    flag_modified(need, "updated_at")
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(CONFLICT) from error


def record_and_tell(
    session: Session,
    need: RideNeed,
    coordinator_id: int,
    action: str,
    settings: Settings,
    *,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
    **details: object,
) -> None:
    """Audit the office's ``action`` on ``need`` and tell the rider in her language."""
    now = now or utcnow()
    if day is not None:
        details["day"] = day.isoformat()
    audit_log.record_action(
        session, coordinator_id, f"need.office_{action}", "ride_need", need.id, **details
    )
    rider = need.rider
    send_to(
        session,
        key=f"need:{need.id}:office:{action}:{need.row_version}",
        template="rider_office_change.txt",
        locale=rider.locale,
        settings=settings,
        now=now,
        email=rider.email,
        phone=rider.phone,
        related=("rider", rider.id),
        rider_name=rider.first_name or "",
        action=action,
        destination=need.destination.name,
        day=day or today(settings.tz),
    )
    session.flush()


def edit_need(
    session: Session,
    rider_id: int,
    need_id: int,
    row_version: int,
    data: registration.NeedInput,
    coordinator_id: int,
    settings: Settings,
) -> RideNeed:
    """Change the need for the rider with her own edit (same rules, same trip release).

    Unlike her own edit, an accepted (active or paused) need stays decided: the
    office made the change, so it does not go back to the intake queue, and the
    trips of the coming days are made at once. A pending need stays pending for
    the intake decision.
    """
    _coordinator(session, coordinator_id)
    need = office_need(session, rider_id, need_id, row_version)
    status, decision, decided_at, edited_at = (
        need.status,
        need.decision,
        need.decided_at,
        need.edited_at,
    )
    registration.update_need(session, rider_id, need.id, data, settings)
    if status in (NeedStatus.ACTIVE, NeedStatus.PAUSED):
        need.status, need.decision = status, decision
        need.decided_at, need.edited_at = decided_at, edited_at
    flush_need(session, need)
    if need.status == NeedStatus.ACTIVE:
        generate_coming_days(session, settings)
    record_and_tell(session, need, coordinator_id, "edited", settings)
    return need


def pause_need(
    session: Session,
    rider_id: int,
    need_id: int,
    row_version: int,
    coordinator_id: int,
    settings: Settings,
) -> RideNeed:
    """Pause an active need until the office resumes it; its open trips from today are cancelled."""
    _coordinator(session, coordinator_id)
    need = office_need(session, rider_id, need_id, row_version)
    if need.status != NeedStatus.ACTIVE:
        raise InvalidTransition(N_("Only an active ride request can be paused."))
    need.status = NeedStatus.PAUSED
    flush_need(session, need)
    released = release_trips(session, need.id, today(settings.tz))
    record_and_tell(session, need, coordinator_id, "paused", settings, trips_cancelled=released)
    return need


def resume_need(
    session: Session,
    rider_id: int,
    need_id: int,
    row_version: int,
    coordinator_id: int,
    settings: Settings,
) -> RideNeed:
    """A paused need is active again; the trips of the coming days are made at once."""
    _coordinator(session, coordinator_id)
    need = office_need(session, rider_id, need_id, row_version)
    if need.status != NeedStatus.PAUSED:
        raise InvalidTransition(N_("Only a paused ride request can be resumed."))
    need.status = NeedStatus.ACTIVE
    flush_need(session, need)
    generate_coming_days(session, settings)
    record_and_tell(session, need, coordinator_id, "resumed", settings)
    return need


def cancel_need(
    session: Session,
    rider_id: int,
    need_id: int,
    row_version: int,
    coordinator_id: int,
    settings: Settings,
) -> RideNeed:
    """End the need for good, as the rider's own cancel does."""
    _coordinator(session, coordinator_id)
    need = office_need(session, rider_id, need_id, row_version)
    if need.status == NeedStatus.CANCELLED:
        raise InvalidTransition(N_("This ride request is cancelled already."))
    registration.cancel_need(session, rider_id, need.id, settings)
    flush_need(session, need)
    record_and_tell(session, need, coordinator_id, "cancelled", settings)
    return need


def pause_day(
    session: Session,
    rider_id: int,
    need_id: int,
    row_version: int,
    day: dt.date,
    coordinator_id: int,
    settings: Settings,
) -> RideNeed:
    """No ride on ``day``: the personal page's pause, made by the office."""
    _coordinator(session, coordinator_id)
    need = office_need(session, rider_id, need_id, row_version)
    if any(p.day == day for p in need.paused_dates):
        raise ValidationError(N_("This day is paused already."), field="day")
    registration.pause_day(session, rider_id, need.id, day, settings)
    flush_need(session, need)
    record_and_tell(session, need, coordinator_id, "day_paused", settings, day=day)
    return need


def resume_day(
    session: Session,
    rider_id: int,
    need_id: int,
    row_version: int,
    day: dt.date,
    coordinator_id: int,
    settings: Settings,
) -> RideNeed:
    """Undo a paused day: the ride of ``day`` is planned again (its trips are made at once)."""
    _coordinator(session, coordinator_id)
    need = office_need(session, rider_id, need_id, row_version)
    if day < today(settings.tz):
        raise ValidationError(N_("A day in the past cannot be changed."), field="day")
    pause = next((p for p in need.paused_dates if p.day == day), None)
    if pause is None:
        raise ValidationError(N_("This day is not paused."), field="day")
    need.paused_dates.remove(pause)
    flush_need(session, need)
    last_made = today(settings.tz) + dt.timedelta(days=settings.intake_trip_days)
    if need.status == NeedStatus.ACTIVE and day <= last_made:
        for each in (day, day + dt.timedelta(days=1)):  # a night shift's way back is the next day
            generate_trips(session, each, settings)
    record_and_tell(session, need, coordinator_id, "day_resumed", settings, day=day)
    return need


def erase_rider(session: Session, rider_id: int, coordinator_id: int, settings: Settings) -> Rider:
    """Erase the rider's data at her request: her own erasure, in the audit under the office."""
    _coordinator(session, coordinator_id)
    rider = office_rider(session, rider_id)
    return registration.erase_rider(
        session, rider.id, today=today(settings.tz), coordinator_id=coordinator_id
    )
