"""The office's gazetteer: a row version on places, opening hours of daycares and course sites.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("places") as batch:
        batch.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("places") as batch:
        batch.create_check_constraint(op.f("ck_places_row_version_positive"), "row_version >= 1")
        batch.alter_column("row_version", server_default=None)
    op.create_table(
        "place_opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "weekday >= 0 AND weekday <= 6", name=op.f("ck_place_opening_hours_weekday_range")
        ),
        sa.CheckConstraint(
            "closes > opens", name=op.f("ck_place_opening_hours_closes_after_opens")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["places.id"],
            name=op.f("fk_place_opening_hours_place_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_opening_hours")),
    )
    op.create_index(
        "ix_place_opening_hours_place_weekday",
        "place_opening_hours",
        ["place_id", "weekday"],
        unique=False,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_place_opening_hours_place_weekday", table_name="place_opening_hours")
    op.drop_table("place_opening_hours")
    with op.batch_alter_table("places") as batch:
        batch.drop_constraint(op.f("ck_places_row_version_positive"), type_="check")
        batch.drop_column("row_version")
