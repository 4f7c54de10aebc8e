"""A ruin-and-recreate layer around OR-Tools: thousands of small changes a second.

OR-Tools' iterated local search runs a full local-search descent after every
ruin, about 25 steps a second on a 96-request day, and stalls after a few
seconds (benchmarks/README.md). This layer starts from OR-Tools' plan and
repeats the step SISR and Ropke & Pisinger's ALNS are built on: remove a
group of related requests (close in space and time), put them back one by one
at the cheapest place where the exact timetable check passes, keep the result
by simulated annealing. The kernels are compiled (``solver._rr_kernels``).

It sees every hard constraint of ``Problem`` (windows, ride caps, seats and
child seats, driver windows, duty and drive caps, per-driver caps, locks,
forbidden drivers) and the objective without the riders' extra ride time,
which needs the timetable; the caller compares the returned plan with
``objective_parts`` and keeps the better one.
"""

from __future__ import annotations

import time
from collections import namedtuple
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence

import numpy as np

from solver import _rr_kernels as kernels
from solver._prepare import narrowed_windows
from solver.problem import Problem
from solver.problem import StopKind
from solver.problem import Visit

Data = namedtuple(
    "Data",
    "loc lo hi svc seats child ride penalty night modelled removable allowed extra related "
    "tt cost v_start v_end v_lo v_hi v_seats v_child v_duty v_drive v_max_requests "
    "v_max_night v_fixed locked_len workload fair_share has_fixed",
)
Plan = namedtuple("Plan", "routes rlen vehicle_of cost")
Workspace = namedtuple(
    "Workspace",
    "times_a times_z load child times pos trial cand_cost cand_i cand_j "
    "order removed pool keys cand",
)

FLEET_SHARE = 0.5
"""Share of the layer's time spent on using fewer vehicles, where vehicles cost."""

SLICE_SECONDS = 0.05
"""How often the compiled search hands back to check the clock."""

MUST_SERVE_PENALTY = 10**15
"""Leaving a must-serve request out costs more than any plan (OR-Tools keeps them hard)."""

_BIG = int(kernels.BIG)


