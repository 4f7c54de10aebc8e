"""A past of the demo district: a year of requested, planned and published days, made up.

The reports need history to show and to be measured on, and running the planner
for every day of a year would take hours. This makes the days' trips from the
demo's real ride needs (the trip generator the planner uses), then publishes a
plan for each day as a stand-in for the planner: trips are given to drivers
available at that hour in small groups, a share stays unserved with one of the
planner's reason codes (more often at the edges of the day, when few drive),
some routes are declined and a few days never get a published plan. Only for
the demo and the benchmarks: it is not a planner and nothing else calls it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.clock import BERLIN
from matcher.demand.shifts import day_windows
from matcher.demand.trips import generate_trips
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import NeedStatus
from matcher.models import PlanStatus
from matcher.models import RideNeed
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.settings import Settings

SPEED_KMH = 55
ROAD_FACTOR = 1.3
UNPUBLISHED_SHARE = 0.03
DECLINED_SHARE = 0.04
REASONS = [
    ("no_vehicle_in_time", 50),
    ("driver_cap", 10),
    ("ride_time_exceeded", 15),
    ("no_seat", 10),
    ("night_rides_cap", 5),
    ("locked_vehicle_cannot", 2),
]


@dataclass(frozen=True)
class History:
    """What was made: days, published plans, trips, routes."""

    days: int
    plans: int
    trips: int
    routes: int


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h)) * ROAD_FACTOR


def _wish(trip: Trip) -> dt.datetime | None:
    if trip.direction == TripDirection.OUTBOUND and trip.latest_dropoff is not None:
        return trip.latest_dropoff
    return trip.earliest_pickup or trip.latest_dropoff


def _served_share(local_hour: int) -> float:
    """Few drive before six and after eight: that is where the gaps are."""
    if local_hour < 6 or local_hour >= 20:
        return 0.35
    if local_hour < 7:
        return 0.7
    return 0.9


def backdate_needs(session: Session, first: dt.date) -> None:
    """Let the demo's active needs run from ``first``, as if registered a year ago."""
    session.execute(
        sa.update(RideNeed)
        .where(RideNeed.status == NeedStatus.ACTIVE, RideNeed.valid_from > first)
        .values(valid_from=first)
        .execution_options(synchronize_session=False)
    )


def add_history(
    session: Session, first: dt.date, last: dt.date, settings: Settings, seed: int = 2026
) -> History:
    """Trips and published plans for every day from ``first`` to ``last``; flushes per day."""
    rng = random.Random(seed)
    backdate_needs(session, first)
    drivers = session.scalars(
        sa.select(Driver)
        .where(Driver.active, Driver.is_demo)
        .options(selectinload(Driver.windows), selectinload(Driver.exceptions))
        .order_by(Driver.id)
    ).all()
    # Some volunteers drive far more than others, as they do.
    eagerness = {d.id: rng.choice([1, 1, 1, 2, 2, 4]) for d in drivers}
    plans = trips = routes = 0
    day = first
    while day <= last:
        generate_trips(session, day, settings)
        day_trips = session.scalars(
            sa.select(Trip)
            .where(Trip.day == day, Trip.status != TripStatus.CANCELLED)
            .options(selectinload(Trip.origin), selectinload(Trip.destination))
            .order_by(Trip.id)
        ).all()
        trips += len(day_trips)
        if day_trips and rng.random() >= UNPUBLISHED_SHARE:
            routes += _publish(session, rng, day, day_trips, drivers, eagerness)
            plans += 1
        session.flush()
        session.expunge_all()
        drivers = session.scalars(
            sa.select(Driver)
            .where(Driver.active, Driver.is_demo)
            .options(selectinload(Driver.windows), selectinload(Driver.exceptions))
            .order_by(Driver.id)
        ).all()
        day += dt.timedelta(days=1)
    return History((last - first).days + 1, plans, trips, routes)


