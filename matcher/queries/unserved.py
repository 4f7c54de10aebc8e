"""Rides a published plan leaves without a driver: whom the office calls, what riders see.

"Unserved" is read from the published version of a day, not from the trips'
status alone: a later draft may serve a ride the published plan does not, and
only the published plan is what riders and drivers live by. A trip of that day
counts when it was up for planning (not cancelled, not still waiting for its
first run) and no route of the published plan carries it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Stop
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus

GENERIC_REASON = "no_driver"
"""Reason code of a trip the published plan leaves out while its own status says otherwise."""


@dataclass(frozen=True)
class UnservedRide:
    """One ride without a driver: when the rider wanted it, from where to where, and why."""

    trip_id: int
    day: dt.date
    direction: TripDirection
    wished_at: dt.datetime | None
    """Arrive-by time of a way there, earliest pick-up of a way back."""
    origin: str
    destination: str
    reason: str
    details: dict[str, Any]


@dataclass(frozen=True)
class RiderToCall:
    """A rider with unserved rides on a published day, and how to reach them."""

    rider_id: int
    name: str
    phone: str | None
    email: str | None
    locale: str
    rides: tuple[UnservedRide, ...]


def wished_time(trip: Trip) -> dt.datetime | None:
    """The time the rider asked for: arrive by (way there) or be picked up from (way back)."""
    if trip.direction == TripDirection.OUTBOUND:
        return trip.latest_dropoff or trip.earliest_pickup
    return trip.earliest_pickup or trip.latest_dropoff


def _ride(trip: Trip) -> UnservedRide:
    status_reason = trip.unserved_reason if trip.status == TripStatus.UNSERVED else None
    return UnservedRide(
        trip_id=trip.id,
        day=trip.day,
        direction=trip.direction,
        wished_at=wished_time(trip),
        origin=trip.origin.name,
        destination=trip.destination.name,
        reason=status_reason or GENERIC_REASON,
        details=dict(trip.unserved_details or {}) if status_reason else {},
    )


def _unserved_trips(session: Session, plans: Iterable[DayPlan], rider_id: int | None) -> list[Trip]:
    """Trips of the plans' days that were up for planning and that no route of them carries."""
    plan_by_day = {plan.day: plan.id for plan in plans}
    if not plan_by_day:
        return []
    carried = sa.select(Stop.trip_id).join(Route, Route.id == Stop.route_id)
    carried = carried.where(Route.plan_id.in_(plan_by_day.values()), Stop.trip_id.is_not(None))
    query = (
        sa.select(Trip)
        .join(Rider, Rider.id == Trip.rider_id)
        .where(
            Trip.day.in_(plan_by_day),
            Trip.status.in_((TripStatus.UNSERVED, TripStatus.PLANNED)),
            Trip.id.not_in(carried),
            Rider.erased_at.is_(None),
        )
        .options(
            selectinload(Trip.rider), selectinload(Trip.origin), selectinload(Trip.destination)
        )
    )
    if rider_id is not None:
        query = query.where(Trip.rider_id == rider_id)
    trips = session.scalars(query).all()
    far_future = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(trips, key=lambda t: (t.day, wished_time(t) or far_future, t.id))


def unserved_by_rider(session: Session, plan: DayPlan) -> list[RiderToCall]:
    """The riders ``plan`` leaves without a driver, each with their unserved rides."""
    grouped: dict[int, list[Trip]] = {}
    for trip in _unserved_trips(session, [plan], None):
        grouped.setdefault(trip.rider_id, []).append(trip)
    people = []
    for trips in grouped.values():
        rider = trips[0].rider
        people.append(
            RiderToCall(
                rider_id=rider.id,
                name=rider.first_name or "?",
                phone=rider.phone,
                email=rider.email,
                locale=rider.locale,
                rides=tuple(_ride(t) for t in trips),
            )
        )
    return sorted(
        people, key=lambda p: (p.rides[0].wished_at is None, p.rides[0].wished_at, p.name)
    )


def published_plan(session: Session, day: dt.date) -> DayPlan | None:
    """The published version of ``day``, if there is one."""
    return session.scalar(
        sa.select(DayPlan).where(DayPlan.day == day, DayPlan.status == PlanStatus.PUBLISHED)
    )


def riders_to_call(session: Session, day: dt.date) -> list[RiderToCall]:
    """Whom the office should call about ``day``: the riders its published plan leaves out."""
    plan = published_plan(session, day)
    return unserved_by_rider(session, plan) if plan is not None else []


def rider_unserved_rides(
    session: Session, rider_id: int, today: dt.date, days: int = 14
) -> list[UnservedRide]:
    """The rider's rides of the next ``days`` days that published plans leave driverless."""
    plans = session.scalars(
        sa.select(DayPlan).where(
            DayPlan.status == PlanStatus.PUBLISHED,
            DayPlan.day >= today,
            DayPlan.day < today + dt.timedelta(days=days),
        )
    ).all()
    return [_ride(t) for t in _unserved_trips(session, plans, rider_id)]
