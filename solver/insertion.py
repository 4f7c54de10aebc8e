"""Where can a request fit? Ranked insertions, and a greedy construction built on them.

Each candidate (vehicle, pick-up position, drop-off position) is priced in O(1)
from the matrix and pruned with necessary conditions computed once per route
(earliest and latest service starts, loads, the travel-and-service chain for a
lower bound on the ride); only the cheapest survivors get an exact
``schedule_route``. That keeps 400 requests into 80 routes to a few seconds.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass

from solver._structural import structural_feasible
from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import Vehicle
from solver.problem import Visit
from solver.schedule import Timing
from solver.schedule import earliest
from solver.schedule import feasible
from solver.schedule import insert_visits
from solver.schedule import latest
from solver.schedule import schedule_route
from solver.schedule import tables
from solver.schedule import timing
from solver.schedule import visits_of
from solver.solution import Route


@dataclass(frozen=True)
class Insertion:
    """One feasible way to add a request to a vehicle's route.

    Attributes:
        vehicle_id: The vehicle.
        pickup_position: Index of the pick-up among the new route's visits.
        dropoff_position: Index of the drop-off among the new route's visits.
        extra_drive_seconds: Added driving time.
        extra_distance_metres: Added distance.
        max_shift_seconds: Largest change of another rider's pick-up time.
        affected_request_ids: Other riders whose pick-up or drop-off time changes.
        route: The route with the request in it, fully timed.
    """

    vehicle_id: str
    pickup_position: int
    dropoff_position: int
    extra_drive_seconds: int
    extra_distance_metres: int
    max_shift_seconds: int
    affected_request_ids: tuple[str, ...]
    route: Route


@dataclass(slots=True)
class RouteState:
    """A vehicle's current route with what the pruning needs."""

    vehicle: Vehicle
    visits: tuple[Visit, ...]
    route: Route | None
    frozen: int  # visits before this index belong to a locked route
    t: Timing
    early: list[int]
    late: list[int]
    load: list[int]
    child: list[int]
    chain: list[int]  # chain[k]: travel + service from node 0 to node k, no waiting


def _state(
    problem: Problem, vehicle: Vehicle, visits: tuple[Visit, ...], frozen: int
) -> RouteState | None:
    """The state of a route, or None if it cannot be driven (not even empty, for some shifts)."""
    t = timing(problem, vehicle, visits)
    if not isinstance(t, Timing):
        return None
    early, late = earliest(t), latest(t)
    if not isinstance(early, list) or late is None:
        return None
    route = schedule_route(problem, vehicle, visits) if visits else None
    load, child, chain = [0], [0], [0]
    for k in range(1, len(t.lo)):
        load.append(load[-1] + t.seat_delta[k])
        child.append(child[-1] + t.child_delta[k])
        chain.append(chain[-1] + t.svc[k - 1] + t.tt[k - 1])
    kept = route if isinstance(route, Route) else None
    return RouteState(vehicle, visits, kept, frozen, t, early, late, load, child, chain)


def _candidates(problem: Problem, s: RouteState, r: Request) -> Iterator[tuple[int, int, int, int]]:
    """(extra drive, extra metres, i, j) for insertions passing the necessary conditions.

    The pick-up goes between nodes i and i+1, the drop-off between nodes j and j+1
    (nodes: 0 start, 1..n visits, n+1 end), so i and j are also the visit indices
    ``insert_visits`` expects.
    """
    q = tables(problem)[r.id]
    dur, dist = problem.matrix.durations, problem.matrix.distances
    t, early, late, load, child, chain = s.t, s.early, s.late, s.load, s.child, s.chain
    loc, svc = t.loc, t.svc
    seats, cap, cseats, ccap = q.seats, s.vehicle.seats, q.child_seats, s.vehicle.child_seats
    P, D = q.pickup, q.dropoff
    limit = q.max_ride
    n = len(loc) - 2
    tPD, mPD = dur[P][D], dist[P][D]
    for i in range(s.frozen, n + 1):
        if load[i] + seats > cap or child[i] + cseats > ccap:
            continue
        a, b = loc[i], loc[i + 1]
        bp = max(q.p_lo, early[i] + svc[i] + dur[a][P])
        if bp > q.p_hi:
            continue
        dp = bp + q.p_service
        # drop-off right after the pick-up
        bd = max(q.d_lo, dp + tPD)
        if bd <= q.d_hi and bd + q.d_service + dur[D][b] <= late[i + 1]:
            dd = dur[a][P] + tPD + dur[D][b] - dur[a][b]
            yield dd, dist[a][P] + mPD + dist[D][b] - dist[a][b], i, i
        if dp + dur[P][b] > late[i + 1]:
            continue
        ins_d = dur[a][P] + dur[P][b] - dur[a][b]
        ins_m = dist[a][P] + dist[P][b] - dist[a][b]
        for j in range(i + 1, n + 1):
            if load[j] + seats > cap or child[j] + cseats > ccap:
                break  # the party would still be aboard after node j
            c, e = loc[j], loc[j + 1]
            aboard = dur[P][b] + chain[j] - chain[i + 1] + svc[j]  # grows with j
            if limit is not None and aboard + dur[c][D] > limit:
                if aboard > limit:
                    break
                continue
            if early[j] + svc[j] > q.d_hi:
                break  # early[] grows along the route
            bd = max(q.d_lo, early[j] + svc[j] + dur[c][D])
            if bd > q.d_hi:
                continue
            if bd + q.d_service + dur[D][e] > late[j + 1]:
                continue
            yield (
                ins_d + dur[c][D] + dur[D][e] - dur[c][e],
                ins_m + dist[c][D] + dist[D][e] - dist[c][e],
                i,
                j,
            )


