"""One SQLAlchemy session per request, kept in ``g``; the request's unit of work commits once."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from matcher.db import make_engine
from matcher.db import make_session_factory


def init_app(app: Flask) -> None:
    """Create the engine and session factory for ``app`` and close sessions on teardown."""
    engine = make_engine(app.config["DATABASE_URL"], echo=app.config.get("SQLALCHEMY_ECHO", False))
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
    session: Session = g.db_session
    return session


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    if exc is not None:
        session.rollback()
    session.close()
