"""The driver's calendar feed as legs: one event per stretch of a route with riders on board.

A leg starts at the pick-up of a rider while the car is empty and ends at the
drop-off that empties it again, so a day with a morning and an evening run
gives two events, not one block from the first start to the last end. Rides
cancelled after publishing are left out (a leg of cancelled rides only is
gone; the others keep their number and span the rides left), and so are
declined routes.

The UID names the driver, the day and the leg's place in the day
(``leg-1``, ``leg-2``, ...), never the plan version: a newly published version
updates the events of that day in place (SEQUENCE = plan version) instead of
adding new ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import TripStatus
from matcher.queries.schedules import StopView
from matcher.queries.schedules import published_routes
from matcher.queries.schedules import stop_views
from matcher.settings import Settings

FEED_PAST_DAYS = 14
FEED_FUTURE_DAYS = 60


@dataclass(frozen=True)
class Leg:
    """One calendar event: a stretch of a published route with riders on board."""

    uid: str
    sequence: int
    """The plan version: a newer published version of the day replaces the event."""
    day: dt.date
    start_at: dt.datetime
    """The first pick-up of the leg (service start, else arrival)."""
    end_at: dt.datetime
    """The last drop-off of the leg."""
    stops: tuple[StopView, ...]
    """The leg's pick-ups, stops on the way and drop-offs in order."""
    first_names: tuple[str, ...]
    """The riders of the leg, in the order they get in."""
    start_place: str
    end_place: str
    location: str
    """Name and address of the first pick-up."""
    status: str
    """The route's status: awaiting, confirmed."""
    published_at: dt.datetime | None


def _cancelled(stop: Stop) -> bool:
    return stop.trip is not None and stop.trip.status == TripStatus.CANCELLED


def _stretches(route: Route) -> list[list[int]]:
    """Indexes into ``route.stops`` of each leg: from a pick-up into an empty car to its emptying.

    Legs are cut as published (cancelled rides included), so a cancellation
    does not renumber the legs after it.
    """
    legs: list[list[int]] = []
    on_board: set[int] = set()
    for index, stop in enumerate(route.stops):
        if stop.kind not in (StopKind.PICKUP, StopKind.DROPOFF, StopKind.VIA):
            continue
        assert stop.trip_id is not None  # rider stops carry their trip
        if stop.kind == StopKind.PICKUP:
            if not on_board:
                legs.append([])
            on_board.add(stop.trip_id)
        elif stop.trip_id not in on_board:
            continue  # a drop-off without its pick-up: not a stretch with riders
        legs[-1].append(index)
        if stop.kind == StopKind.DROPOFF:
            on_board.discard(stop.trip_id)
    return legs


def route_legs(route: Route, settings: Settings) -> list[Leg]:
    """The legs of one published route, in time order; none for a declined route."""
    if route.status == RouteStatus.DECLINED:
        return []
    views = stop_views(route, settings)
    legs = []
    for number, indexes in enumerate(_stretches(route), start=1):
        stops = tuple(views[i] for i in indexes if not _cancelled(route.stops[i]))
        times = [s.at for s in stops if s.at is not None]
        if not times:
            continue
        first = stops[0]
        drop_offs = [s for s in stops if s.kind == StopKind.DROPOFF]
        names = tuple(r.first_name for s in stops for r in s.riders if r.boarding)
        legs.append(
            Leg(
                uid=f"mitfahrnetz-driver-{route.driver_id}-{route.plan.day.isoformat()}"
                f"-leg-{number}@mitfahrnetz",
                sequence=route.plan.version or 0,
                day=route.plan.day,
                start_at=min(times),
                end_at=max(times),
                stops=stops,
                first_names=names,
                start_place=first.place_name,
                end_place=(drop_offs[-1] if drop_offs else stops[-1]).place_name,
                location=", ".join(p for p in (first.place_name, first.address) if p),
                status=str(route.status),
                published_at=route.plan.published_at,
            )
        )
    return legs


def feed_legs(session: Session, driver_id: int, today: dt.date, settings: Settings) -> list[Leg]:
    """The driver's legs in published plans from ``FEED_PAST_DAYS`` ago to ``FEED_FUTURE_DAYS``."""
    first = today - dt.timedelta(days=FEED_PAST_DAYS)
    last = today + dt.timedelta(days=FEED_FUTURE_DAYS)
    return [
        leg
        for route in published_routes(session, driver_id, first, last)
        for leg in route_legs(route, settings)
    ]
