"""The benchmark readers and checker accept the published best-known solutions at their cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from solver.bench import __main__ as cli
from solver.bench import synthetic
from solver.bench.darp import read_darp
from solver.bench.darp import read_darp_routes
from solver.bench.pdptw import read_pdptw
from solver.bench.pdptw import read_pdptw_solution
from solver.bench.report import evaluate
from solver.bench.report import read_bks
from solver.bench.report import solution_from_nodes
from solver.bench.report import table
from solver.bench.synthetic import district
from solver.check import Code
from solver.check import check
from solver.explain import explain_unserved
from solver.insertion import greedy_construct
from solver.problem import StopKind
from solver.solution import ObjectiveParts
from solver.solution import Solution
from solver.solution import SolveStats

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
DARP, PDPTW = BENCH / "darp", BENCH / "pdptw"


def test_darp_reader_maps_the_file() -> None:
    inst = read_darp(DARP / "a2-16.txt")
    p = inst.problem
    assert (len(p.vehicles), len(p.requests), p.matrix.size) == (2, 16, 34)
    v = p.vehicles[0]
    assert (v.start, v.end, v.seats, v.window.latest, v.max_duty_seconds) == (
        0,
        33,
        3,
        480_000,
        480_000,
    )
    r1 = p.request_by_id["1"]
    assert (r1.pickup, r1.dropoff, r1.seats, r1.max_ride_seconds) == (1, 17, 1, 30_000)
    assert (r1.pickup_service, r1.dropoff_service) == (3000, 3000)
    r9 = p.request_by_id["9"]  # second half: the window is on the pick-up
    assert (r9.pickup_window.earliest, r9.pickup_window.latest) == (276_000, 291_000)
    assert inst.visits[17].kind is StopKind.DROPOFF and inst.visits[17].request_id == "1"
    assert p.weights.travel_time == 0 and p.weights.distance == 1


def test_pdptw_reader_maps_the_file() -> None:
    inst = read_pdptw(PDPTW / "lc101.txt")
    p = inst.problem
    assert (len(p.vehicles), len(p.requests), p.vehicles[0].seats) == (25, 53, 200)
    assert len(inst.visits) == 106  # every task but the depot
    for r in p.requests:
        assert inst.visits[r.pickup].kind is StopKind.PICKUP
        assert inst.visits[r.dropoff].kind is StopKind.DROPOFF
    fixed = p.vehicles[0].fixed_cost
    assert fixed > sum(map(max, p.matrix.distances))
    assert all(r.max_ride_seconds is None for r in p.requests)


# every stored best-known solution: 22 DARP route files, 37 PDPTW solution files
DARP_CASES = sorted(f.stem for f in (DARP / "bks_routes").glob("*.routes"))


@pytest.mark.parametrize("name", DARP_CASES)
def test_darp_best_known_routes_are_feasible_at_the_stated_cost(name: str) -> None:
    inst = read_darp(DARP / f"{name}.txt")
    solution = solution_from_nodes(inst, read_darp_routes(DARP / "bks_routes" / f"{name}.routes"))
    result = evaluate(inst, solution, 0.0)
    assert result.feasible, result.violations
    assert result.served == result.requests
    assert result.cost == pytest.approx(float(read_bks(DARP / "bks.csv")[name]["bks"]), abs=0.01)


PDPTW_CASES = sorted(f.name.split(".")[0] for f in (PDPTW / "bks_solutions").glob("*.txt"))


@pytest.mark.parametrize("name", PDPTW_CASES)
def test_pdptw_best_known_solutions_are_feasible_at_the_stated_cost(name: str) -> None:
    inst = read_pdptw(PDPTW / f"{name}.txt")
    row = read_bks(PDPTW / "bks.csv")[name]
    solution = solution_from_nodes(inst, read_pdptw_solution(PDPTW / row["solution_file"]))
    result = evaluate(inst, solution, 0.0)
    assert result.feasible, result.violations
    assert result.served == result.requests
    assert result.vehicles == int(row["bks_vehicles"])
    assert result.cost == pytest.approx(float(row["bks_distance"]), abs=0.01)


def test_every_stored_best_known_file_is_covered() -> None:
    assert (len(DARP_CASES), len(PDPTW_CASES)) == (22, 37)


def test_a_broken_best_known_route_is_rejected() -> None:
    inst = read_darp(DARP / "a2-16.txt")
    routes = read_darp_routes(DARP / "bks_routes" / "a2-16.routes")
    routes[0] = routes[0][::-1]  # drop-offs before pick-ups
    with pytest.raises(ValueError, match="infeasible"):
        solution_from_nodes(inst, routes)


def test_checker_catches_a_tampered_bks_timetable() -> None:
    inst = read_darp(DARP / "a2-16.txt")
    solution = solution_from_nodes(inst, read_darp_routes(DARP / "bks_routes" / "a2-16.routes"))
    route = solution.routes[0]
    moved = route.stops[3].__class__(**{**route.stops[3].__dict__, "service_start": 0, "wait": 0})
    bad = route.__class__(
        **{**route.__dict__, "stops": (*route.stops[:3], moved, *route.stops[4:])}
    )
    tampered = Solution((bad, *solution.routes[1:]), (), ObjectiveParts(), SolveStats("x", 0))
    assert Code.TIMING in {v.code for v in check(inst.problem, tampered)}


def test_table_reports_gaps() -> None:
    inst = read_darp(DARP / "a2-16.txt")
    solution = solution_from_nodes(inst, read_darp_routes(DARP / "bks_routes" / "a2-16.routes"))
    text = table([evaluate(inst, solution, 1.0)], read_bks(DARP / "bks.csv"), "darp")
    assert "| a2-16 | 16/16 | yes | 294.25 | 294.25 | 0.00 |" in text
    assert "Mean gap over 1 fully served instances: 0.00 %" in text


def test_cli_writes_json_with_a_stand_in_solver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness end to end, with the best-known routes standing in for ``solve``."""
    inst = read_darp(DARP / "a2-16.txt")
    known = solution_from_nodes(inst, read_darp_routes(DARP / "bks_routes" / "a2-16.routes"))
    monkeypatch.setattr(cli, "solve", lambda problem, params: known)
    out = tmp_path / "r.json"
    cli.main(["darp", str(DARP / "a2-16.txt"), "--time-limit", "1", "--json", str(out)])
    data = json.loads(out.read_text())
    (row,) = data["instances"]
    assert row["name"] == "a2-16" and row["feasible"] and row["vehicles"] == 2
    assert row["cost"] == pytest.approx(294.25, abs=0.01)
    assert sorted(n for r in row["routes"] for n in r) == list(range(1, 33))


