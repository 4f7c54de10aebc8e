"""Shared fixtures: one database per test run, migrated once, rolled back per test.

The suite runs on SQLite by default. Set ``MATCHER_TEST_DATABASE_URL`` (for
example ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) to run it on
PostgreSQL: each run then works in a schema of its own, dropped at the end, so
two runs on one server never see each other's rows.

Set ``MATCHER_TEST_CLOCK`` to run the whole suite with the wall clock frozen
(ticking on from there): ``23:30`` is 23:30 UTC on today's UTC date (00:30 or
01:30 of the next day in Berlin), ``12:00`` noon; a full ISO instant such as
``2026-06-01T23:30:00+00:00`` works too. No test may depend on which.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.engine import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from matcher.db import make_engine

TEST_DATABASE_ENV = "MATCHER_TEST_DATABASE_URL"
TEST_CLOCK_ENV = "MATCHER_TEST_CLOCK"
_frozen_clock: list[time_machine.travel] = []


def frozen_instant(value: str) -> dt.datetime:
    """``HH:MM`` (UTC, on today's UTC date) or an ISO instant, as an aware datetime."""
    if len(value) <= 5:
        hour, minute = (int(part) for part in value.split(":"))
        return dt.datetime.now(dt.UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    instant = dt.datetime.fromisoformat(value)
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


def pytest_configure(config: pytest.Config) -> None:
    """Freeze the wall clock before collection when ``MATCHER_TEST_CLOCK`` asks for it."""
    value = os.environ.get(TEST_CLOCK_ENV)
    if value and not _frozen_clock:
        traveller = time_machine.travel(frozen_instant(value), tick=True)
        traveller.start()
        _frozen_clock.append(traveller)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Let the clock go again."""
    while _frozen_clock:
        _frozen_clock.pop().stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say in the header which instant the clock was frozen at, if any."""
    value = os.environ.get(TEST_CLOCK_ENV)
    return f"wall clock frozen at {frozen_instant(value).isoformat()} (ticking)" if value else None


class TestDatabase:
    """Creates isolated, empty databases (SQLite files or PostgreSQL schemas) on demand."""

    def __init__(self, server_url: str | None, tmp_dir: Path) -> None:
        self.server_url = server_url
        self.tmp_dir = tmp_dir
        self._schemas: list[str] = []
        self._engines: list[Engine] = []

    @property
    def is_postgres(self) -> bool:
        return self.server_url is not None and self.server_url.startswith("postgresql")

    def new_url_and_engine(
        self, label: str, *, rollback_sessions: bool = False
    ) -> tuple[str, Engine]:
        """A fresh empty database: its URL (for code that builds its own engine) and an engine.

        ``rollback_sessions`` is for the engine under the ``session`` fixture, whose
        outer transaction must really begin on SQLite. Other engines behave as the
        service's do: a SQLite transaction begins at the first write, so a session
        that reads and then writes waits for a concurrent writer instead of failing
        with "database is locked" on a stale WAL snapshot.
        """
        if not self.is_postgres:
            path = self.tmp_dir / f"{label}-{uuid.uuid4().hex[:8]}.sqlite"
            url = f"sqlite:///{path}"
            engine = make_engine(url)
            if rollback_sessions:
                use_real_sqlite_transactions(engine)
        else:
            assert self.server_url is not None
            schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:10]}"
            admin = sa.create_engine(self.server_url)
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            self._schemas.append(schema)
            url = with_search_path(self.server_url, schema)
            engine = make_engine(url)
        self._engines.append(engine)
        return url, engine

    def cleanup(self) -> None:
        for engine in self._engines:
            engine.dispose()
        if self.is_postgres and self._schemas:
            assert self.server_url is not None
            # One transaction per schema: dropping them all in one takes a lock
            # per table of every schema and exhausts max_locks_per_transaction.
            admin = sa.create_engine(self.server_url)
            for schema in self._schemas:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def use_real_sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, begin transactions (the SQLAlchemy docs' recipe).

    pysqlite starts a transaction only before a write, so the test session's outer
    ``BEGIN`` never reaches SQLite: a test's ``commit()`` (a ``RELEASE SAVEPOINT``
    of the outermost savepoint) then really commits, and rows leak into later tests.
    """

    @sa.event.listens_for(engine, "connect")
    def _no_pysqlite_begin(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _emit_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN")


def with_search_path(server_url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema`` first."""
    url = make_url(server_url)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """The factory of isolated databases for this run."""
    databases = TestDatabase(os.environ.get(TEST_DATABASE_ENV), tmp_path_factory.mktemp("db"))
    yield databases
    databases.cleanup()


@pytest.fixture(scope="session")
def _migrated(test_databases: TestDatabase) -> tuple[str, Engine]:
    from matcher import migrate

    url, engine = test_databases.new_url_and_engine("main", rollback_sessions=True)
    migrate.upgrade(engine)
    return url, engine


@pytest.fixture(scope="session")
def database_url(_migrated: tuple[str, Engine]) -> str:
    """URL of the run's database, migrated to the newest revision."""
    return _migrated[0]


@pytest.fixture(scope="session")
def engine(_migrated: tuple[str, Engine]) -> Engine:
    """Engine on the run's migrated database."""
    return _migrated[1]


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, commits included."""
    connection = engine.connect()
    outer = connection.begin()
    db_session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()


@pytest.fixture()
def fresh_engine(test_databases: TestDatabase) -> Engine:
    """An empty, unmigrated database of its own, for migration tests."""
    return test_databases.new_url_and_engine("fresh")[1]


@pytest.fixture()
def fresh_database_url(test_databases: TestDatabase) -> str:
    """URL of an empty, unmigrated database of its own (for app and CLI tests)."""
    return test_databases.new_url_and_engine("fresh")[0]


@pytest.fixture(autouse=True)
def _dispose_app_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close the pools of every engine an app made during the test (no leaked connections)."""
    import web.db

    created: list[Engine] = []

    def tracking_make_engine(url: str, **kwargs: object) -> Engine:
        engine = make_engine(url, **kwargs)  # type: ignore[arg-type]
        created.append(engine)
        return engine

    monkeypatch.setattr(web.db, "make_engine", tracking_make_engine)
    yield
    for engine in created:
        engine.dispose()


@pytest.fixture()
def app_config(database_url: str) -> dict[str, object]:
    """Configuration for a test app; tests may change it before asking for ``app``."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
        # Tests read English unless they ask for a language (the service's default is German).
        "BABEL_DEFAULT_LOCALE": "en",
    }


@pytest.fixture()
def app(app_config: dict[str, object], session: Session, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The Flask app on the run's database; every session it opens joins the test's transaction."""
    from sqlalchemy.orm import sessionmaker

    from web import create_app

    application = create_app(app_config, instance_path=str(tmp_path / "instance"))
    connection = session.connection()
    application.extensions["matcher.sessions"] = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return application


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture()
def runner(app):  # type: ignore[no-untyped-def]
    """A CLI runner of ``app``."""
    return app.test_cli_runner()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture()
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright (``playwright install`` cannot download here).

    The flags keep it off the network: this machine refuses outside connections.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
            ],
        )
        yield chromium
        chromium.close()
