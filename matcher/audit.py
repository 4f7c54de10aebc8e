"""The one way services write to the audit log (who, when, what)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from matcher.models import ActorType
from matcher.models import AuditEntry


def record(
    session: Session,
    *,
    actor_type: ActorType,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    at: dt.datetime | None = None,
    **details: object,
) -> AuditEntry:
    """Add an audit entry to the session; ``at`` defaults to now (the column's default)."""
    return _add(session, actor_type, actor_id, action, entity_type, entity_id, details, at)


def record_action(
    session: Session,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    **details: object,
) -> AuditEntry:
    """Record who did what: a coordinator, or the system when ``actor_id`` is None."""
    actor_type = ActorType.COORDINATOR if actor_id is not None else ActorType.SYSTEM
    return _add(session, actor_type, actor_id, action, entity_type, entity_id, details, None)


def _add(
    session: Session,
    actor_type: ActorType,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    details: dict[str, object],
    at: dt.datetime | None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_type=actor_type,
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=details,
    )
    if at is not None:
        entry.at = at
    session.add(entry)
    return entry
