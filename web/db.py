"""One SQLAlchemy session per request, kept in ``g``; the request's unit of work commits once."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from matcher.db import make_engine
from matcher.db import make_session_factory
from web.read_snapshots import attach


def init_app(app: Flask) -> None:
    """Create the engine and session factory for ``app`` and close sessions on teardown."""
    engine = make_engine(
        app.config["DATABASE_URL"],
        echo=app.config.get("SQLALCHEMY_ECHO", False),
        pool_pre_ping=app.config.get("DATABASE_POOL_PRE_PING", True),
    )
    app.extensions["matcher.engine"] = engine
    app.extensions["matcher.sessions"] = make_session_factory(engine)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    """The current app's engine."""
    engine: Engine = current_app.extensions["matcher.engine"]
    return engine


def session_factory() -> sessionmaker[Session]:
    """The current app's session factory (for work outside a request, e.g. jobs)."""
    factory: sessionmaker[Session] = current_app.extensions["matcher.sessions"]
    return factory


def get_session() -> Session:
    """The session of the current request, created on first use."""
    if "db_session" not in g:
        g.db_session = session_factory()()
        if has_request_context():
            _keep_reads(g.db_session)
            if request.method not in ("GET", "HEAD"):
                sa.event.listen(g.db_session, "after_commit", _note_commit)
    session: Session = g.db_session
    return session


def _keep_reads(session: Session) -> None:
    """A form request's session keeps its reads; the held re-run may answer from them."""
    from web import outages

    kept = outages.snapshots()
    if kept is not None and (outages.records_reads() or outages.replays_reads()):
        attach(session, kept, replay=outages.replays_reads())


def _note_commit(session: Session) -> None:
    g.db_committed = True


def committed() -> bool:
    """Whether this request's session has committed (what came before an error is stored)."""
    return bool(g.get("db_committed"))


def discard_session() -> None:
    """Roll back and close this request's session; the next ``get_session`` opens a new one."""
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    with contextlib.suppress(SQLAlchemyError):  # its connection is gone: nothing to roll back
        session.rollback()
    session.close()


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()
