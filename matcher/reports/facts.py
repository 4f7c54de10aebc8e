"""The trips a report counts, as one SQL subquery every report aggregates.

A trip counts when it lies in the period and is not cancelled. It is served
when it is picked up in its day's published plan on a route the driver did not
decline; that is what happened, whatever drafts came later.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from matcher.models import DayPlan
from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import PlanStatus
from matcher.models import Route
from matcher.models import RouteStatus
from matcher.models import Stop
from matcher.models import StopKind
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.models import TripStatus
from matcher.reports.periods import Period

NOT_PUBLISHED = "not_published"
"""Reason code of a trip whose day never got a published plan."""


def served_clause() -> sa.ColumnElement[bool]:
    """True when the trip is picked up in its day's published plan on a route not declined."""
    return sa.exists(
        sa.select(Stop.id)
        .join(Route, Route.id == Stop.route_id)
        .join(DayPlan, DayPlan.id == Route.plan_id)
        .where(Stop.trip_id == Trip.id, Stop.kind == StopKind.PICKUP)
        .where(DayPlan.status == PlanStatus.PUBLISHED, Route.status != RouteStatus.DECLINED)
    )


def trip_facts(
    period: Period, purpose: NeedPurpose | None = None, municipality: str | None = None
) -> sa.Subquery:
    """One row per counted trip: rider, day, purpose, areas, served, reason, the time wished.

    ``wish_at`` is the instant the rider named (arrive by, or pick up after);
    ``away_*`` describe the place she travels to (or comes back from).
    """
    home = aliased(Place)
    away = aliased(Place)
    outbound = Trip.direction == TripDirection.OUTBOUND
    home_id = sa.case((outbound, Trip.origin_id), else_=Trip.destination_id)
    away_id = sa.case((outbound, Trip.destination_id), else_=Trip.origin_id)
    home_area = sa.func.coalesce(home.municipality, home.name)
    away_area = sa.func.coalesce(away.municipality, away.name)
    served = served_clause()
    # The time the rider named: the arrival on the way there, the pick-up on the way back.
    wish_at = sa.case(
        (outbound & Trip.latest_dropoff.is_not(None), Trip.latest_dropoff),
        else_=sa.func.coalesce(Trip.earliest_pickup, Trip.latest_dropoff),
    )
    published = sa.exists(
        sa.select(DayPlan.id).where(DayPlan.day == Trip.day, DayPlan.status == PlanStatus.PUBLISHED)
    )
    reason = sa.case(
        (served, sa.null()),
        (~published, sa.literal(NOT_PUBLISHED)),
        else_=sa.func.coalesce(Trip.unserved_reason, sa.literal("unassigned")),
    )
    query = (
        sa.select(
            Trip.id.label("trip_id"),
            Trip.rider_id.label("rider_id"),
            Trip.day.label("day"),
            Trip.purpose.label("purpose"),
            home_area.label("home_area"),
            away_area.label("away_area"),
            sa.case((served, 1), else_=0).label("served"),
            reason.label("reason"),
            wish_at.label("wish_at"),
            Trip.via_id.label("via_id"),
            away.id.label("away_id"),
            away.name.label("away_name"),
            away.kind.label("away_kind"),
        )
        .join(home, home.id == home_id)
        .join(away, away.id == away_id)
        .where(Trip.day.between(period.first, period.last))
        .where(Trip.status != TripStatus.CANCELLED)
    )
    if purpose is not None:
        query = query.where(Trip.purpose == purpose)
    if municipality:
        query = query.where(home_area == municipality)
    return query.subquery("facts")
