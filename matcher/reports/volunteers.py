"""What the volunteers gave: drivers active, hours, kilometres, rides, answers, the busiest fifth.

A driver's work counts where it was published: routes of published plans the
driver did not decline. Hours are from the route's start to its end (waiting
included, the time a volunteer card asks for); kilometres are the planned ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.reports.periods import Period
from matcher.reports.sqltime import epoch_seconds
from matcher.reports.suppression import MIN_PEOPLE

BUSIEST_SHARE = 0.2
"""The busiest fifth of the drivers: how much rests on few shoulders."""


@dataclass(frozen=True)
class VolunteerFigures:
    """The period's volunteer figures; ``shown`` False when fewer than five drivers drove."""

    drivers: int
    shown: bool
    hours: float = 0.0
    kilometres: float = 0.0
    rides: int = 0
    riders: int = 0
    riders_per_driver: float = 0.0
    routes: int = 0
    confirmed_share: float | None = None
    declined_share: float | None = None
    busiest_fifth_share: float | None = None


def published_routes(period: Period) -> sa.Select[Any]:
    """Routes of the period's published plans, declined ones included."""
    query: sa.Select[Any] = (
        sa.select(Route.id)
        .join(DayPlan, DayPlan.id == Route.plan_id)
        .where(DayPlan.status == PlanStatus.PUBLISHED)
        .where(DayPlan.day.between(period.first, period.last))
    )
    return query


def volunteer_figures(session: Session, period: Period) -> VolunteerFigures:
    """All figures from SQL aggregates; per-driver ride counts only for the busiest fifth."""
    dialect = session.get_bind().dialect.name
    ids = published_routes(period)
    answered = sa.select(
        sa.func.count(),
        sa.func.coalesce(
            sa.func.sum(sa.case((Route.status == RouteStatus.CONFIRMED, 1), else_=0)), 0
        ),
        sa.func.coalesce(
            sa.func.sum(sa.case((Route.status == RouteStatus.DECLINED, 1), else_=0)), 0
        ),
    ).where(Route.id.in_(ids))
    routes, confirmed, declined = (int(v) for v in session.execute(answered).one())
    driven = Route.id.in_(ids) & (Route.status != RouteStatus.DECLINED)
    duration = epoch_seconds(Route.end_at, dialect) - epoch_seconds(Route.start_at, dialect)
    drivers, seconds, metres = session.execute(
        sa.select(
            sa.func.count(sa.distinct(Route.driver_id)),
            sa.func.coalesce(sa.func.sum(duration), 0),
            sa.func.coalesce(sa.func.sum(Route.distance_m), 0),
        ).where(driven)
    ).one()
    drivers = int(drivers)
    if drivers < MIN_PEOPLE:
        return VolunteerFigures(drivers, shown=False)
    per_driver = [
        int(n)
        for (n,) in session.execute(
            sa.select(sa.func.count())
            .select_from(Stop)
            .join(Route, Route.id == Stop.route_id)
            .where(driven, Stop.kind == StopKind.PICKUP)
            .group_by(Route.driver_id)
        )
    ]
    riders = session.scalar(
        sa.select(sa.func.count(sa.distinct(Trip.rider_id)))
        .select_from(Stop)
        .join(Route, Route.id == Stop.route_id)
        .join(Trip, Trip.id == Stop.trip_id)
        .where(driven, Stop.kind == StopKind.PICKUP)
    )
    rides = sum(per_driver)
    busiest = sorted(per_driver, reverse=True)[: math.ceil(drivers * BUSIEST_SHARE)]
    return VolunteerFigures(
        drivers=drivers,
        shown=True,
        hours=int(seconds or 0) / 3600,
        kilometres=int(metres or 0) / 1000,
        rides=rides,
        riders=int(riders or 0),
        riders_per_driver=int(riders or 0) / drivers,
        routes=routes,
        confirmed_share=confirmed / routes if routes else None,
        declined_share=declined / routes if routes else None,
        busiest_fifth_share=sum(busiest) / rides if rides else None,
    )
