"""Intake: the office decides on every need a rider registered or edited.

A need is saved ``pending``; only a decision here makes it ``active`` (and so
trips), asks the rider for a change (it stays pending until they edit it) or
declines it (``cancelled`` with a reason). Trips of the coming days are made at
once by ``trips.generate_trips``, the same rule the nightly job and the planner
use. Decisions use the need's row version: of two coordinators deciding the
same need, the second gets a ``Conflict``. The rider is told in their language
through the outbox; the audit log keeps who decided what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from matcher import audit as audit_log
from matcher.clock import today
from matcher.clock import utcnow
from matcher.demand.trips import generate_trips
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import DeclineReason
from matcher.models import Driver
from matcher.models import DriverVetting
from matcher.models import NeedDecision
from matcher.models import NeedStatus
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.notifications.events import send_to
from matcher.settings import Settings

CONFLICT = N_("Someone else decided on this ride request meanwhile. Please look at it again.")
AUTO_ACCEPTED_SHOWN_DAYS = 7
DECLINE_REASON_TEXTS = {
    DeclineReason.OUTSIDE_AREA: N_("The places are outside the area we serve."),
    DeclineReason.NOT_ELIGIBLE: N_("The ride does not fit what our volunteer drivers can offer."),
    DeclineReason.NO_DRIVERS: N_("We have no drivers for these times."),
    DeclineReason.DUPLICATE: N_("You already asked for this ride."),
    DeclineReason.OTHER: N_("Another reason (see below)."),
}
"""What the rider reads for each reason (the messages' _decline_reason.txt says the same)."""


@dataclass(frozen=True)
class QueueItem:
    """One thing waiting for the office, with its age."""

    kind: str
    """``new_need``, ``edited_need``, ``auto_accepted``, ``new_driver``, ``location``,
    ``duplicate``."""
    since: dt.datetime
    rider: Rider | None = None
    need: RideNeed | None = None
    driver: Driver | None = None


def need_queue(session: Session, now: dt.datetime) -> list[QueueItem]:
    """Needs waiting for a decision (new, edited) and recent auto-accepted ones, oldest first."""
    needs = session.scalars(
        sa.select(RideNeed)
        .join(Rider, Rider.id == RideNeed.rider_id)
        .where(Rider.erased_at.is_(None))
        .where(
            sa.or_(
                sa.and_(RideNeed.status == NeedStatus.PENDING, RideNeed.decision.is_(None)),
                sa.and_(
                    RideNeed.decision == NeedDecision.AUTO_ACCEPTED,
                    RideNeed.decided_at >= now - dt.timedelta(days=AUTO_ACCEPTED_SHOWN_DAYS),
                ),
            )
        )
        .options(
            selectinload(RideNeed.rider),
            selectinload(RideNeed.origin),
            selectinload(RideNeed.destination),
        )
    ).all()
    items = []
    for need in needs:
        if need.decision == NeedDecision.AUTO_ACCEPTED:
            since = need.decided_at or need.created_at
            items.append(QueueItem("auto_accepted", since, need.rider, need))
        elif need.edited_at is not None:
            items.append(QueueItem("edited_need", need.edited_at, need.rider, need))
        else:
            items.append(QueueItem("new_need", need.created_at, need.rider, need))
    return items


def intake_queue(session: Session, now: dt.datetime) -> list[QueueItem]:
    """Everything waiting for the office: needs, new drivers, flagged places, duplicates."""
    items = need_queue(session, now)
    for driver in session.scalars(
        sa.select(Driver).where(
            Driver.vetting_status == DriverVetting.PENDING,
            Driver.active,
            Driver.erased_at.is_(None),
        )
    ):
        items.append(QueueItem("new_driver", driver.created_at, driver=driver))
    for rider in session.scalars(
        sa.select(Rider)
        .where(Rider.erased_at.is_(None))
        .where(Rider.location_to_check | Rider.possible_duplicate_of_id.is_not(None))
    ):
        if rider.location_to_check:
            items.append(QueueItem("location", rider.created_at, rider=rider))
        if rider.possible_duplicate_of_id is not None:
            items.append(QueueItem("duplicate", rider.created_at, rider=rider))
    return sorted(items, key=lambda i: (i.since, i.kind))


def waiting_count(session: Session) -> int:
    """How many needs wait for a decision (the number beside the nav link)."""
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(RideNeed)
            .join(Rider, Rider.id == RideNeed.rider_id)
            .where(Rider.erased_at.is_(None))
            .where(RideNeed.status == NeedStatus.PENDING, RideNeed.decision.is_(None))
        )
        or 0
    )


