"""Run one or several OR-Tools searches (a portfolio) and keep the best plan.

OR-Tools routing is single-threaded (SOLVER-NOTES §2), so more cores mean more
processes, each with its own start: from the earlier plan and from scratch
when re-planning, otherwise from the parallel and from the local cheapest
insertion. With one worker the members run one after another. Processes are
started with ``spawn`` so a caller's threads (web app, scheduler) are never
forked.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.queues
import queue
import time
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace

from solver._lns import Neighbourhoods
from solver._lns import Plan
from solver._ortools import OnSolution
from solver._ortools import Routes
from solver._ortools import SearchResult
from solver._ortools import SearchSpec
from solver._ortools import run_search
from solver._prepare import Prepared
from solver._rr import RuinRecreate
from solver.objective import objective_parts
from solver.params import FirstSolution
from solver.params import Metaheuristic
from solver.params import SolveParams
from solver.problem import Problem
from solver.schedule import RouteInfeasible
from solver.schedule import schedule_route
from solver.solution import Route


@dataclass(frozen=True)
class Progress:
    """What the planner has so far, for a progress display.

    Attributes:
        elapsed_seconds: Since ``solve`` was called.
        served: Requests served in the best plan so far.
        objective: Its weighted objective, unserved penalties included (OR-Tools'
            own figure while it searches, ``objective_parts`` afterwards).
    """

    elapsed_seconds: float
    served: int
    objective: int


ProgressFn = Callable[[Progress], None]

ORTOOLS_MIN_SECONDS = 2.0
ORTOOLS_SECONDS_PER_REQUEST = 0.05
"""With the ruin layer on, OR-Tools' own search gets at most max(2 s, 0.05 s per request)."""

RUIN_TEST_STEPS = 300
"""Ruin-and-recreate steps in a solution-limited (deterministic) run."""

log = logging.getLogger(__name__)


def base_spec(
    prep: Prepared, params: SolveParams, seconds: float, initial: Routes | None = None
) -> SearchSpec:
    """The main search as the parameters ask for it."""
    return SearchSpec(
        request_ids=prep.model_ids,
        mandatory=prep.mandatory,
        initial=initial,
        locked=prep.locked or None,
        time_limit=seconds,
        solution_limit=params.solution_limit,
        metaheuristic=params.metaheuristic,
        first_solution=params.first_solution,
        ruin_visits=params.ruin_visits,
        log_search=params.log_search,
    )


def portfolio(
    prep: Prepared, params: SolveParams, seconds: float, construction: Routes | None
) -> list[SearchSpec]:
    """The searches to run: warm and scratch start when re-planning, then variants."""
    base = base_spec(prep, params, seconds, construction)
    specs = []
    if prep.initial is not None and params.warm_start:
        specs.append(replace(base, initial=prep.initial))
    if not specs or params.scratch_start:
        specs.append(base)
    while len(specs) < max(params.workers, params.members):
        specs.append(_variant(base, len(specs)))
    return specs


def _variant(base: SearchSpec, k: int) -> SearchSpec:
    """Another portfolio member: the other insertion for the first plan, a larger ruin, or GLS.

    The first plan matters: on Cordeau a3-36 ILS from the parallel insertion
    (35 of 36 served) stayed at 35 riders, from the local insertion (34) it
    reached all 36 at +0.3 %. A large day's construction is kept as the start
    (OR-Tools' cheapest insertion takes 26 s at 800 requests); the member's
    ruin layer then searches with a seed of its own.
    """
    if base.initial is not None:
        return replace(base, seed=k)
    if k == 1:
        local = base.first_solution is FirstSolution.LOCAL
        other = FirstSolution.PARALLEL if local else FirstSolution.LOCAL
        return replace(base, initial=None, first_solution=other)
    if k % 2 == 1 and base.metaheuristic is Metaheuristic.ILS:
        return replace(base, ruin_visits=base.ruin_visits * 2)
    return replace(base, metaheuristic=Metaheuristic.GLS)


