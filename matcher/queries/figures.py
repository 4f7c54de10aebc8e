"""The day's figures for a plan version: how much was served, at what driving cost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from matcher.models import DayPlan
from matcher.models import StopKind


@dataclass(frozen=True)
class PlanFigures:
    """Figures shown on the plan page.

    ``share_served`` is 0..1 (0 with no requests); ``mean_extra_ride_seconds`` is
    the riders' mean time on board above their direct ride (None if nobody served
    or the direct times are unknown).
    """

    requests: int
    served: int
    share_served: float
    drive_seconds: int
    distance_m: int
    mean_extra_ride_seconds: float | None


class StopTimes(Protocol):
    """What the figures read of a stop: an ORM ``Stop`` or a ``plan_page.StopLine``."""

    @property
    def trip_id(self) -> int | None:
        """The ride picked up or dropped off here, if any."""

    @property
    def kind(self) -> StopKind:
        """Pick-up, drop-off, start, ..."""

    @property
    def departure_at(self) -> dt.datetime | None:
        """When the car leaves the stop."""

    @property
    def service_start_at(self) -> dt.datetime | None:
        """When the pick-up or drop-off begins."""


def plan_figures(session: Session, plan: DayPlan) -> PlanFigures:
    """The figures of ``plan`` from its stored routes (direct times from the plan's stats)."""
    return figures_of(plan, (stop for route in plan.routes for stop in route.stops))


def figures_of(plan: DayPlan, stops: Iterable[StopTimes]) -> PlanFigures:
    """The figures of ``plan`` with its routes' stops given (in route order)."""
    pickup_done: dict[int, dt.datetime] = {}
    rides: dict[int, float] = {}
    for stop in stops:
        if stop.trip_id is None:
            continue
        if stop.kind == StopKind.PICKUP and stop.departure_at is not None:
            pickup_done[stop.trip_id] = stop.departure_at
        elif stop.kind == StopKind.DROPOFF and stop.service_start_at is not None:
            left = pickup_done.get(stop.trip_id)
            if left is not None:
                rides[stop.trip_id] = (stop.service_start_at - left).total_seconds()
    direct = (plan.solver_stats or {}).get("direct_seconds", {})
    extras = [max(0.0, ride - direct[str(t)]) for t, ride in rides.items() if str(t) in direct]
    served = len(rides)
    requests = max(plan.requests_total or 0, served)
    return PlanFigures(
        requests=requests,
        served=served,
        share_served=served / requests if requests else 0.0,
        drive_seconds=sum(r.drive_seconds or 0 for r in plan.routes),
        distance_m=sum(r.distance_m or 0 for r in plan.routes),
        mean_extra_ride_seconds=sum(extras) / len(extras) if extras else None,
    )
