"""What a driver (and a rider) sees of published plans: dataclasses for pages, print, iCal, mail.

Only published plan versions are shown. Of a rider the driver learns only what
the ride needs: first name, phone, seats, child seats, boosters, mobility needs
and the trip's note; never the address of a rider's home beyond the stop, nor
other riders' or drivers' data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.models import DayPlan
from matcher.models import Place
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.settings import Settings


@dataclass(frozen=True)
class RiderOnStop:
    """A rider getting in (``boarding``) or out at a stop: only what the ride needs."""

    trip_id: int
    first_name: str
    phone: str | None
    seats: int
    child_seats: int
    booster_seats: int
    mobility_needs: tuple[str, ...]
    note: str | None
    boarding: bool


@dataclass(frozen=True)
class StopView:
    """One stop with its local time and navigation links."""

    sequence: int
    kind: str
    time: str
    """Local ``HH:MM`` (service start, else arrival)."""
    at: dt.datetime | None
    place_name: str
    address: str
    lat: float | None
    lon: float | None
    riders: tuple[RiderOnStop, ...] = ()
    via_names: tuple[str, ...] = ()

    @property
    def geo_uri(self) -> str | None:
        """``geo:`` URI (RFC 5870): opens the phone's navigation app."""
        if self.lat is None or self.lon is None:
            return None
        label = self.place_name.replace(")", "").replace("(", "")
        return f"geo:{self.lat:.6f},{self.lon:.6f}?q={self.lat:.6f},{self.lon:.6f}({label})"

    @property
    def osm_url(self) -> str | None:
        """The stop on openstreetmap.org (works in any browser)."""
        if self.lat is None or self.lon is None:
            return None
        query = urlencode({"mlat": f"{self.lat:.6f}", "mlon": f"{self.lon:.6f}"})
        return f"https://www.openstreetmap.org/?{query}#map=17/{self.lat:.6f}/{self.lon:.6f}"


@dataclass(frozen=True)
class DriverDay:
    """One local day of a driver: the published route (or None) with totals."""

    day: dt.date
    route_id: int | None = None
    plan_id: int | None = None
    plan_version: int | None = None
    status: str | None = None
    stops: tuple[StopView, ...] = ()
    start: str | None = None
    end: str | None = None
    start_at: dt.datetime | None = None
    end_at: dt.datetime | None = None
    distance_km: float | None = None
    drive_minutes: int | None = None
    riders: int = 0
    published_at: dt.datetime | None = None

    @property
    def has_route(self) -> bool:
        """True if the driver drives this day."""
        return self.route_id is not None

    @property
    def can_respond(self) -> bool:
        """A route still awaiting the driver's answer."""
        return self.status == RouteStatus.AWAITING

    @property
    def can_decline(self) -> bool:
        """Awaiting or confirmed routes can still be declined."""
        return self.status in (RouteStatus.AWAITING, RouteStatus.CONFIRMED)


@dataclass(frozen=True)
class RiderRide:
    """A rider's confirmed ride on one day."""

    day: dt.date
    trip_id: int
    direction: str
    pickup_time: str
    pickup_at: dt.datetime | None
    pickup_place: str
    dropoff_time: str
    dropoff_place: str
    driver_name: str
    car: str | None
    route_status: str = field(default=RouteStatus.CONFIRMED)


def address_of(place: Place) -> str:
    """Street, postcode and town as one line (empty parts left out)."""
    town = " ".join(part for part in (place.postcode, place.municipality) if part)
    return ", ".join(part for part in (place.street, town) if part)


def _clock(instant: dt.datetime | None, settings: Settings) -> str:
    return instant.astimezone(settings.tz).strftime("%H:%M") if instant else "–"


def _stop_instant(stop: Stop) -> dt.datetime | None:
    return stop.service_start_at or stop.arrival_at or stop.departure_at


def _rider_on(stop: Stop) -> tuple[RiderOnStop, ...]:
    trip = stop.trip
    if trip is None or stop.kind not in (StopKind.PICKUP, StopKind.DROPOFF):
        return ()
    rider = trip.rider
    return (
        RiderOnStop(
            trip_id=trip.id,
            first_name=rider.first_name or "–",
            phone=rider.phone,
            seats=trip.seats_needed,
            child_seats=trip.child_seats,
            booster_seats=trip.booster_seats,
            mobility_needs=tuple(rider.mobility_needs or ()),
            note=trip.note,
            boarding=stop.kind == StopKind.PICKUP,
        ),
    )


def stop_views(route: Route, settings: Settings) -> tuple[StopView, ...]:
    """The route's stops in order, for display."""
    views = []
    for stop in route.stops:
        instant = _stop_instant(stop)
        via: tuple[str, ...] = ()
        if stop.kind == StopKind.PICKUP and stop.trip is not None and stop.trip.via is not None:
            via = (stop.trip.via.name,)
        views.append(
            StopView(
                sequence=stop.sequence,
                kind=str(stop.kind),
                time=_clock(instant, settings),
                at=instant,
                place_name=stop.place.name,
                address=address_of(stop.place),
                lat=stop.place.lat,
                lon=stop.place.lon,
                riders=_rider_on(stop),
                via_names=via,
            )
        )
    return tuple(views)


