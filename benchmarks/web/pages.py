"""Benchmark (not a test): what each page and a planner run cost, on the demo district and 5x.

Builds two districts in fresh databases: the demo district (seed 2026) and one
five times its size (the demo plus four more sets of drivers, riders and needs
from the demo's generators under seeds 2027-2030). In each it generates the
week's trips, plans the busiest day the way the office does (the "plan" click
through the web, then the planner job: its own process prepares the day and
solves it, the job stores the plan), approves and publishes that plan, and then
requests every page with Flask's test client (no network, no server): per page the CPU time of this
process per request (median of ``--requests``), the SQL statements per request
(an engine event hook), and the size of the HTML. The clock stands at a fixed
Monday (ticking), so every run sees the same days.

    .venv/bin/python benchmarks/web/pages.py [--sqlite] [--seconds 20] [--requests 15]
        [--only demo|5x] [--json out.json]

PostgreSQL (default, ``--database-url``): a schema of its own, dropped at the end.
The CPU time includes the database driver's work in this process, not the
PostgreSQL server's (with ``--sqlite`` it includes SQLite's own work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matcher import migrate  # noqa: E402
from matcher.db import make_engine  # noqa: E402
from matcher.db import make_session_factory  # noqa: E402
from matcher.demand.trips import generate_trips  # noqa: E402
from matcher.demo import COORDINATOR_EMAIL  # noqa: E402
from matcher.demo import add_people  # noqa: E402
from matcher.demo import load_demo  # noqa: E402
from matcher.jobs import planner_runs  # noqa: E402
from matcher.models import Coordinator  # noqa: E402
from matcher.models import DayPlan  # noqa: E402
from matcher.models import PlanningRun  # noqa: E402
from matcher.models import Rider  # noqa: E402
from matcher.models import Route  # noqa: E402
from matcher.models import Stop  # noqa: E402
from matcher.models import Trip  # noqa: E402
from matcher.models import TripStatus  # noqa: E402
from matcher.people.calendar_links import issue_calendar_token  # noqa: E402
from matcher.plans import lifecycle  # noqa: E402
from matcher.plans import publishing  # noqa: E402
from matcher.security import new_token  # noqa: E402
from matcher.settings import Settings  # noqa: E402
from web import create_app  # noqa: E402
from web.coordinators.queue import QUEUE_KEY  # noqa: E402

NOW = dt.datetime(2026, 6, 1, 6, 0, tzinfo=dt.UTC)
"""Monday 1 June 2026, 08:00 in Berlin."""
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
EXTRA_SEEDS = (2027, 2028, 2029, 2030)


@dataclass
class PageFigures:
    """One page's costs: medians per request."""

    page: str
    cpu_ms: float
    wall_ms: float
    queries: int
    kb: float
    status: int


@dataclass
class RunFigures:
    """From the "plan" click to the stored plan, in seconds."""

    trips: int
    requests: int
    drivers_with_shifts: int
    click: float
    preparation: float
    """The planner process from its spawn to the problem (the day's trips and matrix included)."""
    first_plan: float
    """From the planner process's spawn to its first feasible plan."""
    solver_process: float
    solver_search: float
    storing: float
    total: float
    served: int


class Recorder:
    """Stands in for the planner queue: the benchmark executes the run itself, timed."""

    def __init__(self) -> None:
        self.submitted: list[int] = []

    def submit(self, run_id: int) -> None:
        """Remember the run."""
        self.submitted.append(run_id)

    def failed(self) -> list[Any]:
        """No job has failed (the day page lists them)."""
        return []


class QueryCounter:
    """Counts SQL statements sent on an engine."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args: Any) -> None:
        self.count += 1


@contextmanager
def database(args: argparse.Namespace, label: str) -> Iterator[str]:
    """A fresh database URL: a SQLite file or a PostgreSQL schema (dropped afterwards)."""
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / f'{label}.sqlite'}"
        return
    schema = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.database_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(args.database_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def build_district(url: str, copies: int, settings: Settings) -> tuple[dt.date, dict[dt.date, int]]:
    """Migrate, load the demo (and more people), generate the week's trips; the busiest day."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    today = NOW.date()
    with factory() as session:
        load_demo(session, today=today)
        for seed in EXTRA_SEEDS[: copies - 1]:
            add_people(session, seed, today=today)
        session.commit()
    counts: dict[dt.date, int] = {}
    with factory() as session:
        for k in range(7):
            day = today + dt.timedelta(days=k)
            generate_trips(session, day, settings)
            counts[day] = int(
                session.scalar(
                    sa.select(sa.func.count())
                    .select_from(Trip)
                    .where(Trip.day == day, Trip.status != TripStatus.CANCELLED)
                )
                or 0
            )
        session.commit()
    engine.dispose()
    busiest = max(counts, key=lambda d: (counts[d], -d.toordinal()))
    return busiest, counts


