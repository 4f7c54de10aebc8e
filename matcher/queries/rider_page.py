"""A rider's page: what the rider sees behind the link, and what the office sees of them.

``upcoming_rides`` and ``next_days`` feed the personal page; ``office_rider_page``
feeds the coordinators' rider page (needs, the next 14 days of trips with their
state, past trips, the audit trail).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased
from sqlalchemy.orm import selectinload

from matcher.demand.recurrence import Occurrence
from matcher.demand.recurrence import occurrences
from matcher.demand.recurrence import pattern_from_need
from matcher.errors import N_
from matcher.errors import NotFound
from matcher.models import AuditEntry
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import NeedStatus
from matcher.models import Place
from matcher.models import PlanStatus
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus


@dataclass(frozen=True)
class UpcomingRide:
    """One published ride: when to be ready, who comes, in which car."""

    day: dt.date
    direction: TripDirection
    pickup_at: dt.datetime | None
    dropoff_at: dt.datetime | None
    origin: str
    destination: str
    driver_first_name: str
    car: str | None
    driver_phone: str | None


def upcoming_rides(
    session: Session, rider_id: int, today: dt.date, days: int = 14
) -> list[UpcomingRide]:
    """The rider's rides in published plans from ``today`` on, in time order (one query)."""
    pickup = aliased(Stop)
    dropoff = aliased(Stop)
    origin = aliased(Place)
    destination = aliased(Place)
    rows = session.execute(
        sa.select(
            Trip.day,
            Trip.direction,
            pickup.service_start_at,
            pickup.arrival_at,
            dropoff.arrival_at.label("dropoff_at"),
            origin.name.label("origin"),
            destination.name.label("destination"),
            Driver.first_name,
            Driver.car_description,
            Driver.phone,
        )
        .join(pickup, sa.and_(pickup.trip_id == Trip.id, pickup.kind == StopKind.PICKUP))
        .join(Route, Route.id == pickup.route_id)
        .join(DayPlan, DayPlan.id == Route.plan_id)
        .join(Driver, Driver.id == Route.driver_id)
        .join(origin, origin.id == Trip.origin_id)
        .join(destination, destination.id == Trip.destination_id)
        .outerjoin(
            dropoff,
            sa.and_(
                dropoff.trip_id == Trip.id,
                dropoff.kind == StopKind.DROPOFF,
                dropoff.route_id == Route.id,
            ),
        )
        .where(
            Trip.rider_id == rider_id,
            Trip.day >= today,
            Trip.day < today + dt.timedelta(days=days),
            Trip.status != TripStatus.CANCELLED,
            DayPlan.status == PlanStatus.PUBLISHED,
        )
        .order_by(Trip.day, pickup.service_start_at)
    ).all()
    return [
        UpcomingRide(
            day=row.day,
            direction=row.direction,
            pickup_at=row.service_start_at or row.arrival_at,
            dropoff_at=row.dropoff_at,
            origin=row.origin,
            destination=row.destination,
            driver_first_name=row.first_name or "?",
            car=row.car_description,
            driver_phone=row.phone,
        )
        for row in rows
    ]


def personal_needs(session: Session, rider_id: int) -> list[RideNeed]:
    """The rider's needs for the personal page with what it shows of them: five queries."""
    return list(
        session.scalars(
            sa.select(RideNeed)
            .where(RideNeed.rider_id == rider_id)
            .options(
                selectinload(RideNeed.dates),
                selectinload(RideNeed.paused_dates),
                selectinload(RideNeed.rotation_weeks),
                selectinload(RideNeed.destination),
            )
            .order_by(RideNeed.id)
        )
    )


def next_days(need: RideNeed, today: dt.date, count: int = 10) -> list[Occurrence]:
    """The need's next ``count`` days (for pausing one), none for a cancelled need."""
    if need.status == NeedStatus.CANCELLED:
        return []
    found = []
    for occurrence in occurrences(pattern_from_need(need), today, today + dt.timedelta(days=90)):
        found.append(occurrence)
        if len(found) >= count:
            break
    return found


def paused_days(need: RideNeed, today: dt.date) -> list[dt.date]:
    """Days from today on that the rider paused."""
    return [p.day for p in need.paused_dates if p.day >= today]


# --- The office's view of one rider ------------------------------------------------------


class TripState(StrEnum):
    """A trip as the office reads it on the rider's page."""

    PLANNED = "planned"
    """On a route of the published or approved plan: driver and pick-up time known."""
    DRAFT = "draft"
    """Planned only in a draft the office has not approved yet."""
    UNSERVED = "unserved"
    REQUESTED = "requested"
    """Not planned yet."""
    CANCELLED = "cancelled"
    PAUSED = "paused"


@dataclass(frozen=True)
class OfficeTrip:
    """One line of the rider's trips on the office page."""

    day: dt.date
    state: TripState
    origin: str
    destination: str
    direction: TripDirection | None = None
    """None for a paused day that has no trip yet (both ways are off)."""
    trip: Trip | None = None
    driver_first_name: str | None = None
    pickup_at: dt.datetime | None = None
    plan_status: PlanStatus | None = None