def _pending_need(session: Session, need_id: int, row_version: int) -> RideNeed:
    need = session.get(RideNeed, need_id)
    if need is None or need.rider.erased_at is not None:
        raise NotFound(N_("This ride request does not exist."))
    if need.row_version != row_version or need.status != NeedStatus.PENDING or need.decision:
        raise Conflict(CONFLICT)
    return need


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        raise Conflict(CONFLICT) from error


def generate_coming_days(session: Session, settings: Settings) -> None:
    """Make the trips of today and the next ``intake_trip_days`` days for the active needs."""
    first = today(settings.tz)
    for offset in range(settings.intake_trip_days + 1):
        generate_trips(session, first + dt.timedelta(days=offset), settings)


def _decide(
    session: Session,
    need: RideNeed,
    decision: NeedDecision,
    coordinator_id: int | None,
    settings: Settings,
    *,
    reason: DeclineReason | None = None,
    note: str | None = None,
) -> RideNeed:
    now = utcnow()
    need.decision = decision
    need.decline_reason = reason
    need.decision_note = note
    need.decided_at = now
    if decision in (NeedDecision.ACCEPTED, NeedDecision.AUTO_ACCEPTED):
        need.status = NeedStatus.ACTIVE
    elif decision == NeedDecision.DECLINED:
        need.status = NeedStatus.CANCELLED
    _flush(session)
    audit_log.record_action(
        session,
        coordinator_id,
        f"need.{decision.value}",
        "ride_need",
        need.id,
        reason=reason.value if reason else None,
        note=note,
    )
    if need.status == NeedStatus.ACTIVE:
        generate_coming_days(session, settings)
    rider = need.rider
    send_to(
        session,
        key=f"need:{need.id}:decision:{need.row_version}",
        template="rider_decision.txt",
        locale=rider.locale,
        settings=settings,
        now=now,
        email=rider.email,
        phone=rider.phone,
        related=("rider", rider.id),
        rider_name=rider.first_name or "",
        decision=decision.value,
        reason=reason.value if reason else "",
        note=note or "",
        destination=need.destination.name,
    )
    return need


def accept_need(
    session: Session, need_id: int, row_version: int, coordinator_id: int, settings: Settings
) -> RideNeed:
    """The need becomes active; its trips of the coming days are made at once."""
    need = _pending_need(session, need_id, row_version)
    return _decide(session, need, NeedDecision.ACCEPTED, coordinator_id, settings)


def request_change(
    session: Session,
    need_id: int,
    row_version: int,
    coordinator_id: int,
    note: str,
    settings: Settings,
) -> RideNeed:
    """Ask the rider to change the need; it waits (pending) until they edit it."""
    if not (note or "").strip():
        raise ValidationError(N_("Please say what the rider should change."), field="note")
    need = _pending_need(session, need_id, row_version)
    return _decide(
        session, need, NeedDecision.CHANGE_REQUESTED, coordinator_id, settings, note=note.strip()
    )


def decline_need(
    session: Session,
    need_id: int,
    row_version: int,
    coordinator_id: int,
    reason: str,
    note: str | None,
    settings: Settings,
) -> RideNeed:
    """Decline the need with a reason from the list (plus optional words); it is cancelled."""
    try:
        chosen = DeclineReason(reason)
    except ValueError:
        raise ValidationError(N_("Please choose a reason."), field="reason") from None
    if chosen == DeclineReason.OTHER and not (note or "").strip():
        raise ValidationError(N_("Please write the reason for the rider."), field="note")
    need = _pending_need(session, need_id, row_version)
    return _decide(
        session,
        need,
        NeedDecision.DECLINED,
        coordinator_id,
        settings,
        reason=chosen,
        note=(note or "").strip() or None,
    )


def places_confirmed(need: RideNeed) -> bool:
    """True when no place of the need is a flagged address (safe to accept without a look)."""
    if need.rider.location_to_check:
        return False
    places = [p for p in (need.origin, need.destination, need.via) if p is not None]
    return all(p.confirmed for p in places)


def auto_accept(session: Session, need: RideNeed, settings: Settings) -> bool:
    """Accept a new need at once if the district allows it and its places are confirmed."""
    if not settings.auto_accept_confirmed_places or not places_confirmed(need):
        return False
    _decide(session, need, NeedDecision.AUTO_ACCEPTED, None, settings)
    return True


def rider_edited(need: RideNeed) -> None:
    """The rider changed the need: it is back in the queue for a new decision."""
    need.status = NeedStatus.PENDING
    need.decision = None
    need.decline_reason = None
    need.edited_at = utcnow()
