"""Riders keep the random half of their personal link, so the office can send it again.

The token is an HMAC of ``link_nonce`` under the instance's secret key; riders already in
the table keep ``link_nonce`` empty: their link works as before but can only be replaced.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("riders") as batch:
        batch.add_column(sa.Column("link_nonce", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("link_issued_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("riders") as batch:
        batch.drop_column("link_issued_at")
        batch.drop_column("link_nonce")