def driver_day(route: Route, settings: Settings) -> DriverDay:
    """One route as a ``DriverDay``."""
    stops = stop_views(route, settings)
    instants = [s.at for s in stops if s.at is not None]
    start_at = route.start_at or (min(instants) if instants else None)
    end_at = route.end_at or (max(instants) if instants else None)
    return DriverDay(
        day=route.plan.day,
        route_id=route.id,
        plan_id=route.plan_id,
        plan_version=route.plan.version,
        status=str(route.status),
        stops=stops,
        start=_clock(start_at, settings) if start_at else None,
        end=_clock(end_at, settings) if end_at else None,
        start_at=start_at,
        end_at=end_at,
        distance_km=round(route.distance_m / 1000, 1) if route.distance_m is not None else None,
        drive_minutes=round(route.drive_seconds / 60) if route.drive_seconds is not None else None,
        riders=sum(1 for s in route.stops if s.kind == StopKind.PICKUP),
        published_at=route.plan.published_at,
    )


def _route_options() -> tuple[object, ...]:
    return (
        selectinload(Route.plan),
        selectinload(Route.stops).selectinload(Stop.place),
        selectinload(Route.stops)
        .selectinload(Stop.trip)
        .options(selectinload(Trip.rider), selectinload(Trip.via)),
    )


def published_routes(
    session: Session, driver_id: int, first_day: dt.date, last_day: dt.date
) -> list[Route]:
    """The driver's routes in published plans of ``first_day..last_day``, by day."""
    return list(
        session.scalars(
            sa.select(Route)
            .join(DayPlan, Route.plan_id == DayPlan.id)
            .where(
                Route.driver_id == driver_id,
                DayPlan.status == PlanStatus.PUBLISHED,
                DayPlan.day >= first_day,
                DayPlan.day <= last_day,
            )
            .order_by(DayPlan.day)
            .options(*_route_options())  # type: ignore[arg-type]
        ).all()
    )


def driver_days(
    session: Session, driver_id: int, today: dt.date, settings: Settings, days: int = 8
) -> list[DriverDay]:
    """``today`` and the following days: each with the driver's published route, if any."""
    last = today + dt.timedelta(days=days - 1)
    by_day = {r.plan.day: r for r in published_routes(session, driver_id, today, last)}
    result = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        route = by_day.get(day)
        result.append(driver_day(route, settings) if route is not None else DriverDay(day=day))
    return result


def driver_route(session: Session, driver_id: int, route_id: int) -> Route | None:
    """The driver's own route ``route_id`` in a published plan, else None (not theirs, not live)."""
    return session.scalar(
        sa.select(Route)
        .join(DayPlan, Route.plan_id == DayPlan.id)
        .where(
            Route.id == route_id,
            Route.driver_id == driver_id,
            DayPlan.status == PlanStatus.PUBLISHED,
        )
        .options(*_route_options())  # type: ignore[arg-type]
    )


def rider_rides(
    session: Session, rider_id: int, today: dt.date, settings: Settings, days: int = 8
) -> list[RiderRide]:
    """The rider's rides from ``today`` on whose driver has confirmed (the only ones riders see)."""
    last = today + dt.timedelta(days=days - 1)
    stops = session.scalars(
        sa.select(Stop)
        .join(Route, Stop.route_id == Route.id)
        .join(DayPlan, Route.plan_id == DayPlan.id)
        .join(Trip, Stop.trip_id == Trip.id)
        .where(
            Trip.rider_id == rider_id,
            Trip.status == TripStatus.PLANNED,
            DayPlan.status == PlanStatus.PUBLISHED,
            DayPlan.day >= today,
            DayPlan.day <= last,
            Route.status == RouteStatus.CONFIRMED,
            Stop.kind.in_((StopKind.PICKUP, StopKind.DROPOFF)),
        )
        .options(
            selectinload(Stop.place),
            selectinload(Stop.route).selectinload(Route.driver),
            selectinload(Stop.route).selectinload(Route.plan),
            selectinload(Stop.trip),
        )
    ).all()
    pairs: dict[int, dict[str, Stop]] = {}
    for stop in stops:
        pairs.setdefault(stop.trip_id or 0, {})[str(stop.kind)] = stop
    rides = []
    for trip_id, pair in pairs.items():
        pickup, dropoff = pair.get(StopKind.PICKUP), pair.get(StopKind.DROPOFF)
        if pickup is None or dropoff is None:
            continue
        rides.append(ride_of(trip_id, pickup, dropoff, settings))
    return sorted(
        rides, key=lambda r: (r.day, r.pickup_at or dt.datetime.max.replace(tzinfo=dt.UTC))
    )


def ride_of(trip_id: int, pickup: Stop, dropoff: Stop, settings: Settings) -> RiderRide:
    """A rider's view of one trip on a route."""
    route = pickup.route
    trip = pickup.trip
    assert trip is not None
    pickup_at = _stop_instant(pickup)
    return RiderRide(
        day=route.plan.day,
        trip_id=trip_id,
        direction=str(trip.direction),
        pickup_time=_clock(pickup_at, settings),
        pickup_at=pickup_at,
        pickup_place=", ".join(p for p in (pickup.place.name, address_of(pickup.place)) if p),
        dropoff_time=_clock(_stop_instant(dropoff), settings),
        dropoff_place=dropoff.place.name,
        driver_name=route.driver.display_name,
        car=route.driver.car_description,
        route_status=str(route.status),
    )


def pickups_and_dropoffs(route: Route) -> dict[int, tuple[Stop, Stop]]:
    """Each trip on ``route`` with its pick-up and drop-off stop."""
    pickups = {s.trip_id: s for s in route.stops if s.kind == StopKind.PICKUP and s.trip_id}
    drops = {s.trip_id: s for s in route.stops if s.kind == StopKind.DROPOFF and s.trip_id}
    return {tid: (pickups[tid], drops[tid]) for tid in pickups if tid in drops}
