"""The state of a draft before one edit, kept so the coordinator can undo that edit.

Every edit (move, unassign, lock, insert) stores what the plan looked like just
before it: routes with their stops and locks, the plan's figures, and the
status and unserved reason of each of the day's trips (those live on the trip,
not on the plan). ``matcher.plans.undo`` turns the newest one back into a plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from matcher.clock import utcnow
from matcher.db import Base
from matcher.db import UTCDateTime


class PlanSnapshot(Base):
    """A plan version as it was before one of its edits (newest id: the last edit)."""

    __tablename__ = "plan_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("day_plans.id", ondelete="CASCADE"), index=True
    )
    """The plan the edit produced (the draft itself, or the draft copied for it)."""
    action: Mapped[str] = mapped_column(sa.String(60), default="")
    """The edit's audit action, e.g. ``trip.move``; empty while the edit runs."""
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    """The edit's audit details (trip, drivers): what an undo button names."""
    state: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PlanSnapshot {self.id} plan {self.plan_id} {self.action}>"