def run_portfolio(
    problem: Problem,
    specs: list[SearchSpec],
    workers: int,
    t0: float,
    progress: ProgressFn | None,
    lns: float = 0.0,
    ruin: float = 0.0,
) -> SearchResult | None:
    """Run the specs (in parallel up to ``workers``) and return the best result.

    Each member spends a ``ruin`` share of its time in the ruin-and-recreate
    layer and the last ``lns`` share in the large-neighbourhood layer;
    results are compared by ``objective_parts``.
    """
    report = _Throttle(progress)
    if workers == 1 or len(specs) == 1:
        results = []
        for k, spec in enumerate(specs):
            share = replace(spec, time_limit=spec.time_limit / (len(specs) - k))
            started = time.monotonic()
            results.append(_member(problem, share, t0, report.solution, lns, k, ruin))
            # Time a member did not use goes to the next one.
            spent = time.monotonic() - started
            specs[k + 1 :] = [replace(s, time_limit=s.time_limit - spent) for s in specs[k + 1 :]]
    else:
        results = _parallel(problem, specs, t0, report, lns, ruin)
    return best_of(results)


def best_of(results: list[SearchResult | None]) -> SearchResult | None:
    """The result with the lowest objective (ties: the first, i.e. the warm start).

    Its time to first solution is the earliest of all members: the caller
    had a plan from then on, whichever member produced the final one.
    """
    found = [r for r in results if r is not None]
    if not found:
        return None
    best = min(found, key=lambda r: r.objective)
    firsts = [r.first_seconds for r in found if r.first_seconds is not None]
    return replace(best, first_seconds=min(firsts, default=None))


def _parallel(
    problem: Problem,
    specs: list[SearchSpec],
    t0: float,
    report: _Throttle,
    lns: float,
    ruin: float,
) -> list[SearchResult | None]:
    """Member 0 runs here, the others in spawned processes, all to the same deadline."""
    end = time.monotonic() + specs[0].time_limit
    ctx = multiprocessing.get_context("spawn")
    channel = ctx.Queue()
    procs = [
        ctx.Process(
            target=_worker, args=(problem, spec, t0, k, channel, lns, end, ruin), daemon=True
        )
        for k, spec in enumerate(specs)
        if k > 0
    ]
    for p in procs:
        p.start()
    results: list[SearchResult | None] = [None] * len(specs)
    results[0] = _member(problem, specs[0], t0, report.solution, lns, 0, ruin)
    pending = set(range(1, len(specs)))
    grace = time.monotonic() + 5.0  # model building in a worker can overrun a little
    while pending and time.monotonic() < grace:
        try:
            k, payload = channel.get(timeout=0.2)
        except queue.Empty:
            if not any(p.is_alive() for p in procs):
                break
            continue
        results[k] = payload
        pending.discard(k)
    for p in procs:
        p.join(timeout=1)
        if p.is_alive():
            p.terminate()
    return results


def _worker(
    problem: Problem,
    spec: SearchSpec,
    t0: float,
    k: int,
    channel: multiprocessing.queues.Queue[tuple[int, SearchResult | None]],
    lns: float,
    end: float,
    ruin: float,
) -> None:
    """A spawned member: search until ``end`` (a monotonic time, system-wide on Linux)."""
    spec = replace(spec, time_limit=max(0.1, end - time.monotonic()))
    channel.put((k, _member(problem, spec, t0, None, lns, k, ruin)))


