"""Trips keep their direct travel time, so reports compute extra ride time in SQL.

Written by the planner for every trip it considered; trips planned before this
revision keep it empty and count as unknown in the reports.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("trips") as batch:
        batch.add_column(sa.Column("direct_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("trips") as batch:
        batch.drop_column("direct_seconds")
