"""Benchmark (not a test): each report page over a year of the demo district, SQLite and PostgreSQL.

Builds the demo district in a fresh database, gives it a year of made-up
published days (``matcher.demo.history``: trips from the demo's needs, a
published plan per day), then requests every section of the reports area for
a week, a month, a quarter and the whole year with Flask's test client (no
network), and the summary and the all-tables workbook. Per page: the median
wall time per request (after two warm-ups; it includes the database server's
work on PostgreSQL), the SQL statements per request and the HTML size.
The target is under 300 ms for every page.

    .venv/bin/python benchmarks/reports/year.py [--sqlite] [--requests 7] [--days 365]

PostgreSQL (default, ``--database-url``): a schema of its own, dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import time_machine
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matcher import migrate  # noqa: E402
from matcher.db import make_engine  # noqa: E402
from matcher.db import make_session_factory  # noqa: E402
from matcher.demo import COORDINATOR_EMAIL  # noqa: E402
from matcher.demo import load_demo  # noqa: E402
from matcher.demo.history import add_history  # noqa: E402
from matcher.models import Coordinator  # noqa: E402
from matcher.settings import Settings  # noqa: E402
from web import create_app  # noqa: E402

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
"""Tuesday 1 December 2026: the year of history runs to 30 November."""
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECTIONS = ("demand", "service", "unmet", "childcare", "volunteers")
PERIODS = {
    "week": {"period": "week", "day": "2026-11-23"},
    "month": {"period": "month", "day": "2026-11-01"},
    "quarter": {"period": "quarter", "day": "2026-10-01"},
    "year": {"period": "custom", "first": "2025-12-01", "last": "2026-11-30"},
}


@contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    """A fresh database URL: a SQLite file or a PostgreSQL schema (dropped afterwards)."""
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'year.sqlite'}"
        return
    schema = f"bench_reports_{uuid.uuid4().hex[:8]}"
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


def build(url: str, days: int) -> dict[str, Any]:
    """Migrate, load the demo district and give it ``days`` days of history up to yesterday."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    last = NOW.date() - dt.timedelta(days=1)
    started = time.perf_counter()
    with factory() as session:
        load_demo(session, today=NOW.date())
        made = add_history(session, last - dt.timedelta(days=days - 1), last, Settings())
        session.commit()
        if engine.dialect.name == "postgresql":
            session.execute(sa.text("ANALYZE"))
            session.commit()
    engine.dispose()
    return {
        "trips": made.trips,
        "plans": made.plans,
        "routes": made.routes,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    """Build, then time every page; print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite file instead of PostgreSQL")
    parser.add_argument("--database-url", default=DEFAULT_SERVER)
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with database(args) as url:
        built = build(url, args.days)
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "benchmark",
                "RATELIMIT_ENABLED": False,
                "SERVER_NAME": "localhost",
            },
            instance_path=tempfile.mkdtemp(prefix="bench-instance-"),
        )
        engine = app.extensions["matcher.engine"]
        statements = [0]
        sa.event.listen(
            engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1)
        )
        with time_machine.travel(NOW, tick=True):
            client = app.test_client()
            with make_session_factory(engine)() as session:
                coordinator = session.scalars(
                    sa.select(Coordinator).where(Coordinator.email == COORDINATOR_EMAIL)
                ).one()
                user_id = f"coordinator:{coordinator.id}:{coordinator.session_version}"
            with client.session_transaction() as flask_session:
                flask_session["_user_id"] = user_id
                flask_session["_fresh"] = True
            pages = [
                (f"{section} ({name})", f"/coordinator/reports/{section}", query)
                for name, query in PERIODS.items()
                for section in SECTIONS
            ]
            pages += [
                ("summary (month)", "/coordinator/reports/summary/de", PERIODS["month"]),
                ("summary (year)", "/coordinator/reports/summary/de", PERIODS["year"]),
                ("all tables XLSX (month)", "/coordinator/reports/export.xlsx", PERIODS["month"]),
                ("all tables XLSX (year)", "/coordinator/reports/export.xlsx", PERIODS["year"]),
            ]
            dialect = "SQLite" if args.sqlite else "PostgreSQL"
            print(
                f"{dialect}: a year of the demo district built in {built['seconds']} s: "
                f"{built['trips']} trips, {built['plans']} published plans, "
                f"{built['routes']} routes"
            )
            print(f"{'page':32} {'median ms':>10} {'max ms':>8} {'SQL':>5} {'KB':>7}")
            worst = 0.0
            for label, path, query in pages:
                for _ in range(2):
                    client.get(path, query_string=query)
                times, count, size = [], 0, 0
                for _ in range(args.requests):
                    statements[0] = 0
                    started = time.perf_counter()
                    response = client.get(path, query_string=query)
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (label, response.status_code)
                    count, size = statements[0], len(response.data)
                median = statistics.median(times)
                if "XLSX" not in label and "summary" not in label:
                    worst = max(worst, median)
                print(f"{label:32} {median:10.0f} {max(times):8.0f} {count:5d} {size / 1024:7.1f}")
            print(f"slowest section page: {worst:.0f} ms (target: under 300 ms)")


if __name__ == "__main__":
    main()
