"""Drivers' vetting as a state with a reason (pending, approved, rejected, suspended); row version.

The ``vetted`` flag becomes ``vetting_status``: vetted drivers are ``approved``, the others
``pending``. Downgrading keeps only whether a driver is approved.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("pending", "approved", "rejected", "suspended")
REASONS = (
    "no_licence",
    "no_certificate",
    "car_unsuitable",
    "outside_area",
    "not_reachable",
    "complaint",
    "documents_expired",
    "own_request",
    "other",
)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("drivers") as batch:
        batch.add_column(
            sa.Column(
                "vetting_status",
                sa.Enum(*STATES, name="driver_vetting", native_enum=False, create_constraint=True),
                nullable=False,
                server_default="pending",
            )
        )
        batch.add_column(
            sa.Column(
                "vetting_reason",
                sa.Enum(*REASONS, name="vetting_reason", native_enum=False, create_constraint=True),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("vetting_note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
    op.execute("UPDATE drivers SET vetting_status = 'approved' WHERE vetted")
    with op.batch_alter_table("drivers") as batch:
        batch.drop_constraint(op.f("ck_drivers_vetted_has_date"), type_="check")
        batch.drop_column("vetted")
        batch.create_check_constraint(
            op.f("ck_drivers_vetted_has_date"),
            "vetting_status <> 'approved' OR vetted_at IS NOT NULL",
        )
        batch.create_check_constraint(op.f("ck_drivers_row_version_positive"), "row_version >= 1")
        batch.alter_column("vetting_status", server_default=None)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("drivers") as batch:
        batch.add_column(
            sa.Column("vetted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE drivers SET vetted = (vetting_status = 'approved')")
    with op.batch_alter_table("drivers") as batch:
        batch.drop_constraint(op.f("ck_drivers_vetted_has_date"), type_="check")
        batch.drop_constraint(op.f("ck_drivers_row_version_positive"), type_="check")
        batch.drop_constraint(op.f("ck_drivers_driver_vetting"), type_="check")
        batch.drop_constraint(op.f("ck_drivers_vetting_reason"), type_="check")
        for column in ("row_version", "vetting_note", "vetting_reason", "vetting_status"):
            batch.drop_column(column)
        batch.create_check_constraint(
            op.f("ck_drivers_vetted_has_date"), "NOT vetted OR vetted_at IS NOT NULL"
        )
        batch.alter_column("vetted", server_default=None)