def test_synthetic_district_shape() -> None:
    p = district(50, seed=3)
    assert (len(p.requests), len(p.vehicles)) == (50, 10)
    outward = [r for r in p.requests if r.dropoff_window is not None]
    assert len(outward) == 25
    assert all(r.dropoff_window.latest - r.dropoff_window.earliest == 900 for r in outward)
    for r in p.requests:
        direct = p.matrix.durations[r.pickup][r.dropoff]
        assert r.max_ride_seconds == max(-(-3 * direct // 2), direct + 900)
    assert district(50, seed=3) == p  # deterministic


class _Box:
    def __init__(self) -> None:
        self.items: list[dict[str, object]] = []

    def put(self, item: dict[str, object]) -> None:
        self.items.append(item)


def test_scale_run_measures_with_a_stand_in_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    def stand_in(problem: object, params: object, progress: object) -> Solution:
        routes = greedy_construct(problem)  # type: ignore[arg-type]
        served = {rid for r in routes for rid in r.request_ids}
        missing = [r.id for r in problem.requests if r.id not in served]  # type: ignore[attr-defined]
        unserved = explain_unserved(problem, routes, missing)  # type: ignore[arg-type]
        return Solution(routes, unserved, ObjectiveParts(), SolveStats("x", 0.1, 0.05))

    monkeypatch.setattr(synthetic, "solve", stand_in)
    box = _Box()
    synthetic.measure(40, 1.0, 1, 0, box)
    (row,) = box.items
    assert row["feasible"] and row["requests"] == 40 and row["vehicles"] == 8
    assert row["first_feasible_seconds"] == 0.05
    assert 0 < row["served_share"] <= 1 and row["peak_rss_mb"] > 0
