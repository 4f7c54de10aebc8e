"""Command-line entry points: ``flask --app web setup | db ... | demo load | create-admin``."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import FlaskGroup
from flask.cli import with_appcontext

from matcher.db import session_scope
from web.db import get_engine
from web.db import session_factory

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
demo_cli = AppGroup("demo", help="The demo district.")


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION."""
    from matcher import migrate

    migrate.upgrade(get_engine(), revision)
    click.echo(f"database at revision {migrate.current(get_engine())}")


@db_cli.command("downgrade")
@click.option("--revision", default="-1", show_default=True)
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION."""
    from matcher import migrate

    migrate.downgrade(get_engine(), revision)
    click.echo(f"database at revision {migrate.current(get_engine())}")


@db_cli.command("current")
def db_current() -> None:
    """Print the database's revision."""
    from matcher import migrate

    click.echo(migrate.current(get_engine()) or "empty (not migrated)")


@demo_cli.command("load")
def demo_load() -> None:
    """Fill an empty database with the demo district (does nothing if it is there)."""
    click.echo(load_demo_district())


DEMO_HISTORY_DAYS = 84
"""The demo district comes with twelve weeks of made-up past, so its reports show something."""


@demo_cli.command("history")
@click.option("--days", default=365, show_default=True, help="How many days back from yesterday.")
def demo_history(days: int) -> None:
    """Give the demo district a made-up past of published plans, for the reports."""
    click.echo(add_demo_history(days))


def add_demo_history(days: int) -> str:
    """Published days up to yesterday in one transaction; return what to print."""
    from matcher.clock import today
    from matcher.demo.history import add_history
    from web.settings import current_settings

    last = today(current_settings().tz) - dt.timedelta(days=1)
    first = last - dt.timedelta(days=days - 1)
    with session_scope(session_factory()) as session:
        made = add_history(session, first, last, current_settings())
    return (
        f"A made-up past for the reports: {made.days} days from {first} to {last}, "
        f"{made.trips} trips, {made.plans} published plans, {made.routes} routes."
    )


def load_demo_district() -> str:
    """Load the demo district (and its past) in one transaction each; return what to print."""
    from matcher.demo import load_demo

    with session_scope(session_factory()) as session:
        summary = load_demo(session)
    if not summary.loaded:
        return str(summary)
    return f"{summary}\n{add_demo_history(DEMO_HISTORY_DAYS)}"


@click.command("setup")
@with_appcontext
@click.option("--no-demo", is_flag=True, help="Do not load the demo district.")
def setup_command(no_demo: bool) -> None:
    """Migrate the database and load the demo district if the database is empty."""
    from matcher import migrate

    migrate.upgrade(get_engine())
    click.echo(f"database ready at revision {migrate.current(get_engine())}")
    if not no_demo:
        click.echo(load_demo_district())


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a coordinator account with the admin role."""
    from matcher.people.coordinators import create_coordinator

    with session_scope(session_factory()) as session:
        create_coordinator(session, email=email, name=name, password=password, role="admin")
    click.echo(f"admin {email} created")


@click.command("planner-worker")
@with_appcontext
@click.option("--url", default=None, help="Redis URL (default: the REDIS_URL setting).")
@click.option("--max-jobs", type=int, default=None, help="Stop after this many runs.")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def planner_worker_command(url: str | None, max_jobs: int | None, burst: bool) -> None:
    """Work the planner runs queued in Redis (PLANNER_QUEUE=redis) until stopped."""
    from matcher.jobs.planner_queue import run_worker
    from web.settings import current_settings

    settings = current_settings()
    url = url or settings.redis_url
    click.echo(f"planner worker listening on {url}")
    done = run_worker(session_factory(), settings, url, max_jobs=max_jobs, burst=burst)
    click.echo(f"planner worker done after {done} runs")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the scheduled jobs in this process (one active scheduler per database, by lease)."""
    from web.scheduler import run_blocking
    from web.settings import current_settings

    run_blocking(current_settings(), current_app.config["DATABASE_URL"])


def init_app(app: Flask) -> None:
    """Register the command groups on ``app``."""
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(setup_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(planner_worker_command)


def main() -> None:
    """The ``mitfahrnetz`` console script: the Flask CLI bound to this app."""
    from web import create_app

    FlaskGroup(create_app=create_app)()