def route_states(
    problem: Problem, routes: Sequence[Route], skip: str | None = None
) -> dict[str, RouteState]:
    """One state per vehicle: its route in ``routes`` (without ``skip``) or an empty one.

    A route that cannot be driven (an edited plan, or one that relied on ``skip``
    being aboard under a non-metric matrix) offers no insertions.
    """
    by_vehicle = {r.vehicle_id: visits_of(r) for r in routes}
    out = {}
    for v in problem.vehicles:
        visits = tuple(x for x in by_vehicle.get(v.id, ()) if x.request_id != skip)
        locked = problem.locked_routes.get(v.id, ())
        frozen = len(locked) if visits[: len(locked)] == locked else 0
        state = _state(problem, v, visits, frozen)
        if state is not None:
            out[v.id] = state
    return out


def rank_insertions(
    problem: Problem, routes: Sequence[Route], request_id: str, limit: int = 10
) -> list[Insertion]:
    """The ``limit`` cheapest feasible insertions of a request into the plan, by extra driving.

    If the request is already in ``routes`` it is taken out first, so this also
    answers "where else could it go?".
    """
    request = problem.request_by_id.get(request_id)
    if request is None:
        raise ValueError(f"unknown request {request_id!r}")
    states = route_states(problem, routes, request_id)
    allowed = structural_feasible(problem)[request_id] & states.keys()
    pool = [
        (dd, dm, vid, i, j)
        for vid in sorted(allowed)
        for dd, dm, i, j in _candidates(problem, states[vid], request)
    ]
    pool.sort()
    out: list[Insertion] = []
    for _, _, vid, i, j in pool:
        s = states[vid]
        new = schedule_route(problem, s.vehicle, insert_visits(s.visits, request_id, i, j))
        if isinstance(new, Route):
            out.append(_describe(s, new, request_id, i, j))
            if len(out) >= limit:
                break
    return out


def best_insertions(
    problem: Problem, states: dict[str, RouteState], request: Request, vehicle_ids: set[str]
) -> dict[str, Insertion]:
    """Per vehicle of ``vehicle_ids`` its cheapest feasible insertion of ``request``, if any.

    The candidates of all vehicles are tried cheapest first (as in ``rank_insertions``),
    and a vehicle is done with its first feasible one.
    """
    pool = sorted(
        (dd, dm, vid, i, j)
        for vid in sorted(vehicle_ids & states.keys())
        for dd, dm, i, j in _candidates(problem, states[vid], request)
    )
    out: dict[str, Insertion] = {}
    for _, _, vid, i, j in pool:
        if vid in out:
            continue
        s = states[vid]
        new = schedule_route(problem, s.vehicle, insert_visits(s.visits, request.id, i, j))
        if isinstance(new, Route):
            out[vid] = _describe(s, new, request.id, i, j)
    return out


CHAIN_TRIES = 8
"""Insertions of a chain's main request tried when inserting the whole chain."""


