"""Read Cordeau's DARP instances (benchmarks/README.md §1) into a Problem.

One vehicle per allowed route, from depot node 0 to depot node 2n+1, shift
[0, T] as the depot windows say, capacity Q, ride limit L, service times and
windows on the start of service; times and distances scaled by 1000 (ceil on
travel times, round on distances). The objective is distance only. Requests are
optional with a penalty far above any detour, so an unserved rider shows as such
instead of making the whole instance fail.
"""

from __future__ import annotations

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

PENALTY = 10**9
"""Per unserved request: above any plan's scaled distance (< 10^8 on these files)."""


def read_darp(path: str | Path) -> Instance:
    """Parse a Cordeau file: header ``m n T Q L``, then ``id x y d q e l`` per node."""
    path = Path(path)
    lines = [ln.split() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    m, n, horizon, capacity, ride = (int(float(x)) for x in lines[0][:5])
    nodes = [[float(x) for x in ln] for ln in lines[1 : 2 * n + 3]]
    if len(nodes) != 2 * n + 2 or any(int(row[0]) != k for k, row in enumerate(nodes)):
        raise ValueError(f"{path.name}: expected nodes 0..{2 * n + 1} in order")
    coords = tuple((row[1], row[2]) for row in nodes)
    durations, distances = scaled_matrix(coords)

    def window(k: int) -> TimeWindow:
        return TimeWindow(round(nodes[k][5] * SCALE), round(nodes[k][6] * SCALE))

    requests = tuple(
        Request(
            id=str(i),
            pickup=i,
            dropoff=n + i,
            pickup_window=window(i),
            dropoff_window=window(n + i),
            pickup_service=round(nodes[i][3] * SCALE),
            dropoff_service=round(nodes[n + i][3] * SCALE),
            seats=int(nodes[i][4]),
            max_ride_seconds=ride * SCALE,
        )
        for i in range(1, n + 1)
    )
    depot = TimeWindow(round(nodes[0][5] * SCALE), round(nodes[0][6] * SCALE))
    vehicles = tuple(
        Vehicle(
            id=f"v{k}",
            start=0,
            end=2 * n + 1,
            window=depot,
            seats=capacity,
            max_duty_seconds=horizon * SCALE,
        )
        for k in range(1, m + 1)
    )
    problem = Problem(
        vehicles,
        requests,
        TravelMatrix(durations, distances),
        weights=Weights(travel_time=0, distance=1, unserved=dict.fromkeys(Priority, PENALTY)),
        max_seats=max(capacity, 1),
    )
    visits = {i: Visit(str(i), StopKind.PICKUP) for i in range(1, n + 1)}
    visits |= {n + i: Visit(str(i), StopKind.DROPOFF) for i in range(1, n + 1)}
    return Instance(path.stem, "darp", problem, coords, 0, 2 * n + 1, visits)


def read_darp_routes(path: str | Path) -> list[list[int]]:
    """A ``.routes`` file: one route per line as node ids, depots omitted, ``#`` comments."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append([int(x) for x in line.split()])
    return out
