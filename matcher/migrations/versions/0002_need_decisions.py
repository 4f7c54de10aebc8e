"""The office's decision on a need (intake): decision, decline reason, note, when; row version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECISIONS = ("accepted", "auto_accepted", "change_requested", "declined")
REASONS = ("outside_area", "not_eligible", "no_drivers", "duplicate", "other")


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("ride_needs") as batch:
        batch.add_column(
            sa.Column(
                "decision",
                sa.Enum(
                    *DECISIONS, name="need_decision", native_enum=False, create_constraint=True
                ),
                nullable=True,
            )
        )
        batch.add_column(
            sa.Column(
                "decline_reason",
                sa.Enum(*REASONS, name="decline_reason", native_enum=False, create_constraint=True),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("decision_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("ride_needs") as batch:
        batch.drop_constraint("need_decision", type_="check")
        batch.drop_constraint("decline_reason", type_="check")
        for column in (
            "row_version",
            "edited_at",
            "decided_at",
            "decision_note",
            "decline_reason",
            "decision",
        ):
            batch.drop_column(column)