def rank_chain_insertions(
    problem: Problem, routes: Sequence[Route], main_id: str, limit: int = 3
) -> list[Insertion]:
    """Cheap feasible ways to add a whole chain (main request and companion) to one route.

    The ``CHAIN_TRIES`` cheapest insertions of the main request, each with the
    companion's cheapest insertion inside the main ride on the same route;
    a search, not a proof: an empty list does not mean the chain cannot fit.
    The positions in the result are the main request's; ``routes`` must not
    hold the chain already.
    """
    companion_id = problem.companions[main_id]
    companion = problem.request_by_id[companion_id]
    before = route_states(problem, routes)
    out: list[Insertion] = []
    for first in rank_insertions(problem, routes, main_id, limit=CHAIN_TRIES):
        vehicle, frozen = problem.vehicle_by_id[first.vehicle_id], before[first.vehicle_id].frozen
        s = _state(problem, vehicle, visits_of(first.route), frozen)
        if s is None:
            continue
        for _, _, i, j in sorted(_candidates(problem, s, companion)):
            trial = insert_visits(s.visits, companion_id, i, j)
            mp = trial.index(Visit(main_id, StopKind.PICKUP))
            md = trial.index(Visit(main_id, StopKind.DROPOFF))
            cp = trial.index(Visit(companion_id, StopKind.PICKUP))
            cd = trial.index(Visit(companion_id, StopKind.DROPOFF))
            if not (mp < cp and cd < md):
                continue
            new = schedule_route(problem, s.vehicle, trial)
            if isinstance(new, Route):
                out.append(_describe(before[first.vehicle_id], new, main_id, mp, md - 1))
                break
    out.sort(key=lambda x: (x.extra_drive_seconds, x.vehicle_id))
    return out[:limit]


def cheapest_fit(
    problem: Problem, states: dict[str, RouteState], request: Request, vehicle_ids: set[str]
) -> tuple[int, str] | None:
    """(extra driving seconds, vehicle id) of the cheapest feasible insertion, or None."""
    pool = sorted(
        (dd, vid, i, j)
        for vid in vehicle_ids & states.keys()
        for dd, _, i, j in _candidates(problem, states[vid], request)
    )
    for dd, vid, i, j in pool:
        s = states[vid]
        if feasible(problem, s.vehicle, insert_visits(s.visits, request.id, i, j)):
            return dd, vid
    return None


def probes(problem: Problem, s: RouteState, r: Request, k: int) -> list[tuple[int, int]]:
    """The ``k`` most natural positions (i, j) to try, feasible or not, to name what blocks.

    Pick-up positions ranked by how late the pick-up would be against its window
    (from the route's earliest times), then by detour; for the best two, drop-off
    positions ranked the same way. Linear in the route length.
    """
    q = tables(problem)[r.id]
    dur = problem.matrix.durations
    loc, svc, early = s.t.loc, s.t.svc, s.early
    P, D = q.pickup, q.dropoff
    n = len(loc) - 2
    picks = []
    for i in range(s.frozen, n + 1):
        bp = max(q.p_lo, early[i] + svc[i] + dur[loc[i]][P])
        picks.append((max(0, bp - q.p_hi), dur[loc[i]][P] + dur[P][loc[i + 1]], i, bp))
    scored = []
    for _, _, i, bp in heapq.nsmallest(2, picks):
        direct = max(q.d_lo, bp + q.p_service + dur[P][D])
        scored.append((max(0, direct - q.d_hi), dur[P][D] + dur[D][loc[i + 1]], i, i))
        for j in range(i + 1, n + 1):
            bd = max(q.d_lo, early[j] + svc[j] + dur[loc[j]][D])
            scored.append((max(0, bd - q.d_hi), dur[loc[j]][D] + dur[D][loc[j + 1]], i, j))
    return [(i, j) for _, _, i, j in heapq.nsmallest(k, scored)]


def _describe(s: RouteState, new: Route, rid: str, i: int, j: int) -> Insertion:
    before = {(x.request_id, x.kind): x.service_start for x in s.route.stops} if s.route else {}
    shift, affected = 0, set()
    for stop in new.stops:
        old = before.get((stop.request_id, stop.kind))
        if stop.request_id in (None, rid) or old is None or old == stop.service_start:
            continue
        affected.add(stop.request_id)
        if stop.kind is StopKind.PICKUP:
            shift = max(shift, abs(stop.service_start - old))
    base_drive = s.route.drive_seconds if s.route else 0
    base_metres = s.route.distance_metres if s.route else 0
    return Insertion(
        s.vehicle.id,
        i,
        j + 1,
        new.drive_seconds - base_drive,
        new.distance_metres - base_metres,
        shift,
        tuple(sorted(affected)),
        new,
    )


