"""Which vehicles could serve a request on their own: the structural pre-check.

Shared by ``solver.explain`` (which re-exports ``structural_feasible``) and
``solver.insertion`` (which prunes with it).
"""

from __future__ import annotations

from collections.abc import Sequence

from solver.problem import Problem
from solver.problem import StopKind
from solver.problem import Vehicle
from solver.problem import Visit
from solver.schedule import _Req
from solver.schedule import tables

_CACHE_KEY = "_structural_feasible"


def alone(request_id: str) -> tuple[Visit, Visit]:
    return (Visit(request_id, StopKind.PICKUP), Visit(request_id, StopKind.DROPOFF))


def structural_feasible(problem: Problem) -> dict[str, set[str]]:
    """Request id -> ids of the vehicles that could serve it alone (locks and bans included).

    A vehicle missing here can never serve the request, whatever else it does,
    so the engine may prune it. Cached on the problem instance.
    """
    cached: dict[str, set[str]] | None = vars(problem).get(_CACHE_KEY)
    if cached is None:
        reqs = tables(problem)
        dur = problem.matrix.durations
        cached = {
            r.id: {v.id for v in problem.vehicles if alone_ok(dur, v, reqs[r.id])}
            for r in problem.requests
        }
        vars(problem)[_CACHE_KEY] = cached
    return {k: set(v) for k, v in cached.items()}


def alone_ok(dur: Sequence[Sequence[int]], v: Vehicle, q: _Req) -> bool:
    """Exact closed form of ``schedule_route(start, pick-up, drop-off, end)`` being feasible.

    Earliest pick-up and drop-off from the shift start; a ride limit only delays
    the pick-up (waiting at home is free); the shortest span starts as late as
    the (delayed) pick-up allows. Tested against ``schedule_route``.
    """
    if q.locked not in (None, v.id) or v.id in q.forbidden:
        return False
    if q.seats > v.seats or q.child_seats > v.child_seats:
        return False
    if v.max_requests == 0 or (q.night and v.max_night_requests == 0):
        return False
    t_sp, t_pd, t_de = dur[v.start][q.pickup], dur[q.pickup][q.dropoff], dur[q.dropoff][v.end]
    if v.max_drive_seconds is not None and t_sp + t_pd + t_de > v.max_drive_seconds:
        return False
    pick = max(q.p_lo, v.window.earliest + t_sp)
    drop = max(q.d_lo, pick + q.p_service + t_pd)
    if q.max_ride is not None:
        if t_pd > q.max_ride:
            return False
        pick = max(pick, drop - q.p_service - q.max_ride)
    if pick > q.p_hi or drop > q.d_hi:
        return False
    end = drop + q.d_service + t_de
    if end > v.window.latest:
        return False
    latest_pick = min(q.p_hi, drop - q.p_service - t_pd)
    return v.max_duty_seconds is None or end - (latest_pick - t_sp) <= v.max_duty_seconds
