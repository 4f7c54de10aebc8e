"""The planner's entry point: ``solve(problem, params) -> Solution``.

Steps: prepare (which requests enter the model, must-serve pre-check, locks,
warm start), search (OR-Tools, possibly several processes), re-time every
route exactly with ``solver.schedule``, explain the unserved, add up the
objective, and check the plan independently before returning it.
"""

from __future__ import annotations

import time
from dataclasses import replace

from solver._ortools import SearchResult
from solver._prepare import Prepared
from solver._prepare import prepare
from solver._rr import RuinRecreate
from solver._search import Progress
from solver._search import ProgressFn
from solver._search import better_plan
from solver._search import plan_cost
from solver._search import portfolio
from solver._search import run_portfolio
from solver.check import Code
from solver.check import check
from solver.explain import explain_unserved
from solver.insertion import greedy_construct
from solver.insertion import rank_chain_insertions
from solver.insertion import rank_insertions
from solver.objective import objective_parts
from solver.params import FirstSolution
from solver.params import SolveParams
from solver.problem import Problem
from solver.problem import Visit
from solver.schedule import RouteInfeasible
from solver.schedule import schedule_route
from solver.schedule import visits_of
from solver.solution import Route
from solver.solution import Solution
from solver.solution import SolveStats

__all__ = ["Progress", "SolverError", "solve"]


class SolverError(RuntimeError):
    """The search returned a plan that the independent checker rejects (a bug)."""


def solve(
    problem: Problem, params: SolveParams | None = None, progress: ProgressFn | None = None
) -> Solution:
    """Plan the day: serve as many (priority-weighted) requests as possible, cheaply.

    Args:
        problem: The validated day to plan.
        params: Search limits and strategy (defaults: 10 s, one process).
        progress: Called with a ``Progress`` at most four times a second.

    Raises:
        ValueError: A locked route cannot be driven.
        SolverError: The plan found violates a constraint (never expected).
    """
    params = params or SolveParams()
    t0 = time.monotonic()
    prep = prepare(problem)
    result = _search(problem, prep, params, t0, progress)
    if result is None and prep.mandatory:
        # Must-serve requests that each fit alone may still not fit together.
        demoted = prep.demoted + tuple(sorted(prep.mandatory))
        prep = replace(prep, mandatory=frozenset(), demoted=demoted)
        result = _search(problem, prep, params, t0, progress)
    routes = _insert_unserved(problem, prep, _retime(problem, result))
    served = {rid for route in routes for rid in route.request_ids}
    unserved_ids = [r.id for r in problem.requests if r.id not in served]
    solution = Solution(
        routes=routes,
        unserved=explain_unserved(problem, routes, unserved_ids),
        objective=objective_parts(problem, routes),
        stats=_stats(result, t0),
        demoted=tuple(rid for rid in prep.demoted if rid not in served),
    )
    # A demoted must-serve request is unserved on purpose, and reported.
    violations = [
        v
        for v in check(problem, solution)
        if not (v.code is Code.MUST_SERVE and v.request_id in solution.demoted)
    ]
    if violations:
        lines = "; ".join(v.message for v in violations[:5])
        raise SolverError(f"planner returned an infeasible plan: {lines}")
    return solution


