"""Office and driver accounts get a session version, so logging out ends every copy of a session.

A session cookie names the account and the version it was made under; logging out or
setting a new password raises the version, and a cookie saved before (a copied cookie,
a remember-me cookie on another device) no longer opens anything.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 22:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("coordinators", "drivers")


def upgrade() -> None:
    """Apply this revision."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("session_version", sa.Integer(), nullable=False, server_default="0")
            )


def downgrade() -> None:
    """Revert this revision."""
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("session_version")
