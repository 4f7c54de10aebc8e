"""The plan page's read model: a plan's stops as plain rows, in one statement whatever its size.

The page shows every stop of every route (2,000 at 844 trips); loading them as ORM
objects with their trips, riders and places cost more than rendering them. Here they
are plain rows of only what the page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.errors import NotFound
from matcher.models import DayPlan
from matcher.models import Place
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip


@dataclass(frozen=True, slots=True)
class StopLine:
    """One stop of a route with the name and point of its place and its rider's name.

    ``rider_name`` is None for a stop without a ride (start, end) and "" for an
    erased rider; times are UTC instants.
    """

    route_id: int
    kind: StopKind
    arrival_at: dt.datetime | None
    service_start_at: dt.datetime | None
    departure_at: dt.datetime | None
    load: int
    locked: bool
    trip_id: int | None
    place_name: str
    lat: float | None
    lon: float | None
    rider_name: str | None
    seats_needed: int


def plan_with_routes(session: Session, plan_id: int) -> DayPlan:
    """A plan with its routes and their drivers (two statements); NotFound if unknown."""
    plan = session.scalars(
        sa.select(DayPlan)
        .where(DayPlan.id == plan_id)
        .options(selectinload(DayPlan.routes).joinedload(Route.driver))
        .execution_options(populate_existing=True)
    ).one_or_none()
    if plan is None:
        raise NotFound()
    return plan


def stop_lines(session: Session, plan_id: int) -> dict[int, list[StopLine]]:
    """Route id -> its stops in order, as plain rows (one statement)."""
    rows = session.execute(
        sa.select(
            Stop.route_id,
            Stop.kind,
            Stop.arrival_at,
            Stop.service_start_at,
            Stop.departure_at,
            Stop.load,
            Stop.locked,
            Stop.trip_id,
            sa.func.coalesce(Place.name, ""),
            Place.lat,
            Place.lon,
            sa.case((Trip.id.is_(None), None), else_=sa.func.coalesce(Rider.first_name, "")),
            sa.func.coalesce(Trip.seats_needed, 0),
        )
        .join(Route, Route.id == Stop.route_id)
        .outerjoin(Place, Place.id == Stop.place_id)
        .outerjoin(Trip, Trip.id == Stop.trip_id)
        .outerjoin(Rider, Rider.id == Trip.rider_id)
        .where(Route.plan_id == plan_id)
        .order_by(Stop.route_id, Stop.sequence)
    )
    lines: dict[int, list[StopLine]] = {}
    for row in rows:
        line = StopLine(*tuple(row))
        lines.setdefault(line.route_id, []).append(line)
    return lines
