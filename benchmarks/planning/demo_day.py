"""Benchmark (not a test): plan the busiest day of the demo district and report the figures.

Loads the demo district into a temporary SQLite database, generates the trips of
each day of the demo week, picks the day with the most trips, and runs the
planner the way the web does (``request_run`` + ``execute_run``: trips, problem,
solve in a child process, store a draft). Prints time, share served and the plan
figures.

    .venv/bin/python benchmarks/planning/demo_day.py [--seconds 20] [--workers 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from matcher import migrate
from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.demand.shifts import driver_shifts
from matcher.demand.trips import generate_trips
from matcher.demo import load_demo
from matcher.jobs.planner_runs import execute_run
from matcher.models import DayPlan
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.planning.runs import request_run
from matcher.planning.runs import run_status
from matcher.queries.figures import plan_figures
from matcher.settings import Settings


def main() -> None:
    """Load the demo district, plan its days and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="planner time limit")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--language-weight", type=int, default=Settings.language_mismatch_weight)
    parser.add_argument("--workload-weight", type=int, default=Settings.workload_weight)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 6, 3))
    args = parser.parse_args()
    settings = Settings(
        planner_time_limit_seconds=args.seconds,
        planner_workers=args.workers,
        language_mismatch_weight=args.language_weight,
        workload_weight=args.workload_weight,
    )
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as session:
            load_demo(session, today=args.today)
            session.commit()
        monday = args.today - dt.timedelta(days=args.today.weekday())
        counts = {}
        with factory() as session:
            for k in range(7):
                day = monday + dt.timedelta(days=k)
                generate_trips(session, day, settings)
                counts[day] = session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Trip)
                    .where(Trip.day == day, Trip.status != TripStatus.CANCELLED)
                )
            session.commit()
            busiest = max(counts, key=lambda d: (counts[d], -d.toordinal()))
            shifts = driver_shifts(session, busiest, settings)
            run = request_run(session, busiest, coordinator_id=None)
            session.commit()
            run_id = run.id
        print("trips per day:", {d.isoformat(): n for d, n in counts.items()})
        print(f"busiest day {busiest}: {counts[busiest]} trips, {len(shifts)} driver shifts")
        t0 = time.monotonic()
        execute_run(factory, run_id, settings)
        wall = time.monotonic() - t0
        with factory() as session:
            status = run_status(session, run_id)
            print(f"run {status.status} in {wall:.1f} s wall (solver limit {args.seconds} s)")
            if status.result_plan_id is None:
                print(status.message, status.message_params)
                return
            plan = session.get(DayPlan, status.result_plan_id)
            fig = plan_figures(session, plan)
            print(
                f"served {fig.served}/{fig.requests} = {fig.share_served:.1%}; "
                f"driving {fig.drive_seconds / 3600:.1f} h, {fig.distance_m / 1000:.0f} km; "
                f"mean extra ride {(fig.mean_extra_ride_seconds or 0) / 60:.1f} min; "
                f"{len(plan.routes)} drivers used; solver {plan.solver_seconds:.1f} s"
            )
            rides = [sum(s.kind == "pickup" for s in route.stops) for route in plan.routes]
            print("rides per driver:", sorted(rides, reverse=True))
            reasons = session.execute(
                sa.select(Trip.unserved_reason, sa.func.count())
                .where(Trip.day == busiest, Trip.status == TripStatus.UNSERVED)
                .group_by(Trip.unserved_reason)
            ).all()
            print("unserved by reason:", dict(reasons))


if __name__ == "__main__":
    main()