def _member(
    problem: Problem,
    spec: SearchSpec,
    t0: float,
    on_solution: OnSolution | None,
    lns: float,
    seed: int,
    ruin: float = 0.0,
) -> SearchResult | None:
    """One portfolio member: OR-Tools on the whole day, then the two improvement layers.

    ``ruin`` is the share of the member's time for the compiled
    ruin-and-recreate layer (``solver._rr``), ``lns`` the share for the
    OR-Tools large-neighbourhood layer (``solver._lns``); OR-Tools' own search
    gets the rest. A solution-limited (test) run gives the ruin layer a fixed
    number of seeded steps instead of time, so it stays deterministic.
    """
    deadline = time.monotonic() + spec.time_limit
    cost = plan_cost(problem)
    if spec.solution_limit is not None:
        lns = 0.0  # keep solution-limited (test) runs deterministic
    own = spec.time_limit * (1 - lns - ruin)
    if ruin > 0:
        # OR-Tools' search stalls after a few seconds on 60-100 requests; the
        # ruin layer makes better use of long limits.
        own = min(
            own, max(ORTOOLS_MIN_SECONDS, ORTOOLS_SECONDS_PER_REQUEST * len(spec.request_ids))
        )
    found = run_search(problem, replace(spec, time_limit=own), t0, on_solution)
    if found is None:
        return None
    best_at = [found.best_seconds]
    reported = [0.0]

    def improved(plan: Plan, _cost: int | None = None) -> None:
        now = time.monotonic() - t0
        best_at[0] = now
        # Re-timing a whole plan costs milliseconds: report at most 4 times a second.
        if on_solution is not None and now - reported[0] >= 0.25:
            reported[0] = now
            on_solution(now, sum(len(v) for v in plan.values()) // 2, cost(plan))

    plan, iterations = dict(found.routes), found.iterations
    if ruin > 0:
        layer = RuinRecreate(problem, spec.request_ids, spec.mandatory, spec.locked, seed)
        lns_part = deadline - spec.time_limit * lns
        steps = RUIN_TEST_STEPS if spec.solution_limit is not None else None
        plan = better_plan(problem, plan, layer.improve(plan, lns_part, steps, improved))
        iterations += layer.iterations
    if lns > 0:
        neighbourhoods = Neighbourhoods(problem, spec, _timed_cost(problem), seed)
        plan = neighbourhoods.run(plan, deadline, improved)
        iterations += neighbourhoods.iterations
    return replace(
        found,
        routes=plan,
        objective=cost(plan),
        best_seconds=best_at[0],
        iterations=iterations,
    )


def better_plan(problem: Problem, current: Plan, candidate: Plan) -> Plan:
    """The candidate plan if every route is drivable and it costs less, else ``current``.

    The ruin layer checks timing with its own compiled code; ``schedule_route``
    is the reference, and the full objective includes extra ride time.
    """
    for vid, visits in candidate.items():
        route = schedule_route(problem, problem.vehicle_by_id[vid], visits)
        if isinstance(route, RouteInfeasible):
            log.error("ruin-and-recreate layer returned an undrivable route: %s", route.message)
            return current
    cost = plan_cost(problem)
    return candidate if cost(candidate) < cost(current) else current


def _timed_cost(problem: Problem) -> Callable[[Sequence[Route]], int]:
    return lambda routes: objective_parts(problem, routes).total


def plan_cost(problem: Problem) -> Callable[[Routes], int]:
    """Objective of a plan given as visit lists (re-timed exactly)."""
    timed = _timed_cost(problem)

    def cost(plan: Routes) -> int:
        routes = [
            schedule_route(problem, problem.vehicle_by_id[vid], visits)
            for vid, visits in plan.items()
            if visits
        ]
        return timed([r for r in routes if not isinstance(r, RouteInfeasible)])

    return cost


class _Throttle:
    """Forwards improvements to the caller's progress function at most 4 times a second."""

    def __init__(self, progress: ProgressFn | None) -> None:
        self.progress = progress
        self.best: int | None = None
        self.last = -1.0

    def solution(self, elapsed: float, served: int, objective: int) -> None:
        if self.progress is None or (self.best is not None and objective >= self.best):
            return
        self.best = objective
        if elapsed - self.last >= 0.25:
            self.last = elapsed
            self.progress(Progress(elapsed, served, objective))