class RuinRecreate:
    """The layer for one problem and one set of modelled requests."""

    def __init__(
        self,
        problem: Problem,
        request_ids: Sequence[str],
        mandatory: frozenset[str] = frozenset(),
        locked: Mapping[str, Sequence[Visit]] | None = None,
        seed: int = 0,
    ) -> None:
        self.problem = problem
        self.index = {r.id: k for k, r in enumerate(problem.requests)}
        self.vindex = {v.id: k for k, v in enumerate(problem.vehicles)}
        self.data = _data(problem, set(request_ids), mandatory, locked or {})
        self.ws = _workspace(problem)
        self.seed = seed
        self.iterations = 0
        # How many requests one ruin removes: 1 to about 20 % of the day, at most 30.
        self.sizes = (1, max(2, min(30, int(self.data.modelled.sum()) // 5)))

    def improve(
        self,
        plan: Mapping[str, Sequence[Visit]],
        deadline: float,
        iterations: int | None = None,
        on_improve: Callable[[dict[str, tuple[Visit, ...]], int], None] | None = None,
    ) -> dict[str, tuple[Visit, ...]]:
        """Search from ``plan`` until ``deadline`` (monotonic) or for ``iterations`` steps.

        ``on_improve(plan, cost)`` is called after a slice that found a better plan.
        """
        if not self.data.modelled.any():
            return {vid: tuple(visits) for vid, visits in plan.items() if visits}
        kernels.seed_random(self.seed)
        state = self._plan(plan)
        best = _copy(state)
        t_start, t_end = self._temperatures()
        if iterations is not None:
            self.iterations += iterations
            kernels.search(state, best, self.data, self.ws, iterations, t_start, t_end, *self.sizes)
            return self._visits(best)
        if self.data.has_fixed:
            self._fewer_vehicles(state, best, deadline, on_improve)
        # Calibrate a slice length, then cool over the time that is left.
        started = time.monotonic()
        probe = 20
        kernels.search(state, best, self.data, self.ws, probe, t_start, t_start, *self.sizes)
        self.iterations += probe
        per_step = max(1e-6, (time.monotonic() - started) / probe)
        left = deadline - time.monotonic()
        total = max(1, int(left / per_step))
        step = max(1, int(SLICE_SECONDS / per_step))
        done = 0
        while done < total and time.monotonic() < deadline:
            frac0, frac1 = done / total, min(1.0, (done + step) / total)
            hot = t_start * (t_end / t_start) ** frac0
            cold = t_start * (t_end / t_start) ** frac1
            before = int(best.cost[0])
            kernels.search(state, best, self.data, self.ws, step, hot, cold, *self.sizes)
            if on_improve is not None and best.cost[0] < before:
                on_improve(self._visits(best), int(best.cost[0]))
            done += step
            self.iterations += step
            # Re-estimate: steps get dearer or cheaper as the plan changes.
            elapsed = time.monotonic() - started
            rate = elapsed / (done + probe)
            total = done + max(0, int((deadline - time.monotonic()) / rate))
        return self._visits(best)

    def _fewer_vehicles(
        self,
        state: Plan,
        best: Plan,
        deadline: float,
        on_improve: Callable[[dict[str, tuple[Visit, ...]], int], None] | None,
    ) -> None:
        """With a cost per vehicle: first try to do with fewer (``FLEET_SHARE`` of the time).

        Afterwards ``state`` is ``best``, the plan with every request served.
        """
        end = time.monotonic() + FLEET_SHARE * (deadline - time.monotonic())
        absences = np.zeros(len(self.problem.requests), dtype=np.int64)
        work = _copy(state)
        if kernels.drop_route(work, self.data, absences):
            step = 50
            while time.monotonic() < end:
                saved = kernels.fleet_search(
                    work, best, self.data, self.ws, step, absences, *self.sizes
                )
                self.iterations += step
                if saved and on_improve is not None:
                    on_improve(self._visits(best), int(best.cost[0]))
        kernels.copy_plan(best, state)
        state.cost[0] = best.cost[0]

    def _temperatures(self) -> tuple[float, float]:
        """Start and end temperatures from the mean arc cost between the requests' stops.

        SISR (Christiaens & Vanden Berghe 2020) cools from 100 to 1 on
        instances whose arcs average a few hundred units: about 0.2 to 0.002
        of the mean arc. We start cooler, as the plan from OR-Tools is good
        (0.05 to 0.001: on the eight largest Cordeau files at 10 s, +1.3 %
        mean gap against +1.4 to +1.7 % for 0.005-0.02 starts, within noise).
        """
        loc = self.data.loc
        sample = self.data.cost[np.ix_(loc, loc)]
        mean = float(sample.mean()) if sample.size else 1.0
        return max(1.0, 0.05 * mean), max(0.1, 0.001 * mean)

    def _plan(self, plan: Mapping[str, Sequence[Visit]]) -> Plan:
        n_v, n_r = len(self.problem.vehicles), len(self.problem.requests)
        routes = np.zeros((n_v, 2 * n_r + 2), dtype=np.int64)
        rlen = np.zeros(n_v, dtype=np.int64)
        vehicle_of = np.full(n_r, -1, dtype=np.int64)
        for vid, visits in plan.items():
            v = self.vindex[vid]
            for m, visit in enumerate(visits):
                k = self.index[visit.request_id]
                routes[v, m] = 2 * k + (visit.kind is StopKind.DROPOFF)
                vehicle_of[k] = v
            rlen[v] = len(visits)
        cost = kernels.total_cost(routes, rlen, vehicle_of, self.data)
        return Plan(routes, rlen, vehicle_of, np.array([cost], dtype=np.int64))

    def _visits(self, plan: Plan) -> dict[str, tuple[Visit, ...]]:
        out = {}
        requests = self.problem.requests
        for v, vehicle in enumerate(self.problem.vehicles):
            n = int(plan.rlen[v])
            if n:
                out[vehicle.id] = tuple(
                    Visit(
                        requests[node // 2].id,
                        StopKind.DROPOFF if node % 2 else StopKind.PICKUP,
                    )
                    for node in plan.routes[v, :n].tolist()
                )
        return out


def _copy(plan: Plan) -> Plan:
    return Plan(plan.routes.copy(), plan.rlen.copy(), plan.vehicle_of.copy(), plan.cost.copy())


def _data(
    problem: Problem,
    modelled_ids: set[str],
    mandatory: frozenset[str],
    locked: Mapping[str, Sequence[Visit]],
) -> Data:
    """The problem as flat arrays for the kernels."""
    w, vs, rs = problem.weights, problem.vehicles, problem.requests
    n_r, n_v = len(rs), len(vs)
    tt = np.asarray(problem.matrix.durations, dtype=np.int64)
    cost = w.travel_time * tt
    if w.distance:
        cost = cost + w.distance * np.asarray(problem.matrix.distances, dtype=np.int64)
    loc = np.zeros(2 * n_r, dtype=np.int64)
    lo = np.zeros(2 * n_r, dtype=np.int64)
    hi = np.zeros(2 * n_r, dtype=np.int64)
    svc = np.zeros(2 * n_r, dtype=np.int64)
    seats = np.zeros(2 * n_r, dtype=np.int64)
    child = np.zeros(2 * n_r, dtype=np.int64)
    ride = np.full(n_r, _BIG, dtype=np.int64)
    penalty = np.zeros(n_r, dtype=np.int64)
    night = np.zeros(n_r, dtype=np.bool_)
    modelled = np.zeros(n_r, dtype=np.bool_)
    allowed = np.ones((n_v, n_r), dtype=np.bool_)
    extra = np.zeros((n_v, n_r), dtype=np.int64)
    vindex = {v.id: k for k, v in enumerate(vs)}
    rindex = {r.id: k for k, r in enumerate(rs)}
    before = {v.request_id: pr.vehicle_id for pr in problem.previous for v in pr.visits}
    for k, r in enumerate(rs):
        (p_lo, p_hi), (d_lo, d_hi) = narrowed_windows(problem, r, vs)
        loc[2 * k], loc[2 * k + 1] = r.pickup, r.dropoff
        lo[2 * k], hi[2 * k], lo[2 * k + 1], hi[2 * k + 1] = p_lo, p_hi, d_lo, d_hi
        svc[2 * k], svc[2 * k + 1] = r.pickup_service, r.dropoff_service
        seats[2 * k], seats[2 * k + 1] = r.seats, -r.seats
        child[2 * k], child[2 * k + 1] = r.child_seats, -r.child_seats
        if r.max_ride_seconds is not None:
            ride[k] = r.max_ride_seconds
        modelled[k] = r.id in modelled_ids
        penalty[k] = MUST_SERVE_PENALTY if r.id in mandatory else w.penalty(r.priority)
        penalty[k] += w.change if r.id in before else 0
        night[k] = r.night
        for v, veh in enumerate(vs):
            ok = r.locked_vehicle in (None, veh.id) and veh.id not in r.forbidden_vehicles
            allowed[v, k] = ok and modelled[k]
            if w.language_mismatch and r.languages and not r.languages & veh.languages:
                extra[v, k] += w.language_mismatch
            if r.id in before and before[r.id] != veh.id:
                extra[v, k] += w.change
    # Requests in a locked prefix are served there and never moved. Chains
    # are kept as OR-Tools left them: the kernels move one request at a
    # time, which would split a chain (a served chain stays on its route, in
    # order, as insertions never reorder the stops around them; an unserved
    # one stays out).
    chained = np.array([r.id in problem.chain_of for r in rs], dtype=np.bool_)
    allowed[:, chained] = False
    removable = modelled & ~chained
    locked_len = np.zeros(n_v, dtype=np.int64)
    for vid, visits in locked.items():
        locked_len[vindex[vid]] = len(visits)
        for visit in visits:
            removable[rindex[visit.request_id]] = False
    related = _relatedness(loc, lo, tt, n_r)

    def cap(value: int | None) -> int:
        return _BIG if value is None else value

    return Data(
        loc=loc,
        lo=lo,
        hi=hi,
        svc=svc,
        seats=seats,
        child=child,
        ride=ride,
        penalty=penalty,
        night=night,
        modelled=modelled,
        removable=removable,
        allowed=allowed,
        extra=extra,
        related=related,
        tt=tt,
        cost=cost,
        v_start=np.array([v.start for v in vs], dtype=np.int64),
        v_end=np.array([v.end for v in vs], dtype=np.int64),
        v_lo=np.array([v.window.earliest for v in vs], dtype=np.int64),
        v_hi=np.array([v.window.latest for v in vs], dtype=np.int64),
        v_seats=np.array([v.seats for v in vs], dtype=np.int64),
        v_child=np.array([v.child_seats for v in vs], dtype=np.int64),
        v_duty=np.array([cap(v.max_duty_seconds) for v in vs], dtype=np.int64),
        v_drive=np.array([cap(v.max_drive_seconds) for v in vs], dtype=np.int64),
        v_max_requests=np.array([cap(v.max_requests) for v in vs], dtype=np.int64),
        v_max_night=np.array([cap(v.max_night_requests) for v in vs], dtype=np.int64),
        v_fixed=np.array([v.fixed_cost for v in vs], dtype=np.int64),
        locked_len=locked_len,
        workload=np.int64(w.workload),
        fair_share=np.int64(problem.fair_share),
        has_fixed=bool(any(v.fixed_cost for v in vs)),
    )


def _relatedness(loc: np.ndarray, lo: np.ndarray, tt: np.ndarray, n_r: int) -> np.ndarray:
    """Per request, all requests from most to least related (Ropke & Pisinger's measure).

    Related: pick-ups close together, drop-offs close together, and similar
    earliest times, all in seconds.
    """
    if n_r == 0:
        return np.zeros((0, 0), dtype=np.int64)
    p, d = loc[0::2], loc[1::2]
    score = tt[np.ix_(p, p)] + tt[np.ix_(d, d)]
    score = score + np.abs(lo[0::2][:, None] - lo[0::2][None, :])
    score = score + np.abs(lo[1::2][:, None] - lo[1::2][None, :])
    np.fill_diagonal(score, np.iinfo(np.int64).max)
    return np.argsort(score, axis=1, kind="stable").astype(np.int64)


def _workspace(problem: Problem) -> Workspace:
    n_r, n_v = len(problem.requests), len(problem.vehicles)
    m = 2 * n_r + 4
    cand = Plan(
        np.zeros((n_v, 2 * n_r + 2), dtype=np.int64),
        np.zeros(n_v, dtype=np.int64),
        np.zeros(n_r, dtype=np.int64),
        np.zeros(1, dtype=np.int64),
    )
    pairs = (n_r + 2) * (n_r + 2) * 2 + 8
    return Workspace(
        times_a=np.zeros(m, dtype=np.int64),
        times_z=np.zeros(m, dtype=np.int64),
        load=np.zeros(m, dtype=np.int64),
        child=np.zeros(m, dtype=np.int64),
        times=np.zeros(m, dtype=np.int64),
        pos=np.zeros(m, dtype=np.int64),
        trial=np.zeros(m, dtype=np.int64),
        cand_cost=np.zeros(pairs, dtype=np.int64),
        cand_i=np.zeros(pairs, dtype=np.int64),
        cand_j=np.zeros(pairs, dtype=np.int64),
        order=np.zeros(max(1, n_r), dtype=np.int64),
        removed=np.zeros(max(1, n_r), dtype=np.int64),
        pool=np.zeros(max(1, n_r), dtype=np.int64),
        keys=np.zeros(max(1, n_r), dtype=np.int64),
        cand=cand,
    )


def warm_up() -> float:
    """Compile the kernels (or load them from numba's cache) on a tiny day; returns seconds.

    The first compilation takes about 20 s, which a timed solve must not pay:
    ``make install`` runs this once, later processes load the cache in under
    a second.
    """
    from solver.problem import Request
    from solver.problem import TimeWindow
    from solver.problem import TravelMatrix
    from solver.problem import Vehicle

    started = time.monotonic()
    matrix = TravelMatrix(
        ((0, 60, 120), (60, 0, 60), (120, 60, 0)), ((0, 1, 2), (1, 0, 1), (2, 1, 0))
    )
    day = TimeWindow(0, 86_400)
    vehicles = (
        Vehicle("a", 0, 0, day, 3, fixed_cost=10),
        Vehicle("b", 2, 2, day, 3, fixed_cost=10),
    )
    requests = (Request("x", 1, 2, max_ride_seconds=600), Request("y", 2, 1))
    problem = Problem(vehicles, requests, matrix)
    layer = RuinRecreate(problem, ("x", "y"))
    plan = {"a": (Visit("x", StopKind.PICKUP), Visit("x", StopKind.DROPOFF))}
    layer.improve(plan, time.monotonic() + 0.2)
    layer.improve(plan, 0, iterations=5)
    return time.monotonic() - started
