"""``python -m solver.bench darp|pdptw FILE... | scale``: solve, check, report.

Every instance goes through the same ``solve`` the service calls (no
benchmark-only solver path) and through the independent ``check``; costs are
recomputed from the files' real coordinates.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from dataclasses import asdict
from pathlib import Path
from queue import Empty
from typing import Any

from solver.bench.darp import read_darp
from solver.bench.pdptw import read_pdptw
from solver.bench.report import Instance
from solver.bench.report import Result
from solver.bench.report import evaluate
from solver.bench.report import read_bks
from solver.bench.report import table
from solver.bench.synthetic import measure
from solver.params import SolveParams
from solver.solving import solve

READERS = {"darp": read_darp, "pdptw": read_pdptw}


def _params(seconds: float, workers: int) -> SolveParams:
    return SolveParams(time_limit_seconds=seconds, workers=workers)


def run_instance(instance: Instance, seconds: float, workers: int = 1) -> Result:
    """Solve one benchmark instance and evaluate the plan."""
    started = time.monotonic()
    solution = solve(instance.problem, _params(seconds, workers))
    return evaluate(instance, solution, time.monotonic() - started)


def _files(kind: str, args: argparse.Namespace) -> None:
    results = []
    for name in args.files:
        instance = READERS[kind](name)
        result = run_instance(instance, args.time_limit, args.workers)
        results.append(result)
        print(
            f"{result.name}: cost {result.cost:.2f}, {result.vehicles} vehicles, "
            f"served {result.served}/{result.requests}, feasible {result.feasible}, "
            f"{result.seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    bks_path = Path(args.files[0]).resolve().parent / "bks.csv"
    bks = read_bks(bks_path) if bks_path.exists() else {}
    report = table(results, bks, kind)
    print(report)
    payload = {
        "kind": kind,
        "time_limit_seconds": args.time_limit,
        "workers": args.workers,
        "command": " ".join(["python -m solver.bench", *sys.argv[1:]]),
        "instances": [asdict(r) for r in results],
        "table": report,
    }
    _write(args.json, payload)


def _result(queue: Any, child: Any, seconds: float) -> dict[str, Any]:
    """The child's row; fail loudly if it died without one (instead of waiting forever)."""
    deadline = time.monotonic() + 10 * seconds + 600
    while time.monotonic() < deadline:
        try:
            row: dict[str, Any] = queue.get(timeout=1.0)
        except Empty:
            if not child.is_alive():
                raise RuntimeError(f"scale run died with exit code {child.exitcode}") from None
            continue
        child.join()
        return row
    child.terminate()
    raise RuntimeError("scale run timed out")


def _scale(args: argparse.Namespace) -> None:
    rows = []
    context = multiprocessing.get_context("spawn")
    for n in args.sizes:
        for seconds in args.time_limits:
            queue = context.Queue()
            child = context.Process(
                target=measure, args=(n, seconds, args.workers, args.seed, queue)
            )
            child.start()
            row = _result(queue, child, seconds)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    lines = [
        "| requests | vehicles | limit s | first feasible s | served | drive h | feasible "
        "| peak RSS MB (solve / workers) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['requests']} | {r['vehicles']} | {r['time_limit_seconds']:g} "
            f"| {r['first_feasible_seconds']} | {100 * r['served_share']:.1f} % "
            f"| {r['drive_hours']} | {'yes' if r['feasible'] else 'NO'} "
            f"| {r['peak_rss_mb']} / {r['peak_child_rss_mb']} |"
        )
    report = "\n".join(lines)
    print(report)
    payload = {
        "kind": "scale",
        "workers": args.workers,
        "seed": args.seed,
        "command": " ".join(["python -m solver.bench", *sys.argv[1:]]),
        "runs": rows,
        "table": report,
    }
    _write(args.json, payload)


def _write(path: str | None, payload: dict[str, Any]) -> None:
    """JSON with one line per instance or run, so files diff well."""
    if not path:
        return
    parts = []
    for key, value in payload.items():
        if isinstance(value, list):
            items = ",\n  ".join(json.dumps(v) for v in value)
            parts.append(f"{json.dumps(key)}: [\n  {items}\n ]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("{\n " + ",\n ".join(parts) + "\n}\n", encoding="utf-8")


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(prog="python -m solver.bench", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    for kind in ("darp", "pdptw"):
        s = sub.add_parser(kind, help=f"solve {kind.upper()} instance files")
        s.add_argument("files", nargs="+")
        s.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
        s.add_argument("--json", help="write the results here")
        s.add_argument("--workers", type=int, default=1)
    s = sub.add_parser("scale", help="synthetic district days of growing size")
    s.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800])
    s.add_argument("--time-limits", type=float, nargs="+", default=[10.0, 60.0])
    s.add_argument("--json", help="write the results here")
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--seed", type=int, default=0)
    return p


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    args = parser().parse_args(argv)
    if args.command == "scale":
        _scale(args)
    else:
        _files(args.command, args)


if __name__ == "__main__":
    main()