@dataclass(frozen=True)
class OfficeRiderPage:
    """Everything the office's rider page shows."""

    rider: Rider
    needs: list[RideNeed]
    upcoming: list[OfficeTrip]
    history: list[OfficeTrip]
    audit: list[AuditEntry]


HISTORY_LIMIT = 30
AUDIT_LIMIT = 50
_SHOWN_PLANS = (PlanStatus.PUBLISHED, PlanStatus.APPROVED)


def _pickups(session: Session, trip_ids: list[int]) -> dict[int, tuple[Stop, Route, DayPlan]]:
    """Each trip's pick-up in its published plan, else in its approved one."""
    if not trip_ids:
        return {}
    rows = session.execute(
        sa.select(Stop, Route, DayPlan)
        .join(Route, Route.id == Stop.route_id)
        .join(DayPlan, DayPlan.id == Route.plan_id)
        .where(
            Stop.trip_id.in_(trip_ids),
            Stop.kind == StopKind.PICKUP,
            DayPlan.status.in_(_SHOWN_PLANS),
        )
    ).all()
    found: dict[int, tuple[Stop, Route, DayPlan]] = {}
    for stop, route, plan in rows:
        assert stop.trip_id is not None
        known = found.get(stop.trip_id)
        if known is None or (
            known[2].status != PlanStatus.PUBLISHED and plan.status == PlanStatus.PUBLISHED
        ):
            found[stop.trip_id] = (stop, route, plan)
    return found


def _office_trip(
    trip: Trip, pickup: tuple[Stop, Route, DayPlan] | None, paused: set[tuple[int, dt.date]]
) -> OfficeTrip:
    common: dict[str, Any] = {
        "day": trip.day,
        "direction": trip.direction,
        "origin": trip.origin.name,
        "destination": trip.destination.name,
        "trip": trip,
    }
    if trip.status == TripStatus.CANCELLED:
        need = trip.need
        was_paused = need is not None and (
            (need.id, trip.day) in paused or need.status == NeedStatus.PAUSED
        )
        return OfficeTrip(state=TripState.PAUSED if was_paused else TripState.CANCELLED, **common)
    if trip.status == TripStatus.UNSERVED:
        return OfficeTrip(state=TripState.UNSERVED, **common)
    if trip.status == TripStatus.PLANNED:
        if pickup is None:
            return OfficeTrip(state=TripState.DRAFT, **common)
        stop, route, plan = pickup
        return OfficeTrip(
            state=TripState.PLANNED,
            driver_first_name=route.driver.first_name or "?",
            pickup_at=stop.service_start_at or stop.arrival_at,
            plan_status=plan.status,
            **common,
        )
    return OfficeTrip(state=TripState.REQUESTED, **common)


def _audit_of(session: Session, rider: Rider) -> list[AuditEntry]:
    need_ids = [n.id for n in rider.needs]
    concerning = sa.and_(AuditEntry.entity_type == "rider", AuditEntry.entity_id == rider.id)
    if need_ids:
        concerning = sa.or_(
            concerning,
            sa.and_(AuditEntry.entity_type == "ride_need", AuditEntry.entity_id.in_(need_ids)),
        )
    return list(
        session.scalars(
            sa.select(AuditEntry)
            .where(concerning)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(AUDIT_LIMIT)
        )
    )


def office_rider_page(
    session: Session, rider_id: int, today: dt.date, days: int = 14
) -> OfficeRiderPage:
    """The rider, their needs, the next ``days`` days of trips, past trips and the audit trail.

    Raises ``NotFound`` for an unknown or erased rider (nothing of them is left to show).
    """
    rider = session.get(Rider, rider_id)
    if rider is None or rider.erased_at is not None:
        raise NotFound(N_("This rider does not exist."))
    end = today + dt.timedelta(days=days)
    needs = sorted(rider.needs, key=lambda n: n.id)
    paused = {(p.need_id, p.day) for n in needs for p in n.paused_dates}
    coming = list(
        session.scalars(
            sa.select(Trip)
            .where(Trip.rider_id == rider.id, Trip.day >= today, Trip.day < end)
            .order_by(Trip.day, Trip.direction, Trip.id)
        )
    )
    past = list(
        session.scalars(
            sa.select(Trip)
            .where(Trip.rider_id == rider.id, Trip.day < today)
            .order_by(Trip.day.desc(), Trip.direction, Trip.id)
            .limit(HISTORY_LIMIT)
        )
    )
    pickups = _pickups(session, [t.id for t in coming + past])
    upcoming = [_office_trip(t, pickups.get(t.id), paused) for t in coming]
    with_trip = {(t.need_id, t.day) for t in coming if t.need_id is not None}
    for need in needs:
        for pause in need.paused_dates:
            if today <= pause.day < end and (need.id, pause.day) not in with_trip:
                upcoming.append(
                    OfficeTrip(
                        day=pause.day,
                        state=TripState.PAUSED,
                        origin=need.origin.name,
                        destination=need.destination.name,
                    )
                )
    upcoming.sort(key=lambda t: (t.day, t.direction is None, str(t.direction or "")))
    history = [_office_trip(t, pickups.get(t.id), paused) for t in past]
    return OfficeRiderPage(rider, needs, upcoming, history, _audit_of(session, rider))
