"""What a rider sees on their personal page: their needs' next days and their published rides."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import aliased

from matcher.demand.recurrence import Occurrence
from matcher.demand.recurrence import occurrences
from matcher.demand.recurrence import pattern_from_need
from matcher.models import DayPlan
from matcher.models import NeedStatus
from matcher.models import PlanStatus
from matcher.models import RideNeed
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
    """The rider's rides in published plans from ``today`` on, in time order."""
    pickup = aliased(Stop)
    dropoff = aliased(Stop)
    rows = session.execute(
        sa.select(Trip, pickup, dropoff, Route)
        .join(pickup, sa.and_(pickup.trip_id == Trip.id, pickup.kind == StopKind.PICKUP))
        .join(Route, Route.id == pickup.route_id)
        .join(DayPlan, DayPlan.id == Route.plan_id)
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
    rides = []
    for trip, up, down, route in rows:
        driver = route.driver
        rides.append(
            UpcomingRide(
                day=trip.day,
                direction=trip.direction,
                pickup_at=up.service_start_at or up.arrival_at,
                dropoff_at=(down.arrival_at if down is not None else None),
                origin=trip.origin.name,
                destination=trip.destination.name,
                driver_first_name=driver.first_name or "?",
                car=driver.car_description,
                driver_phone=driver.phone,
            )
        )
    return rides


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
