"""Before the search: which requests enter the model, which stay mandatory, where to start.

Everything here is plain Python over the problem and ``solver.schedule``, so a
request that nobody could serve never reaches OR-Tools in a form that makes the
whole model infeasible (SOLVER-NOTES §1: one impossible mandatory request made
the solve return no plan at all).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass

from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import TimeWindow
from solver.problem import Vehicle
from solver.problem import Visit
from solver.schedule import RouteInfeasible
from solver.schedule import schedule_route


@dataclass(frozen=True)
class Prepared:
    """The modelling decisions taken before the search.

    Attributes:
        model_ids: Requests put into the model, in problem order.
        mandatory: Must-serve requests some vehicle can serve alone.
        demoted: Must-serve requests no vehicle can serve alone; planned as
            optional with their priority's penalty and reported.
        locked: Vehicle id -> visits that must open its route.
        initial: Feasible warm-start routes from ``Problem.previous`` (lock
            prefixes included), or None when there is no earlier plan.
    """

    model_ids: tuple[str, ...]
    mandatory: frozenset[str]
    demoted: tuple[str, ...]
    locked: dict[str, tuple[Visit, ...]]
    initial: dict[str, tuple[Visit, ...]] | None


def prepare(problem: Problem) -> Prepared:
    """Decide the model's requests, mandatory set, locks and warm start."""
    horizon = max(v.window.latest for v in problem.vehicles)
    locked = _locked_routes(problem)
    in_locks = {v.request_id for visits in locked.values() for v in visits}
    model_ids = tuple(
        r.id for r in problem.requests if r.id in in_locks or timing_possible(r, horizon)
    )
    modelled = set(model_ids)
    mandatory, demoted = set(), []
    for r in problem.requests:
        if r.must_serve:
            if r.id in modelled and (r.id in in_locks or _servable_alone(problem, r)):
                mandatory.add(r.id)
            else:
                demoted.append(r.id)
    initial = _warm_start(problem, locked, modelled) if problem.previous else None
    return Prepared(model_ids, frozenset(mandatory), tuple(demoted), locked, initial)


def timing_possible(r: Request, horizon: int) -> bool:
    """Whether pick-up and drop-off times exist that fit the windows and the ride cap.

    OR-Tools states these as constraints even for a dropped request, so a
    request failing this would make the whole model infeasible.
    """
    p_lo, p_hi = _window(r.pickup_window, horizon)
    d_lo, d_hi = _window(r.dropoff_window, horizon)
    if p_lo > p_hi or d_lo > d_hi or p_lo > d_hi:
        return False
    limit = r.max_ride_seconds
    return limit is None or d_lo - p_hi <= limit + r.pickup_service


def _window(window: TimeWindow | None, horizon: int) -> tuple[int, int]:
    if window is None:
        return 0, horizon
    return window.earliest, min(window.latest, horizon)


def _servable_alone(problem: Problem, r: Request) -> bool:
    """Whether some vehicle could serve the request on an otherwise empty route."""
    visits = (Visit(r.id, StopKind.PICKUP), Visit(r.id, StopKind.DROPOFF))
    return any(
        not isinstance(schedule_route(problem, v, visits), RouteInfeasible)
        for v in problem.vehicles
    )


def _locked_routes(problem: Problem) -> dict[str, tuple[Visit, ...]]:
    """The locked route prefixes, each checked to be drivable on its own."""
    out = {}
    for vid, visits in problem.locked_routes.items():
        if not visits:
            continue
        vehicle = problem.vehicle_by_id[vid]
        result = schedule_route(problem, vehicle, visits)
        if isinstance(result, RouteInfeasible):
            raise ValueError(f"Problem.locked_routes[{vid!r}] cannot be driven: {result.message}")
        out[vid] = tuple(visits)
    return out


def _warm_start(
    problem: Problem, locked: Mapping[str, Sequence[Visit]], modelled: set[str]
) -> dict[str, tuple[Visit, ...]]:
    """The earlier plan, cut down to what is still feasible.

    Each earlier route keeps its order; requests are added back in pick-up
    order and kept only while the route stays drivable. Requests that are new,
    gone, or moved into another vehicle's locked route are left out for the
    search to insert.
    """
    in_locks = {v.request_id for visits in locked.values() for v in visits}
    taken = set(in_locks)
    out: dict[str, tuple[Visit, ...]] = {vid: tuple(v) for vid, v in locked.items()}
    for planned in problem.previous:
        vehicle = problem.vehicle_by_id.get(planned.vehicle_id)
        if vehicle is None:
            continue
        prefix = out.get(vehicle.id, ())
        order = [
            v for v in planned.visits if v.request_id in modelled and v.request_id not in taken
        ]
        kept: set[str] = set()
        for rid in dict.fromkeys(v.request_id for v in order):
            # A chain is kept whole or not at all.
            unit = set(problem.chain_of.get(rid, (rid,)))
            if unit & kept:
                continue
            trial = prefix + tuple(v for v in order if v.request_id in kept | unit)
            if _complete(trial) and _drivable(problem, vehicle, trial):
                kept |= unit
        taken |= kept
        route = prefix + tuple(v for v in order if v.request_id in kept)
        if route:
            out[vehicle.id] = route
    return out


def _complete(visits: Sequence[Visit]) -> bool:
    """Each request once picked up, then once dropped off."""
    state: dict[str, StopKind] = {}
    for v in visits:
        if state.get(v.request_id) is (None if v.kind is StopKind.PICKUP else StopKind.PICKUP):
            state[v.request_id] = v.kind
        else:
            return False
    return all(k is StopKind.DROPOFF for k in state.values())


def _drivable(problem: Problem, vehicle: Vehicle, visits: Sequence[Visit]) -> bool:
    return not isinstance(schedule_route(problem, vehicle, visits), RouteInfeasible)


def narrowed_windows(
    problem: Problem, r: Request, vehicles: Sequence[Vehicle]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Pick-up and drop-off windows, each narrowed by the other end and the ride cap.

    Cordeau's preprocessing for dial-a-ride: a rider with only an arrive-by
    window must be picked up between (arrival - ride cap) and (latest arrival
    - direct ride), and vice versa; no stop is reachable before the earliest
    of ``vehicles`` could get there, nor after the last could still get home.
    Narrow ranges let insertion checks reject hopeless positions at once.
    Windows only shrink to times no feasible plan could use, so no plan is
    lost; an empty result (nobody can serve the request) keeps the given ones.
    """
    horizon = max(v.window.latest for v in vehicles)
    dur = problem.matrix.durations
    p_lo, p_hi = _window(r.pickup_window, horizon)
    d_lo, d_hi = _window(r.dropoff_window, horizon)
    given = ((p_lo, p_hi), (d_lo, d_hi))
    direct = dur[r.pickup][r.dropoff] + r.pickup_service
    p_lo = max(p_lo, min(v.window.earliest + dur[v.start][r.pickup] for v in vehicles))
    back = max(v.window.latest - dur[r.dropoff][v.end] for v in vehicles)
    d_hi = min(d_hi, back - r.dropoff_service)
    cap = None if r.max_ride_seconds is None else r.max_ride_seconds + r.pickup_service
    for _ in range(2):
        d_lo, p_hi = max(d_lo, p_lo + direct), min(p_hi, d_hi - direct)
        if cap is not None:
            p_lo, d_hi = max(p_lo, d_lo - cap), min(d_hi, p_hi + cap)
    if p_lo > p_hi or d_lo > d_hi:
        return given
    return (p_lo, p_hi), (d_lo, d_hi)
