"""Database plumbing: declarative base, engine and session factories, unit of work.

Services take a ``Session`` and flush; the caller (web request, CLI command,
scheduled job) owns the transaction and commits once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timezone-aware instant, stored in UTC on every backend.

    SQLite has no time zones; PostgreSQL's ``timestamptz`` has. Both get UTC in
    and hand back an aware UTC ``datetime``; naive values are refused, because a
    naive local time is ambiguous on the day clocks go back.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Store an aware instant as UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: store timezone-aware instants")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Read an instant back as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite turn on foreign keys and a busy timeout.

    Connections are tested when taken from the pool (``pool_pre_ping``): after a
    database restart a pooled connection is dead, and without the test the first
    request on each one fails.
    """
    kwargs.setdefault("pool_pre_ping", True)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` says the database could not be reached, not that a statement was wrong.

    A refused or dropped connection (``OperationalError``, or any DBAPI error on which
    SQLAlchemy invalidated the connection), a server shutting down, and a pool with no
    connection to give in time (``sqlalchemy.exc.TimeoutError``). Trying again later
    can succeed; a constraint violation or a programming error never will.
    """
    if isinstance(error, sa.exc.TimeoutError):
        return True
    if isinstance(error, sa.exc.DBAPIError):
        return bool(error.connection_invalidated) or isinstance(
            error, sa.exc.OperationalError | sa.exc.InterfaceError
        )
    return False


def connection_dropped(error: BaseException) -> bool:
    """Whether ``error`` is a connection lost in use (SQLAlchemy invalidated it): retry may work."""
    return isinstance(error, sa.exc.DBAPIError) and bool(error.connection_invalidated)


SessionFactory = Callable[[], Session]
"""What jobs are handed to open their own sessions (a ``sessionmaker`` is one)."""


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory that keeps objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
