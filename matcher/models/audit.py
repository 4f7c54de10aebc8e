"""The audit log: who changed what, when. Append-only by convention.

Actors and entities are referenced by type and id, not by foreign key: an
entry must outlive the row it describes (an erased rider, a deleted plan).
``details`` holds what changed, never personal data beyond ids.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from matcher.clock import utcnow
from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.models.common import enum_type


class ActorType(StrEnum):
    """Who acted."""

    SYSTEM = "system"
    COORDINATOR = "coordinator"
    DRIVER = "driver"
    RIDER = "rider"
    PARTNER = "partner"
    """A partner organisation's staff member."""


class AuditEntry(Base):
    """One recorded action."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.CheckConstraint("actor_type = 'system' OR actor_id IS NOT NULL", name="actor_has_id"),
        sa.CheckConstraint("length(action) > 0", name="action_not_empty"),
        sa.Index("ix_audit_log_entity", "entity_type", "entity_id"),
        sa.Index("ix_audit_log_actor", "actor_type", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_type: Mapped[ActorType] = mapped_column(enum_type(ActorType, "actor_type"))
    actor_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(sa.String(60))
    """Dotted verb, e.g. ``plan.publish``, ``trip.move``, ``rider.erase``."""
    entity_type: Mapped[str] = mapped_column(sa.String(40))
    entity_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    def __repr__(self) -> str:
        return (
            f"<AuditEntry {self.at:%Y-%m-%d %H:%M} {self.actor_type}:{self.actor_id} {self.action}>"
        )
