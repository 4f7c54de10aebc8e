"""A driver as the office sees them: next routes and answers, this month's driving, attention.

Read-only. Routes come from published plan versions only (what the driver was
actually given); "this month" runs from the first of the month to today and
leaves out routes the driver declined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind

NEXT_ROUTES = 10


@dataclass(frozen=True)
class RouteLine:
    """One published route of the driver: day, times, rides and the driver's answer."""

    route: Route
    day: dt.date
    rides: int


@dataclass(frozen=True)
class MonthFigures:
    """Driving this month from published routes the driver did not decline."""

    routes: int
    rides: int
    drive_seconds: int
    distance_m: int

    @property
    def hours(self) -> float:
        """Hours at the wheel."""
        return self.drive_seconds / 3600

    @property
    def kilometres(self) -> float:
        """Kilometres driven."""
        return self.distance_m / 1000


def _published_routes(driver_id: int | None = None) -> sa.Select[Route]:
    query = (
        sa.select(Route)
        .join(DayPlan, DayPlan.id == Route.plan_id)
        .where(DayPlan.status == PlanStatus.PUBLISHED)
    )
    if driver_id is not None:
        query = query.where(Route.driver_id == driver_id)
    return query


def _rides(route: Route) -> int:
    return sum(1 for stop in route.stops if stop.kind == StopKind.PICKUP)


def next_routes(
    session: Session, driver_id: int, today: dt.date, limit: int = NEXT_ROUTES
) -> list[RouteLine]:
    """The driver's published routes from today on, soonest first."""
    routes: list[Route] = list(
        session.scalars(
            _published_routes(driver_id)
            .where(DayPlan.day >= today)
            .options(selectinload(Route.stops), selectinload(Route.plan))
            .order_by(DayPlan.day, Route.start_at, Route.id)
            .limit(limit)
        ).all()
    )
    return [RouteLine(route, route.plan.day, _rides(route)) for route in routes]


def month_figures(session: Session, driver_id: int, today: dt.date) -> MonthFigures:
    """Routes, rides, hours and kilometres from the first of the month to today."""
    first = today.replace(day=1)
    period = (
        _published_routes(driver_id)
        .where(DayPlan.day >= first, DayPlan.day <= today)
        .where(Route.status != RouteStatus.DECLINED)
    )
    sub = period.subquery()
    routes, seconds, metres = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sub.c.drive_seconds), 0),
            sa.func.coalesce(sa.func.sum(sub.c.distance_m), 0),
        ).select_from(sub)
    ).one()
    rides: int | None = session.scalar(
        sa.select(sa.func.count())
        .select_from(Stop)
        .where(Stop.kind == StopKind.PICKUP)
        .where(Stop.route_id.in_(period.with_only_columns(Route.id)))
    )
    return MonthFigures(int(routes or 0), int(rides or 0), int(seconds or 0), int(metres or 0))


def routes_needing_attention(
    session: Session, today: dt.date, *, driver_id: int | None = None
) -> list[Route]:
    """Published routes from today on whose driver may no longer be planned (suspended...)."""
    routes: list[Route] = list(
        session.scalars(
            _published_routes(driver_id)
            .join(Driver, Driver.id == Route.driver_id)
            .where(DayPlan.day >= today, ~Driver.plannable)
            .options(selectinload(Route.plan))
            .order_by(DayPlan.day, Route.id)
        ).all()
    )
    return routes
