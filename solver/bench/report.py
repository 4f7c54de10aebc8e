"""What the benchmark instances share: file nodes <-> visits, real costs, result rows, the table.

Readers give every file node its own location index equal to its node id, so a
route's stop locations are the file's node ids and the cost can be recomputed
from the real coordinates in double precision.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from solver.check import check
from solver.problem import Problem
from solver.problem import Visit
from solver.schedule import RouteInfeasible
from solver.schedule import schedule_route
from solver.solution import ObjectiveParts
from solver.solution import Route
from solver.solution import Solution
from solver.solution import SolveStats
from solver.solution import Unserved
from solver.solution import UnservedReason

SCALE = 1000
"""Time and distance units per file unit: ceil on travel times, round on distances."""


@dataclass(frozen=True)
class Instance:
    """A benchmark file read into a Problem, with what is needed to report on it.

    Attributes:
        name: File stem, e.g. ``a2-16`` or ``lc101``.
        kind: ``darp`` or ``pdptw``.
        problem: The Problem the solver sees.
        coords: Coordinates per file node id.
        depot_start: Node id where routes start.
        depot_end: Node id where routes end (same place as the start).
        visits: File node id -> the pick-up or drop-off it stands for.
    """

    name: str
    kind: str
    problem: Problem
    coords: tuple[tuple[float, float], ...]
    depot_start: int
    depot_end: int
    visits: dict[int, Visit]

    def cost(self, routes: Sequence[Sequence[int]]) -> float:
        """Total Euclidean distance in double precision, depot legs included."""
        total = 0.0
        for nodes in routes:
            if not nodes:
                continue
            path = [self.depot_start, *nodes, self.depot_end]
            legs = zip(path, path[1:], strict=False)
            total += sum(_dist(self.coords[a], self.coords[b]) for a, b in legs)
        return total


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def scaled_matrix(coords: Sequence[tuple[float, float]]) -> tuple[list[list[int]], list[list[int]]]:
    """Travel times ceil(S x d) and costs round(S x d).

    A plan feasible with the rounded-up times is feasible with the real ones
    (benchmarks README §1.2).
    """
    n = len(coords)
    durations = [[0] * n for _ in range(n)]
    distances = [[0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j:
                d = _dist(coords[i], coords[j]) * SCALE
                durations[i][j] = math.ceil(d)
                distances[i][j] = round(d)
    return durations, distances


def routes_of(solution: Solution) -> list[list[int]]:
    """Per used vehicle, the file node ids in visiting order (depots left out)."""
    return [
        [s.location for s in r.stops if s.request_id is not None]
        for r in solution.routes
        if r.request_ids
    ]


def solution_from_nodes(instance: Instance, routes: Sequence[Sequence[int]]) -> Solution:
    """A Solution for given node routes (e.g. a best-known file), timed by ``schedule_route``.

    Raises ValueError if a route cannot be timed or there are more routes than vehicles.
    """
    problem = instance.problem
    if len(routes) > len(problem.vehicles):
        raise ValueError(f"{len(routes)} routes for {len(problem.vehicles)} vehicles")
    timed: list[Route] = []
    for vehicle, nodes in zip(problem.vehicles, routes, strict=False):
        result = schedule_route(problem, vehicle, [instance.visits[n] for n in nodes])
        if isinstance(result, RouteInfeasible):
            raise ValueError(
                f"{instance.name}: route {list(nodes)} is infeasible: {result.message}"
            )
        timed.append(result)
    served = {rid for r in timed for rid in r.request_ids}
    unserved = tuple(
        Unserved(r.id, UnservedReason.CONFLICT) for r in problem.requests if r.id not in served
    )
    return Solution(tuple(timed), unserved, ObjectiveParts(), SolveStats("given", 0.0))


@dataclass(frozen=True)
class Result:
    """One solved instance, as written to the JSON."""

    name: str
    cost: float
    vehicles: int
    feasible: bool
    served: int
    requests: int
    seconds: float
    routes: list[list[int]]
    violations: list[str]
    unserved: dict[str, str]


def evaluate(instance: Instance, solution: Solution, seconds: float) -> Result:
    """Check the solution independently and recompute its real cost."""
    routes = routes_of(solution)
    violations = check(instance.problem, solution)
    return Result(
        name=instance.name,
        cost=round(instance.cost(routes), 6),
        vehicles=len(routes),
        feasible=not violations,
        served=len(solution.served_ids),
        requests=len(instance.problem.requests),
        seconds=round(seconds, 3),
        routes=routes,
        violations=[v.message for v in violations[:20]],
        unserved={u.request_id: str(u.reason) for u in solution.unserved},
    )


def read_bks(path: Path) -> dict[str, dict[str, str]]:
    """bks.csv rows by instance name."""
    with path.open(newline="", encoding="utf-8") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


def table(results: Sequence[Result], bks: dict[str, dict[str, str]], kind: str) -> str:
    """A Markdown table with the gap to the best-known result, and the mean gap."""
    if kind == "pdptw":
        return _pdptw_table(results, bks)
    lines = [
        "| instance | served | feasible | cost | best known | gap % | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    gaps = []
    for r in results:
        best = float(bks[r.name]["bks"]) if r.name in bks else math.nan
        gap = 100.0 * (r.cost - best) / best if r.served == r.requests else math.nan
        if not math.isnan(gap):
            gaps.append(gap)
        lines.append(
            f"| {r.name} | {r.served}/{r.requests} | {'yes' if r.feasible else 'NO'} "
            f"| {r.cost:.2f} | {best:.2f} | {_fmt(gap)} | {r.seconds:.1f} |"
        )
    mean = sum(gaps) / len(gaps) if gaps else math.nan
    lines.append(f"\nMean gap over {len(gaps)} fully served instances: {_fmt(mean)} %")
    return "\n".join(lines)


def _pdptw_table(results: Sequence[Result], bks: dict[str, dict[str, str]]) -> str:
    lines = [
        "| instance | served | feasible | vehicles | bks vehicles | distance | bks distance "
        "| gap % | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    gaps, equal = [], 0
    for r in results:
        row = bks.get(r.name, {})
        bv = int(row.get("bks_vehicles", 0)) or None
        bd = float(row.get("bks_distance", "nan"))
        same = r.vehicles == bv and r.served == r.requests
        gap = 100.0 * (r.cost - bd) / bd if same else math.nan
        if same:
            equal += 1
            gaps.append(gap)
        lines.append(
            f"| {r.name} | {r.served}/{r.requests} | {'yes' if r.feasible else 'NO'} "
            f"| {r.vehicles} | {bv} | {r.cost:.2f} | {bd:.2f} | {_fmt(gap)} | {r.seconds:.1f} |"
        )
    mean = sum(gaps) / len(gaps) if gaps else math.nan
    lines.append(
        f"\nBest-known vehicle count on {equal}/{len(results)} instances; "
        f"mean distance gap at equal count: {_fmt(mean)} %"
    )
    return "\n".join(lines)


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "-"
    return "0.00" if abs(x) < 0.005 else f"{x:+.2f}"
