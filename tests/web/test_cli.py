"""The set-up commands: migrate + demo district, idempotent; db upgrade/downgrade; create-admin."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from matcher import migrate
from web import create_app
from web.db import get_engine


def make_app(url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app({"TESTING": True, "DATABASE_URL": url}, instance_path=str(tmp_path / "i"))


def table_counts(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with app.app_context(), get_engine().connect() as conn:
        return {
            table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("places", "riders", "ride_needs", "drivers", "coordinators", "day_plans")
        }


def test_setup_migrates_loads_the_demo_and_prints_logins(
    fresh_database_url: str, tmp_path: Path
) -> None:
    app = make_app(fresh_database_url, tmp_path)
    result = app.test_cli_runner().invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert f"revision {migrate.head()}" in result.output
    assert "coordinator@demo.mitfahrnetz.invalid / password:" in result.output
    counts = table_counts(app)
    assert counts["riders"] == 80
    assert counts["drivers"] == 20
    assert "A made-up past for the reports: 84 days" in result.output
    assert counts["day_plans"] >= 70  # published days for the reports to show


def test_setup_twice_changes_nothing_and_still_prints_logins(
    fresh_database_url: str, tmp_path: Path
) -> None:
    app = make_app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["setup"])
    before = table_counts(app)
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0, second.output
    assert "already loaded; nothing changed" in second.output
    assert table_counts(app) == before
    login_lines = [line for line in first.output.splitlines() if "password:" in line]
    assert login_lines and all(line in second.output for line in login_lines)


def test_setup_without_demo_leaves_the_database_empty(
    fresh_database_url: str, tmp_path: Path
) -> None:
    app = make_app(fresh_database_url, tmp_path)
    result = app.test_cli_runner().invoke(args=["setup", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert table_counts(app)["riders"] == 0


def test_db_upgrade_and_downgrade_commands(fresh_database_url: str, tmp_path: Path) -> None:
    app = make_app(fresh_database_url, tmp_path)
    runner = app.test_cli_runner()
    assert f"revision {migrate.head()}" in runner.invoke(args=["db", "upgrade"]).output
    assert runner.invoke(args=["db", "current"]).output.strip() == migrate.head()
    assert "revision None" in runner.invoke(args=["db", "downgrade", "--revision", "base"]).output
    with app.app_context():
        assert migrate.current(get_engine()) is None


def test_create_admin_makes_an_admin_who_can_log_in(runner, session) -> None:  # type: ignore[no-untyped-def]
    from matcher.models import Coordinator
    from matcher.security import verify_password

    result = runner.invoke(
        args=["create-admin", "--email", "chef@example.org", "--name", "Chefin"],
        input="a-long-passphrase\na-long-passphrase\n",
    )
    assert result.exit_code == 0, result.output
    admin = session.scalars(
        sa.select(Coordinator).where(Coordinator.email == "chef@example.org")
    ).one()
    assert admin.is_admin
    assert verify_password(admin.password_hash, "a-long-passphrase")
