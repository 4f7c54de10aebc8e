"""Network partners: organisations, their staff's accounts and links; riders name their partner.

A coordinator creates partner organisations (counselling centre, job centre, employment
agency, course provider, employer, volunteer group) and invites their staff, who log in
like office accounts (password set through an e-mailed link, a session version that
logout raises) and see only the riders whose ``partner_id`` is their organisation's.
The audit log gets the actor type ``partner``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR_CHECK = "ck_audit_log_actor_type"
ACTORS = ("system", "coordinator", "driver", "rider")
KINDS = (
    "counselling_centre",
    "job_centre",
    "employment_agency",
    "course_provider",
    "employer",
    "volunteer_group",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _account_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "partner_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", _enum("partner_kind", KINDS), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        *_account_columns(),
        sa.CheckConstraint(
            "length(name) > 0", name=op.f("ck_partner_organisations_name_not_empty")
        ),
        sa.CheckConstraint(
            "row_version >= 1", name=op.f("ck_partner_organisations_row_version_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_partner_organisations_name")),
    )
    op.create_table(
        "partner_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("session_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        *_account_columns(),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_partner_staff_name_not_empty")),
        sa.CheckConstraint("row_version >= 1", name=op.f("ck_partner_staff_row_version_positive")),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner_organisations.id"],
            name=op.f("fk_partner_staff_partner_id_partner_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_staff")),
        sa.UniqueConstraint("email", name=op.f("uq_partner_staff_email")),
    )
    op.create_index(
        op.f("ix_partner_staff_partner_id"), "partner_staff", ["partner_id"], unique=False
    )
    op.create_table(
        "partner_staff_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("purpose", _enum("token_purpose", ("invite", "reset")), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_partner_staff_tokens_expires_after_created")
        ),
        sa.CheckConstraint(
            "length(token_hash) = 64", name=op.f("ck_partner_staff_tokens_token_hash_sha256")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["partner_staff.id"],
            name=op.f("fk_partner_staff_tokens_staff_id_partner_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_staff_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_partner_staff_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_partner_staff_tokens_staff_id"), "partner_staff_tokens", ["staff_id"], unique=False
    )
    with op.batch_alter_table("riders") as batch:
        batch.add_column(sa.Column("partner_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_riders_partner_id_partner_organisations"),
            "partner_organisations",
            ["partner_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.create_index(op.f("ix_riders_partner_id"), "riders", ["partner_id"], unique=False)
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f(ACTOR_CHECK), type_="check")
        batch.create_check_constraint(op.f(ACTOR_CHECK), _in("actor_type", (*ACTORS, "partner")))


def downgrade() -> None:
    """Revert this revision (the partners' audit entries go with them)."""
    op.execute("DELETE FROM audit_log WHERE actor_type = 'partner'")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f(ACTOR_CHECK), type_="check")
        batch.create_check_constraint(op.f(ACTOR_CHECK), _in("actor_type", ACTORS))
    op.drop_index(op.f("ix_riders_partner_id"), table_name="riders")
    with op.batch_alter_table("riders") as batch:
        batch.drop_constraint(
            op.f("fk_riders_partner_id_partner_organisations"), type_="foreignkey"
        )
        batch.drop_column("partner_id")
    op.drop_index(op.f("ix_partner_staff_tokens_staff_id"), table_name="partner_staff_tokens")
    op.drop_table("partner_staff_tokens")
    op.drop_index(op.f("ix_partner_staff_partner_id"), table_name="partner_staff")
    op.drop_table("partner_staff")
    op.drop_table("partner_organisations")
