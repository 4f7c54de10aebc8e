"""What a draft looked like before each edit: taken by ``versions.editable``, named by the edit.

A snapshot holds the routes with their stops and locks, the plan's figures,
and the status, unserved reason and direct time of every trip of the day
(these live on the trip, shared by the day's versions). ``undo`` restores the
newest one as a new draft version.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import DayPlan
from matcher.models import PlanSnapshot
from matcher.models import Trip

PLAN_FIELDS = (
    "objective",
    "requests_total",
    "requests_served",
    "total_drive_seconds",
    "total_distance_m",
    "solver_stats",
)
ROUTE_FIELDS = ("driver_id", "locked", "drive_seconds", "distance_m")
ROUTE_TIMES = ("start_at", "end_at")
STOP_FIELDS = ("sequence", "kind", "trip_id", "place_id", "load", "locked")
STOP_TIMES = ("arrival_at", "service_start_at", "departure_at")
MAX_UNDO = 20
"""Edits a draft keeps for undo; older snapshots go (about 0.3 kB per stop each)."""
TRIP_FIELDS = ("status", "unserved_reason", "unserved_details", "direct_seconds")


def _instant(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def capture(session: Session, plan: DayPlan) -> dict[str, Any]:
    """The plan's routes, stops, locks and figures and its day's trip states, as JSON."""
    routes = []
    for route in plan.routes:
        entry: dict[str, Any] = {f: getattr(route, f) for f in ROUTE_FIELDS}
        entry |= {f: _instant(getattr(route, f)) for f in ROUTE_TIMES}
        stops = []
        for stop in route.stops:
            fields: dict[str, Any] = {f: getattr(stop, f) for f in STOP_FIELDS}
            fields["kind"] = str(stop.kind)
            stops.append(fields | {f: _instant(getattr(stop, f)) for f in STOP_TIMES})
        entry["stops"] = stops
        routes.append(entry)
    rows = session.execute(
        sa.select(Trip.id, *(getattr(Trip, f) for f in TRIP_FIELDS)).where(Trip.day == plan.day)
    )
    trips = {
        str(row[0]): [str(row[1]), row[2], row[3], row[4]]
        for row in sorted(rows, key=lambda row: row[0])
    }
    return {
        "plan": {f: getattr(plan, f) for f in PLAN_FIELDS},
        "routes": routes,
        "trips": trips,
    }


def save_before_edit(session: Session, source: DayPlan, edited: DayPlan) -> None:
    """Keep ``source`` as it is now as the state before the edit ``edited`` is about to get."""
    session.add(
        PlanSnapshot(plan_id=edited.id, action="", details={}, state=capture(session, source))
    )
    session.flush()
    older = (
        sa.select(PlanSnapshot.id)
        .where(PlanSnapshot.plan_id == edited.id)
        .order_by(PlanSnapshot.id.desc())
        .offset(MAX_UNDO)
    )
    session.execute(
        sa.delete(PlanSnapshot).where(PlanSnapshot.id.in_(list(session.scalars(older))))
    )


def name_edit(session: Session, plan: DayPlan, action: str, details: dict[str, Any]) -> None:
    """Give the snapshot taken for the edit now finishing its audit action and details."""
    pending = session.scalar(
        sa.select(PlanSnapshot)
        .where(PlanSnapshot.plan_id == plan.id, PlanSnapshot.action == "")
        .order_by(PlanSnapshot.id.desc())
        .limit(1)
    )
    if pending is not None:
        pending.action = action
        pending.details = {k: v for k, v in details.items() if v is None or isinstance(v, int)}


def last_snapshot(session: Session, plan_id: int) -> PlanSnapshot | None:
    """The state before the plan's last edit, or None if it has none left to undo."""
    return session.scalar(
        sa.select(PlanSnapshot)
        .where(PlanSnapshot.plan_id == plan_id, PlanSnapshot.action != "")
        .order_by(PlanSnapshot.id.desc())
        .limit(1)
    )
