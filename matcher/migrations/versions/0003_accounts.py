"""Office accounts: the read-only viewer role, invitations and password resets, row version.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE_CHECK = "ck_coordinators_coordinator_role"


def _roles(*roles: str) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("coordinators") as batch:
        batch.drop_constraint(op.f(ROLE_CHECK), type_="check")
        batch.create_check_constraint(op.f(ROLE_CHECK), _roles("coordinator", "admin", "viewer"))
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        batch.add_column(sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))
        batch.create_check_constraint(
            op.f("ck_coordinators_row_version_positive"), "row_version >= 1"
        )
    op.create_table(
        "coordinator_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "invite",
                "reset",
                name="coordinator_token_purpose",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "expires_at > created_at",
            name=op.f("ck_coordinator_tokens_expires_after_created"),
        ),
        sa.CheckConstraint(
            "length(token_hash) = 64", name=op.f("ck_coordinator_tokens_token_hash_sha256")
        ),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_coordinator_tokens_coordinator_id_coordinators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinator_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_coordinator_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_coordinator_tokens_coordinator_id"),
        "coordinator_tokens",
        ["coordinator_id"],
        unique=False,
    )


def downgrade() -> None:
    """Revert this revision (viewers become coordinators; invitations not taken up are lost)."""
    op.drop_index(op.f("ix_coordinator_tokens_coordinator_id"), table_name="coordinator_tokens")
    op.drop_table("coordinator_tokens")
    op.execute("UPDATE coordinators SET role = 'coordinator' WHERE role = 'viewer'")
    op.execute("DELETE FROM coordinators WHERE password_hash IS NULL")
    with op.batch_alter_table("coordinators") as batch:
        batch.drop_constraint(op.f("ck_coordinators_row_version_positive"), type_="check")
        batch.drop_column("row_version")
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
        batch.drop_constraint(op.f(ROLE_CHECK), type_="check")
        batch.create_check_constraint(op.f(ROLE_CHECK), _roles("coordinator", "admin"))
