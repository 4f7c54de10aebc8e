"""Read Li & Lim's PDPTW instances (benchmarks/README.md §2) into a Problem.

K vehicles of capacity Q from and to the depot (node 0) within its horizon,
windows on the start of service, no ride limit. The hierarchical objective
(fewest vehicles, then distance) becomes a fixed cost per used vehicle larger
than any total distance; unserved requests cost more than a vehicle.
"""

from __future__ import annotations

import re
from pathlib import Path

from solver.bench.report import SCALE
from solver.bench.report import Instance
from solver.bench.report import scaled_matrix
from solver.problem import Priority
from solver.problem import Problem
from solver.problem import Request
from solver.problem import StopKind
from solver.problem import TimeWindow
from solver.problem import TravelMatrix
from solver.problem import Vehicle
from solver.problem import Visit
from solver.problem import Weights


def read_pdptw(path: str | Path) -> Instance:
    """Parse a Li & Lim file: header ``K Q S``, then ``i x y q e l s p d`` per task."""
    path = Path(path)
    lines = [ln.split() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    fleet, capacity = int(lines[0][0]), int(lines[0][1])
    tasks = [[float(x) for x in ln] for ln in lines[1:]]
    if any(int(row[0]) != k for k, row in enumerate(tasks)):
        raise ValueError(f"{path.name}: expected tasks 0..{len(tasks) - 1} in order")
    coords = tuple((row[1], row[2]) for row in tasks)
    durations, distances = scaled_matrix(coords)

    def scaled(k: int, column: int) -> int:
        return round(tasks[k][column] * SCALE)

    requests = []
    for k, row in enumerate(tasks[1:], start=1):
        if row[7] != 0:
            continue  # a delivery (it names its pick-up); read with that pick-up
        d = int(row[8])
        requests.append(
            Request(
                id=str(k),
                pickup=k,
                dropoff=d,
                pickup_window=TimeWindow(scaled(k, 4), scaled(k, 5)),
                dropoff_window=TimeWindow(scaled(d, 4), scaled(d, 5)),
                pickup_service=scaled(k, 6),
                dropoff_service=scaled(d, 6),
                seats=int(row[3]),
            )
        )
    # Any route is shorter than visiting every node from the depot and back.
    fixed = 2 * len(tasks) * max(map(max, distances)) + 1
    horizon = TimeWindow(scaled(0, 4), scaled(0, 5))
    vehicles = tuple(
        Vehicle(id=f"v{k}", start=0, end=0, window=horizon, seats=capacity, fixed_cost=fixed)
        for k in range(1, fleet + 1)
    )
    problem = Problem(
        vehicles,
        tuple(requests),
        TravelMatrix(durations, distances),
        weights=Weights(travel_time=0, distance=1, unserved=dict.fromkeys(Priority, 10 * fixed)),
        max_seats=capacity,
    )
    visits = {int(r.pickup): Visit(r.id, StopKind.PICKUP) for r in requests}
    visits |= {int(r.dropoff): Visit(r.id, StopKind.DROPOFF) for r in requests}
    return Instance(path.stem, "pdptw", problem, coords, 0, 0, visits)


def read_pdptw_solution(path: str | Path) -> list[list[int]]:
    """A SINTEF solution file: header lines, then ``Route k : task task ...``."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*Route\s+\d+\s*:(.*)", line)
        if match:
            out.append([int(x) for x in match.group(1).split()])
    return out