def greedy_construct(problem: Problem, regret: int = 0) -> tuple[Route, ...]:
    """A fast initial plan; requests that fit nowhere are left out.

    ``regret=0`` (default): requests in order of priority and time, each at its
    cheapest spot; 400 requests into 80 routes take well under a second.
    ``regret=k >= 2``: regret-k insertion (Ropke & Pisinger 2006): always insert
    next the request that would lose most by waiting (cost gap between its best
    and its k-1 next-best vehicles), within the highest priority left. Better
    plans, but it keeps every request x vehicle option fresh, so use it up to a
    few hundred requests. Locked routes open their vehicles' routes. Cost is the
    weighted travel plus a vehicle's fixed cost when it is first used.
    """
    if regret == 1 or regret < 0:
        raise ValueError(f"regret must be 0 (cheapest insertion) or >= 2, got {regret}")
    states = {}
    for v in problem.vehicles:
        opening = problem.locked_routes.get(v.id, ())
        state = _state(problem, v, opening, len(opening))
        if state is None and opening:
            raise ValueError(f"Problem.locked_routes[{v.id!r}] cannot be driven")
        if state is not None:
            states[v.id] = state
    locked = {x.request_id for visits in problem.locked_routes.values() for x in visits}
    chained = problem.chain_of
    pending = sorted(
        (r for r in problem.requests if r.id not in locked and r.id not in chained), key=_urgency
    )
    allowed = structural_feasible(problem)
    _insert_chains(problem, states, [m for m in problem.companions if m not in locked])
    if regret:
        _regret(problem, states, pending, allowed, regret)
    else:
        for r in pending:
            options = [_best_on(problem, states[v], r) for v in allowed[r.id] & states.keys()]
            found = [o for o in options if o is not None]
            if found:
                _insert(problem, states, r.id, min(found))
    return tuple(s.route for s in states.values() if s.route is not None)


def _insert_chains(problem: Problem, states: dict[str, RouteState], main_ids: list[str]) -> None:
    """Chains first (two requests placed together are the harder fit), by urgency."""
    for main_id in sorted(main_ids, key=lambda m: _urgency(problem.request_by_id[m])):
        routes = [s.route for s in states.values() if s.route is not None]
        options = rank_chain_insertions(problem, routes, main_id, limit=1)
        if options:
            best = options[0]
            s = states[best.vehicle_id]
            states[best.vehicle_id] = (
                _state(problem, s.vehicle, visits_of(best.route), s.frozen) or s
            )


# An option: (weighted cost, extra driving, vehicle id, pick-up index, drop-off index).
_Option = tuple[int, int, str, int, int]


def _best_on(problem: Problem, s: RouteState, r: Request) -> _Option | None:
    """The cheapest feasible insertion of ``r`` into one route, or None."""
    w = problem.weights
    wt, wd = (w.travel_time, w.distance) if (w.travel_time or w.distance) else (1, 0)
    fixed = s.vehicle.fixed_cost if not s.visits else 0
    vid = s.vehicle.id
    pool = sorted(
        (wt * dd + wd * dm + fixed, dd, vid, i, j) for dd, dm, i, j in _candidates(problem, s, r)
    )
    for option in pool:
        if feasible(problem, s.vehicle, insert_visits(s.visits, r.id, option[3], option[4])):
            return option
    return None


def _insert(problem: Problem, states: dict[str, RouteState], rid: str, option: _Option) -> None:
    s = states[option[2]]
    visits = insert_visits(s.visits, rid, option[3], option[4])
    states[option[2]] = _state(problem, s.vehicle, visits, s.frozen) or s


def _regret(
    problem: Problem,
    states: dict[str, RouteState],
    pending: list[Request],
    allowed: dict[str, set[str]],
    k: int,
) -> None:
    """Regret-k insertion; only the options on the route just changed are recomputed."""
    options = {
        r.id: {v: _best_on(problem, states[v], r) for v in sorted(allowed[r.id] & states.keys())}
        for r in pending
    }
    left = {r.id: r for r in pending}
    missing = 10**15  # an option that does not exist weighs like a huge regret
    while left:
        scored = []
        for rid, r in left.items():
            costs = sorted(o for o in options[rid].values() if o is not None)
            if not costs:
                continue
            gap = sum(
                (costs[m][0] if m < len(costs) else missing) - costs[0][0] for m in range(1, k)
            )
            scored.append((int(r.priority), gap, -costs[0][0], rid, costs[0]))
        if not scored:
            return  # nothing left fits anywhere
        *_, rid, best = max(scored)
        _insert(problem, states, rid, best)
        del left[rid]
        vid = best[2]
        for other, r in left.items():
            if vid in options[other]:
                options[other][vid] = _best_on(problem, states[vid], r)


def _urgency(r: Request) -> tuple[int, int, str]:
    """Higher priority first, then the earliest time a window ties the trip down."""
    times = [w.earliest for w in (r.pickup_window, r.dropoff_window) if w is not None]
    return (-int(r.priority), min(times, default=0), r.id)