def _publish(
    session: Session,
    rng: random.Random,
    day: dt.date,
    day_trips: Sequence[Trip],
    drivers: Sequence[Driver],
    eagerness: dict[int, int],
) -> int:
    """A published plan of ``day``: served trips on drivers' routes, the rest with a reason."""
    at = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(15), BERLIN).astimezone(dt.UTC)
    plan = DayPlan(day=day, version=1, status=PlanStatus.PUBLISHED, approved_at=at, published_at=at)
    session.add(plan)
    windows = {d.id: day_windows(d, day) for d in drivers}
    assigned: dict[int, list[tuple[Trip, dt.datetime, dt.datetime]]] = defaultdict(list)
    served = 0
    for trip in sorted(day_trips, key=lambda t: (_wish(t) or at, t.id)):
        wish = _wish(trip)
        origin, destination = trip.origin, trip.destination
        if origin.lat is None or destination.lat is None or wish is None:
            _unserved(trip, "place_not_located")
            continue
        km = _km((origin.lat, origin.lon or 0), (destination.lat, destination.lon or 0))
        direct = int(km / SPEED_KMH * 3600) + 120
        trip.direct_seconds = direct
        local = wish.astimezone(BERLIN)
        free = [
            d for d in drivers if any(start <= local.time() <= end for start, end in windows[d.id])
        ]
        if not free or rng.random() >= _served_share(local.hour):
            _unserved(trip, _reason(rng))
            continue
        driver = rng.choices(free, weights=[eagerness[d.id] for d in free])[0]
        ride = direct + rng.randrange(0, 20 * 60, 60)
        if trip.direction == TripDirection.OUTBOUND:
            dropoff = wish - dt.timedelta(minutes=rng.randrange(0, 12))
            pickup = dropoff - dt.timedelta(seconds=ride)
        else:
            pickup = wish + dt.timedelta(minutes=rng.randrange(0, 12))
            dropoff = pickup + dt.timedelta(seconds=ride)
        assigned[driver.id].append((trip, pickup, dropoff))
        trip.status = TripStatus.PLANNED
        trip.unserved_reason = None
        served += 1
    for driver_id, rides in assigned.items():
        declined = rng.random() < DECLINED_SHARE
        route = Route(
            plan=plan,
            driver_id=driver_id,
            status=RouteStatus.DECLINED if declined else RouteStatus.CONFIRMED,
            responded_at=at + dt.timedelta(hours=2),
        )
        stops: list[tuple[dt.datetime, StopKind, Trip]] = []
        metres = 0
        for trip, pickup, dropoff in rides:
            stops += [(pickup, StopKind.PICKUP, trip), (dropoff, StopKind.DROPOFF, trip)]
            metres += int(((trip.direct_seconds or 0) - 120) / 3600 * SPEED_KMH * 1000)
            if declined:
                _unserved(trip, "driver_declined")
        stops.sort(key=lambda s: (s[0], s[1] != StopKind.DROPOFF))
        for sequence, (when, kind, trip) in enumerate(stops, start=1):
            place = trip.origin_id if kind == StopKind.PICKUP else trip.destination_id
            route.stops.append(
                Stop(
                    sequence=sequence,
                    kind=kind,
                    trip_id=trip.id,
                    place_id=place,
                    arrival_at=when,
                    service_start_at=when,
                    departure_at=when,
                    load=1 if kind == StopKind.PICKUP else 0,
                )
            )
        route.start_at = stops[0][0] - dt.timedelta(minutes=15)
        route.end_at = stops[-1][0] + dt.timedelta(minutes=15)
        route.distance_m = metres + 10_000 * len(rides)
        route.drive_seconds = int(route.distance_m / 1000 / SPEED_KMH * 3600)
        session.add(route)
    plan.requests_total = len(day_trips)
    plan.requests_served = served
    return len(assigned)


def _reason(rng: random.Random) -> str:
    codes, weights = zip(*REASONS, strict=True)
    return str(rng.choices(codes, weights=weights)[0])


def _unserved(trip: Trip, reason: str) -> None:
    trip.status = TripStatus.UNSERVED
    trip.unserved_reason = reason
