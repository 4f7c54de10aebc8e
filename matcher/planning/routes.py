"""Stored routes <-> solver routes: which shift a stored segment belongs to; writing back.

A driver has one ``Route`` row per plan; each shift the driver drives is a
segment of its stops from a START to an END stop. A segment belongs to the
driver's shift whose window contains its START departure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Sequence

from sqlalchemy.orm import Session

import solver
from matcher.clock import instant_at_seconds
from matcher.models import DayPlan
from matcher.models import Route
from matcher.models import Stop
from matcher.models import StopKind
from matcher.planning.planning_input import PlanningInput


def segments(route: Route) -> list[list[Stop]]:
    """The route's stops cut into shifts (each starting at a START stop)."""
    out: list[list[Stop]] = []
    for stop in sorted(route.stops, key=lambda s: s.sequence):
        if stop.kind == StopKind.START or not out:
            out.append([])
        out[-1].append(stop)
    return out


def _segment_start(segment: Sequence[Stop]) -> dt.datetime | None:
    for stop in segment:
        for t in (stop.departure_at, stop.service_start_at, stop.arrival_at):
            if t is not None:
                return t
    return None


def vehicle_of_segment(pi: PlanningInput, driver_id: int, segment: Sequence[Stop]) -> str | None:
    """The vehicle id of the driver's shift this segment was driven in, or None if gone."""
    start = _segment_start(segment)
    shifts = [s for s in pi.shift_by_vehicle.values() if s.driver_id == driver_id]
    if start is None or not shifts:
        return None
    for shift in shifts:
        if shift.start_at <= start <= shift.end_at:
            return shift.vehicle_id
    return None


def segment_visits(pi: PlanningInput, segment: Sequence[Stop]) -> tuple[solver.Visit, ...]:
    """The visits of a segment for requests still in the problem, both ends present."""
    visits = [
        solver.Visit(pi.request_by_trip[s.trip_id], solver.StopKind(str(s.kind)))
        for s in segment
        if s.kind in (StopKind.PICKUP, StopKind.DROPOFF) and s.trip_id in pi.request_by_trip
    ]
    count: dict[str, int] = {}
    for v in visits:
        count[v.request_id] = count.get(v.request_id, 0) + 1
    return tuple(v for v in visits if count[v.request_id] == 2)


def plan_visits(pi: PlanningInput, plan: DayPlan) -> dict[str, tuple[solver.Visit, ...]]:
    """Vehicle id -> visits in order, for every stored segment that maps onto a shift."""
    out: dict[str, tuple[solver.Visit, ...]] = {}
    for route in plan.routes:
        for segment in segments(route):
            vid = vehicle_of_segment(pi, route.driver_id, segment)
            if vid is not None:
                out[vid] = out.get(vid, ()) + segment_visits(pi, segment)
    return out


def locked_request_ids(pi: PlanningInput, plan: DayPlan) -> set[str]:
    """Requests whose stops are locked in ``plan``."""
    return {
        pi.request_by_trip[s.trip_id]
        for route in plan.routes
        for s in route.stops
        if s.locked and s.trip_id in pi.request_by_trip
    }


def write_driver_route(
    session: Session,
    plan: DayPlan,
    pi: PlanningInput,
    driver_id: int,
    routes: Iterable[solver.Route],
    *,
    locked_requests: set[str],
    route_locked: bool = False,
) -> Route | None:
    """Replace (or create) the driver's Route row in ``plan`` with the given solver routes.

    The solver routes are this driver's shifts, written in time order; without
    any rider stop the row is removed (None returned).
    """
    ordered = sorted(
        (r for r in routes if r.request_ids), key=lambda r: pi.shift_by_vehicle[r.vehicle_id].index
    )
    row = next((r for r in plan.routes if r.driver_id == driver_id), None)
    if row is not None:
        route_locked = route_locked or row.locked
        row.stops.clear()
        session.flush()
    if not ordered:
        if row is not None:
            plan.routes.remove(row)
            session.flush()
        return None
    if row is None:
        row = Route(driver_id=driver_id)
        plan.routes.append(row)
    row.locked = route_locked
    day = pi.day
    tz = pi.tz
    sequence = 0
    for sroute in ordered:
        for s in sroute.stops:
            trip_id = pi.trip_by_request[s.request_id] if s.request_id else None
            row.stops.append(
                Stop(
                    sequence=sequence,
                    kind=StopKind(str(s.kind)),
                    trip_id=trip_id,
                    place_id=pi.place_by_location[s.location],
                    arrival_at=instant_at_seconds(day, s.arrival, tz),
                    service_start_at=instant_at_seconds(day, s.service_start, tz),
                    departure_at=instant_at_seconds(day, s.departure, tz),
                    load=s.load,
                    locked=s.request_id in locked_requests,
                )
            )
            sequence += 1
    row.start_at = instant_at_seconds(day, ordered[0].stops[0].departure, tz)
    row.end_at = instant_at_seconds(day, ordered[-1].stops[-1].arrival, tz)
    row.drive_seconds = sum(r.drive_seconds for r in ordered)
    row.distance_m = sum(r.distance_metres for r in ordered)
    session.flush()
    return row
