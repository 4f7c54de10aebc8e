"""A large-neighbourhood layer around OR-Tools: re-solve a few neighbouring routes at a time.

On the full model every OR-Tools descent scans all pairs of visits, so on a
day of 60-100 requests the metaheuristic gets only a handful of iterations in
10 s. Here two to four routes that lie close together (and some unserved
requests) form a small model, which OR-Tools re-solves in a fraction of a
second, half the time from their current order (GLS) and half from scratch
(ILS); with fixed vehicle costs some groups must do without the shortest
route's vehicle, or its requests are inserted into the others (route
elimination). The result replaces those routes only if the whole plan's
objective (``objective_parts``, extra ride time included) gets better, so the
plan stays feasible throughout.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace

from solver._ortools import SearchSpec
from solver._ortools import run_search
from solver._prepare import timing_possible
from solver.insertion import rank_insertions
from solver.params import FirstSolution
from solver.problem import Problem
from solver.problem import Visit
from solver.schedule import RouteInfeasible
from solver.schedule import schedule_route
from solver.schedule import visits_of
from solver.solution import Route

SUB_SECONDS = (0.1, 0.2, 0.3)
"""Time limits for one group's re-solve, drawn at random."""

SCRATCH = 0.5
"""Share of re-solves that rebuild the group with ILS from scratch (the rest: GLS from it)."""

_FIRST_PLANS = (FirstSolution.PARALLEL, FirstSolution.LOCAL)

Plan = dict[str, tuple[Visit, ...]]
CostFn = Callable[[tuple[Route, ...]], int]


class Neighbourhoods:
    """Improves a plan by re-solving small groups of close routes until a deadline."""

    def __init__(self, problem: Problem, base: SearchSpec, cost: CostFn, seed: int = 0) -> None:
        self.problem, self.base, self.cost = problem, base, cost
        self.rng = random.Random(seed)
        self.modelled = set(base.request_ids)
        self.routes: dict[str, Route] = {}
        self.iterations = 0
        self.improvements = 0

    def run(self, plan: Plan, deadline: float, on_improve: Callable[[Plan], None]) -> Plan:
        """Return the best plan found before ``deadline`` (monotonic seconds)."""
        self.routes = {vid: self._timed(vid, visits) for vid, visits in plan.items() if visits}
        best = self.cost(tuple(self.routes.values()))
        while time.monotonic() < deadline - 0.05:
            group, vehicles = self._group()
            if not group:
                break
            if vehicles != group and self.rng.random() < 0.5:
                candidate = self._reinsert(group[0], vehicles)
            else:
                candidate = self._resolve(group, vehicles, deadline)
            self.iterations += 1
            if candidate is None:
                continue
            trial = {vid: r for vid, r in self.routes.items() if vid not in group} | candidate
            total = self.cost(tuple(trial.values()))
            if total < best:
                best, self.routes = total, trial
                self.improvements += 1
                on_improve(self.plan())
        return self.plan()

    def plan(self) -> Plan:
        return {vid: visits_of(r) for vid, r in self.routes.items()}

    def _timed(self, vid: str, visits: tuple[Visit, ...]) -> Route:
        route = schedule_route(self.problem, self.problem.vehicle_by_id[vid], visits)
        if isinstance(route, RouteInfeasible):
            raise AssertionError(f"LNS got an undrivable route: {route.message}")
        return route

    def _group(self) -> tuple[list[str], list[str]]:
        """Routes to re-solve (a seed and the closest ones) and the vehicles to use.

        With fixed vehicle costs a third of the groups start from the
        shortest route and may not use its vehicle: the way to empty a route,
        which OR-Tools' moves rarely manage (Li & Lim vehicle counts).
        """
        used = [vid for vid, r in self.routes.items() if r.request_ids]
        if not used:
            return [], []
        fixed = any(self.problem.vehicle_by_id[v].fixed_cost for v in used)
        free = [vid for vid in used if vid not in (self.base.locked or {})]
        eliminate = fixed and free and len(used) > 1 and self.rng.random() < 1 / 3
        if eliminate:
            seed = min(free, key=lambda vid: (len(self.routes[vid].request_ids), vid))
        else:
            seed = self.rng.choice(used)
        idle = [v.id for v in self.problem.vehicles if v.id not in used]
        others = sorted(
            (vid for vid in used if vid != seed), key=lambda vid: self._distance(seed, vid)
        )
        size = self.rng.choice((2, 3, 3, 4))
        group = [seed, *others[: size - 1]]
        if eliminate:
            return group, group[1:]
        if idle and self.rng.random() < 0.3:
            group.append(self.rng.choice(idle))
        return group, group

    def _reinsert(self, seed: str, into: list[str]) -> dict[str, Route] | None:
        """Empty route ``seed`` by inserting its requests one by one into ``into``."""
        routes = {vid: self.routes[vid] for vid in into if vid in self.routes}
        for rid in self.routes[seed].request_ids:
            others = [r for vid, r in self.routes.items() if vid not in routes and vid != seed]
            options = rank_insertions(self.problem, [*others, *routes.values()], rid, limit=5)
            fit = next((o for o in options if o.vehicle_id in routes), None)
            if fit is None:
                return None
            routes[fit.vehicle_id] = fit.route
        return routes

    def _distance(self, a: str, b: str) -> float:
        """Mean travel time from each stop of route ``a`` to the nearest stop of ``b``."""
        dur = self.problem.matrix.durations
        la = [s.location for s in self.routes[a].stops[1:-1]]
        lb = [s.location for s in self.routes[b].stops[1:-1]]
        return sum(min(dur[x][y] for y in lb) for x in la) / max(1, len(la))

    def _resolve(
        self, group: list[str], vehicles: list[str], deadline: float
    ) -> dict[str, Route] | None:
        """Re-solve the group's requests (plus a few unserved) on the given vehicles."""
        served = {rid for r in self.routes.values() for rid in r.request_ids}
        ids = [rid for vid in group if vid in self.routes for rid in self.routes[vid].request_ids]
        horizon = max(self.problem.vehicle_by_id[v].window.latest for v in vehicles)
        spare = [
            r.id
            for r in self.problem.requests
            if r.id in self.modelled
            and r.id not in served
            and r.locked_vehicle in (None, *vehicles)
            and timing_possible(r, horizon)
        ]
        ids += self.rng.sample(spare, min(len(spare), 10))
        current = {vid: visits_of(self.routes[vid]) for vid in vehicles if vid in self.routes}
        scratch = self.rng.random() < SCRATCH or vehicles != group
        # Larger groups need longer; a scratch run also varies its first plan.
        seconds = self.rng.choice(SUB_SECONDS) * max(1.0, len(ids) / 15)
        spec = replace(
            self.base,
            request_ids=tuple(ids),
            vehicle_ids=tuple(vehicles),
            mandatory=self.base.mandatory & set(ids),
            initial=None if scratch else current,
            first_solution=self.rng.choice(_FIRST_PLANS) if scratch else self.base.first_solution,
            locked={v: x for v, x in (self.base.locked or {}).items() if v in vehicles} or None,
            time_limit=min(seconds, deadline - time.monotonic()),
            solution_limit=None,
        )
        if spec.time_limit <= 0.05:
            return None
        result = run_search(self.problem, spec)
        if result is None:
            return None
        return {vid: self._timed(vid, visits) for vid, visits in result.routes.items()}
