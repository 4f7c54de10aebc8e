"""The audit log: who changed what, when."""

from __future__ import annotations

import datetime as dt

from flask import render_template
from flask import request

from matcher.models import ActorType
from matcher.queries import overview
from web.auth import coordinator_required
from web.coordinators.blueprint import bp
from web.db import get_session
from web.settings import current_settings

AUDIT_PAGE_SIZE = 200


@bp.get("/audit")
@coordinator_required
def audit() -> str:
    """The newest entries; ``?day=2026-06-02`` shows only what was done that day."""
    day: dt.date | None
    try:
        day = dt.date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None
    session = get_session()
    entries = overview.audit_entries(
        session, day=day, limit=AUDIT_PAGE_SIZE, tz=current_settings().tz
    )
    coordinator_ids = [
        e.actor_id for e in entries if e.actor_type == ActorType.COORDINATOR and e.actor_id
    ]
    return render_template(
        "coordinators/audit.html",
        entries=entries,
        day=day,
        coordinators=overview.coordinator_names(session, coordinator_ids),
    )
