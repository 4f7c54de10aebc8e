"""Cancelling a need's open trips when the rider pauses, edits or cancels it.

A trip in a published plan is never changed behind the driver's back: it
stays, and its plan is marked ``needs_attention`` so the coordinator re-plans
and tells the driver. Everything else from ``from_day`` on is cancelled.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import DayPlan
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import Stop
from matcher.models import Trip
from matcher.models import TripStatus


def published_plan_of(session: Session, trip_id: int) -> DayPlan | None:
    """The published plan that carries this trip, if any."""
    return session.scalars(
        sa.select(DayPlan)
        .join(Route, Route.plan_id == DayPlan.id)
        .join(Stop, Stop.route_id == Route.id)
        .where(Stop.trip_id == trip_id, DayPlan.status == PlanStatus.PUBLISHED)
        .limit(1)
    ).first()


def release_trips(
    session: Session, need_id: int, from_day: dt.date, *, only_day: dt.date | None = None
) -> int:
    """Cancel the need's unpublished trips from ``from_day`` (or on ``only_day``); count them."""
    query = sa.select(Trip).where(
        Trip.need_id == need_id, Trip.day >= from_day, Trip.status != TripStatus.CANCELLED
    )
    if only_day is not None:
        query = query.where(Trip.day == only_day)
    cancelled = 0
    for trip in session.scalars(query):
        plan = published_plan_of(session, trip.id)
        if plan is not None:
            plan.needs_attention = True
            continue
        trip.status = TripStatus.CANCELLED
        cancelled += 1
    session.flush()
    return cancelled
