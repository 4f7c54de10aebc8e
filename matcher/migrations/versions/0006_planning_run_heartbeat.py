"""Planner runs get a heartbeat and a failure kind, so a run whose worker died can be ended.

Runs already in the table keep ``heartbeat_at`` empty: the check falls back to when they
started (or were queued), so a run left ``running`` by an outage is ended after the limit.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:04:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAILURES = ("stopped_answering", "never_started", "worker_gone")


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("planning_runs") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column(
                "failure",
                sa.Enum(
                    *FAILURES,
                    name="planning_run_failure",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("planning_runs") as batch:
        batch.drop_constraint(op.f("ck_planning_runs_planning_run_failure"), type_="check")
        batch.drop_column("failure")
        batch.drop_column("heartbeat_at")
