"""``/healthz``: is the database reachable and migrated? For load balancers and monitoring."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from sqlalchemy.exc import SQLAlchemyError

from web.db import get_engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str | None], int]:
    """200 with the schema revision when the database answers, 503 otherwise."""
    try:
        with get_engine().connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        return {"status": "error", "database": type(exc).__name__, "revision": None}, 503
    return {"status": "ok", "database": "ok", "revision": revision}, 200