def timed(box: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` that adds its wall time to ``box[name]``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            box[name] = box.get(name, 0.0) + time.perf_counter() - t0

    return wrapper


def plan_day(app: Flask, client: FlaskClient, day: dt.date, settings: Settings) -> RunFigures:
    """Click "plan" for the day, execute the run as the queue would, time each phase."""
    recorder = Recorder()
    app.extensions[QUEUE_KEY] = recorder
    t0 = time.perf_counter()
    response = client.post(f"/coordinator/days/{day.isoformat()}/plan")
    click = time.perf_counter() - t0
    assert response.status_code in (302, 303), response.status_code
    (run_id,) = recorder.submitted
    box: dict[str, float] = {}
    # The preparation and the search happen in the planner process: their times come from
    # the run's progress; only storing is timed here.
    patches = {
        "plan_in_child": planner_runs.plan_in_child,
        "store_solution": planner_runs.store_solution,
    }
    for name, fn in patches.items():
        setattr(planner_runs, name, timed(box, name, fn))
    factory = app.extensions["matcher.sessions"]
    try:
        t1 = time.perf_counter()
        planner_runs.execute_run(factory, run_id, settings)
        run_wall = time.perf_counter() - t1
    finally:
        for name, fn in patches.items():
            setattr(planner_runs, name, fn)
    with factory() as session:
        run = session.get(PlanningRun, run_id)
        assert run is not None and run.result_plan_id is not None, (run.status, run.error)
        plan = session.get(DayPlan, run.result_plan_id)
        assert plan is not None
        stats = (plan.solver_stats or {}).get("stats", {})
        progress = run.progress or {}
        shifts = len({r.driver_id for r in plan.routes})
        requests = plan.requests_total
        served = plan.requests_served
        trips = int(
            session.scalar(
                sa.select(sa.func.count())
                .select_from(Trip)
                .where(Trip.day == day, Trip.status != TripStatus.CANCELLED)
            )
            or 0
        )
    return RunFigures(
        trips=trips,
        requests=requests,
        drivers_with_shifts=shifts,
        click=round(click, 3),
        preparation=float(progress.get("prepared_seconds") or 0.0),
        first_plan=float(progress.get("first_plan_seconds") or 0.0),
        solver_process=round(box.get("plan_in_child", 0.0), 2),
        solver_search=round(float(stats.get("wall_seconds", 0.0)), 2),
        storing=round(box.get("store_solution", 0.0), 2),
        total=round(click + run_wall, 2),
        served=served,
    )


def publish_newest(app: Flask, day: dt.date, settings: Settings, actor_id: int) -> int:
    """Approve and publish the day's newest plan; its id."""
    factory = app.extensions["matcher.sessions"]
    with factory() as session:
        plan = session.scalars(
            sa.select(DayPlan).where(DayPlan.day == day).order_by(DayPlan.version.desc())
        ).first()
        assert plan is not None
        lifecycle.approve_plan(
            session, plan.id, expected_row_version=plan.row_version, actor_id=actor_id
        )
        publishing.publish(
            session,
            plan.id,
            expected_row_version=plan.row_version,
            actor_id=actor_id,
            settings=settings,
        )
        session.commit()
        return plan.id


def people_to_visit(app: Flask, plan_id: int) -> tuple[int, str, str]:
    """The busiest driver of the plan (portal, feed token) and a rider on it (personal link)."""
    factory = app.extensions["matcher.sessions"]
    with factory() as session:
        route = max(
            session.scalars(sa.select(Route).where(Route.plan_id == plan_id)),
            key=lambda r: (len(r.stops), -r.id),
        )
        feed_token = issue_calendar_token(session, route.driver_id)
        trip_id = next(s.trip_id for s in route.stops if s.trip_id is not None)
        rider = session.scalars(
            sa.select(Rider).join(Trip, Trip.rider_id == Rider.id).where(Trip.id == trip_id)
        ).one()
        token, token_hash = new_token()
        rider.token_hash = token_hash
        session.commit()
        return route.driver_id, feed_token, token


def log_in(client: FlaskClient, kind: str, account_id: int) -> None:
    """Put an account into the client's session, as a login would."""
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = f"{kind}:{account_id}"
        flask_session["_fresh"] = True


def measure(
    client: FlaskClient, counter: QueryCounter, page: str, url: str, repeats: int
) -> PageFigures:
    """Median CPU and wall time and the statements of ``repeats`` GETs (after two warm-ups)."""
    for _ in range(2):
        client.get(url)
    cpu, wall, queries = [], [], []
    size, status = 0, 0
    for _ in range(repeats):
        counter.count = 0
        c0, w0 = time.process_time(), time.perf_counter()
        response = client.get(url)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        queries.append(counter.count)
        size, status = len(response.data), response.status_code
        assert status == 200, f"{page}: {url} answered {status}"
    return PageFigures(
        page=page,
        cpu_ms=round(statistics.median(cpu) * 1000, 1),
        wall_ms=round(statistics.median(wall) * 1000, 1),
        queries=int(statistics.median(queries)),
        kb=round(size / 1024, 1),
        status=status,
    )


def bench_district(args: argparse.Namespace, label: str, copies: int) -> dict[str, Any]:
    """Build, plan, publish, then measure every page of one district."""
    settings = Settings(planner_time_limit_seconds=args.seconds, planner_workers=args.workers)
    with database(args, label) as url:
        busiest, counts = build_district(url, copies, settings)
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "benchmark",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "SERVER_NAME": "localhost",
                "PLANNER_TIME_LIMIT_SECONDS": args.seconds,
                "PLANNER_WORKERS": args.workers,
            },
            instance_path=tempfile.mkdtemp(prefix="bench-instance-"),
        )
        counter = QueryCounter(app.extensions["matcher.engine"])
        coordinator = app.test_client()
        with app.app_context():
            factory = app.extensions["matcher.sessions"]
            with factory() as session:
                coordinator_id = session.scalars(
                    sa.select(Coordinator.id).where(Coordinator.email == COORDINATOR_EMAIL)
                ).one()
        log_in(coordinator, "coordinator", coordinator_id)
        run = plan_day(app, coordinator, busiest, settings)
        plan_id = publish_newest(app, busiest, settings, coordinator_id)
        driver_id, feed_token, rider_token = people_to_visit(app, plan_id)
        driver = app.test_client()
        log_in(driver, "driver", driver_id)
        public = app.test_client()
        with app.app_context():
            stops = sa.select(sa.func.count()).select_from(Stop)
            with factory() as session:
                stop_count = session.scalar(stops)
        day, n = busiest.isoformat(), args.requests
        visits = [
            (coordinator, "coordinator dashboard", "/coordinator/", n),
            (coordinator, "coordinator day page", f"/coordinator/days/{day}", n),
            (
                coordinator,
                "coordinator plan page",
                f"/coordinator/plans/{plan_id}",
                args.plan_requests,
            ),
            (driver, "driver portal", "/driver/", n),
            (public, "calendar feed", f"/driver/calendar/{feed_token}.ics", n),
            (public, "rider form (GET)", "/register/rider", n),
            (public, "rider personal page", f"/me/{rider_token}", n),
        ]
        pages = [measure(client, counter, page, url, k) for client, page, url, k in visits]
        app.extensions["matcher.engine"].dispose()
    return {
        "district": label,
        "busiest_day": busiest.isoformat(),
        "trips_per_day": {d.isoformat(): n for d, n in counts.items()},
        "stops_in_plan": stop_count,
        "run": asdict(run),
        "pages": [asdict(p) for p in pages],
    }


def print_report(results: list[dict[str, Any]]) -> None:
    """The figures as Markdown tables (pages, then the planner run)."""
    by_label = {r["district"]: r for r in results}
    labels = list(by_label)
    head = " | ".join(f"{label}: CPU ms | queries | KB" for label in labels)
    print(f"\n| page | {head} |" + (" 5x/demo CPU |" if len(labels) == 2 else ""))
    print("|---|" + "---|---|---|" * len(labels) + ("---|" if len(labels) == 2 else ""))
    for index, page in enumerate(results[0]["pages"]):
        cells = []
        for label in labels:
            p = by_label[label]["pages"][index]
            cells.append(f"{p['cpu_ms']} | {p['queries']} | {p['kb']}")
        ratio = ""
        if len(labels) == 2:
            a, b = (by_label[label]["pages"][index]["cpu_ms"] for label in labels)
            ratio = f" {b / a:.1f} |" if a else " – |"
        print(f"| {page['page']} | " + " | ".join(cells) + " |" + ratio)
    print(
        "\n| district | busiest day | trips | served | click s | preparation s | first plan s "
        "| planner process s (search) | storing s | click to stored plan s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        x = r["run"]
        print(
            f"| {r['district']} | {r['busiest_day']} | {x['trips']} | {x['served']} | {x['click']} "
            f"| {x['preparation']} | {x['first_plan']} "
            f"| {x['solver_process']} ({x['solver_search']}) | {x['storing']} | {x['total']} |"
        )


def main() -> None:
    """Parse the options, measure the districts, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead")
    parser.add_argument("--database-url", default=DEFAULT_SERVER, help="PostgreSQL server")
    parser.add_argument("--seconds", type=int, default=20, help="planner time limit")
    parser.add_argument("--workers", type=int, default=1, help="planner processes")
    parser.add_argument("--requests", type=int, default=15, help="measured requests per page")
    parser.add_argument("--plan-requests", type=int, default=7, help="for the plan page")
    parser.add_argument("--only", choices=("demo", "5x"), help="one district only")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    districts = [("demo", 1), ("5x", 5)]
    if args.only:
        districts = [d for d in districts if d[0] == args.only]
    results = []
    with time_machine.travel(NOW, tick=True):
        for label, copies in districts:
            print(f"{label}: building and planning ...", file=sys.stderr, flush=True)
            results.append(bench_district(args, label, copies))
    print_report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