def _search(
    problem: Problem,
    prep: Prepared,
    params: SolveParams,
    t0: float,
    progress: ProgressFn | None,
) -> SearchResult | None:
    """Construct (large days), then run the portfolio in the remaining time."""
    budget = params.time_limit_seconds - _reserve(params, len(prep.model_ids))
    initial = None
    large = len(prep.model_ids) > params.split_above
    if large and params.first_solution is FirstSolution.AUTO and prep.initial is None:
        initial, objective = _construct(problem, prep)
        built = time.monotonic() - t0
        if progress is not None:
            progress(Progress(built, sum(len(v) for v in initial.values()) // 2, objective))
        # One member only: a second (scratch) construction would not finish in time.
        params = replace(params, members=1)
    remaining = max(0.1, budget - (time.monotonic() - t0))
    if initial is not None and remaining < len(prep.model_ids) / 400:
        # Building the OR-Tools model alone would overrun the time limit
        # (about 2 s at 800 requests): the ruin-and-recreate layer improves
        # the construction in the time that is left.
        return _polish_construction(problem, prep, params, initial, objective, t0 + budget, built)
    specs = portfolio(prep, params, remaining, initial)
    result = run_portfolio(
        problem, specs, params.workers, t0, progress, params.lns_share, params.ruin_share
    )
    if initial and result is not None:
        # The construction is already a feasible plan.
        result = replace(result, first_seconds=min(built, result.first_seconds or built))
    return result


def _polish_construction(
    problem: Problem,
    prep: Prepared,
    params: SolveParams,
    initial: dict[str, tuple[Visit, ...]],
    objective: int,
    deadline: float,
    built: float,
) -> SearchResult:
    """The construction, improved by the ruin-and-recreate layer when it is switched on."""
    plan, steps = initial, 0
    if params.ruin_share > 0 and params.solution_limit is None:
        layer = RuinRecreate(problem, prep.model_ids, prep.mandatory, prep.locked)
        plan = better_plan(problem, initial, layer.improve(initial, deadline))
        steps = layer.iterations
    if plan is not initial:
        objective = plan_cost(problem)(plan)
    return SearchResult(plan, objective, built, built, steps, "CONSTRUCTION_ONLY")


def _construct(problem: Problem, prep: Prepared) -> tuple[dict[str, tuple[Visit, ...]], int]:
    """A cheap insertion plan as the start for large days, and its objective.

    OR-Tools' parallel cheapest insertion grows much faster than the day:
    5.4 s at 400 requests and no complete plan in 60 s at 800 on the
    synthetic district, where this takes 0.25 s and 1.3 s.
    """
    modelled = set(prep.model_ids)
    routes = greedy_construct(problem)
    visits = {
        route.vehicle_id: kept
        for route in routes
        if (kept := tuple(v for v in visits_of(route) if v.request_id in modelled))
    }
    return visits, objective_parts(problem, routes).total


def _reserve(params: SolveParams, n: int) -> float:
    """Seconds kept for re-timing, explaining and checking after the search."""
    return min(0.5 * params.time_limit_seconds, 0.2 + n / 400)


def _retime(problem: Problem, result: SearchResult | None) -> tuple[Route, ...]:
    """The exact timetable of every route (OR-Tools' cumuls may still be ranges)."""
    if result is None:
        return ()
    out = []
    for vehicle in problem.vehicles:
        visits = result.routes.get(vehicle.id)
        if not visits:
            continue
        route = schedule_route(problem, vehicle, visits)
        if isinstance(route, RouteInfeasible):
            raise SolverError(f"planner returned an undrivable route: {route.message}")
        out.append(route)
    return tuple(out)


def _insert_unserved(
    problem: Problem, prep: Prepared, routes: tuple[Route, ...]
) -> tuple[Route, ...]:
    """Put back requests the search left out wherever they still fit and pay off.

    A time-limited search on a busy machine can stop before inserting every
    request (SOLVER-NOTES: plain GLS leaves riders out on 3 of 24 DARP files);
    an exact insertion check in plain Python catches those cheaply.
    """
    w = problem.weights
    served = {rid for route in routes for rid in route.request_ids}
    modelled = set(prep.model_ids)
    missing = [
        r
        for r in problem.requests
        if r.id in modelled and r.id not in served and r.companion_of is None
    ]
    for request in sorted(missing, key=lambda r: -w.penalty(r.priority)):
        companion_id = problem.companions.get(request.id)
        penalty = w.penalty(request.priority)
        if companion_id is None:
            options = rank_insertions(problem, routes, request.id, limit=1)
        elif companion_id in modelled and companion_id not in served:
            # A chain goes in whole or not at all.
            options = rank_chain_insertions(problem, routes, request.id, limit=1)
            penalty += w.penalty(problem.request_by_id[companion_id].priority)
        else:
            continue
        if not options:
            continue
        best = options[0]
        used = {route.vehicle_id for route in routes}
        extra = w.travel_time * best.extra_drive_seconds + w.distance * best.extra_distance_metres
        if best.vehicle_id not in used:
            extra += problem.vehicle_by_id[best.vehicle_id].fixed_cost
        if extra < penalty:
            others = tuple(r for r in routes if r.vehicle_id != best.vehicle_id)
            routes = _in_vehicle_order(problem, (*others, best.route))
    return routes


def _in_vehicle_order(problem: Problem, routes: tuple[Route, ...]) -> tuple[Route, ...]:
    order = {v.id: k for k, v in enumerate(problem.vehicles)}
    return tuple(sorted(routes, key=lambda r: order[r.vehicle_id]))


def _stats(result: SearchResult | None, t0: float) -> SolveStats:
    wall = time.monotonic() - t0
    if result is None:
        return SolveStats(status="no_plan", wall_seconds=wall)
    return SolveStats(
        status=result.status,
        wall_seconds=wall,
        first_solution_seconds=result.first_seconds,
        best_solution_seconds=result.best_seconds,
        iterations=result.iterations,
    )
