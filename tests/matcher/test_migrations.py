"""Alembic owns the schema: the migrations build exactly what the models describe, both ways."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

import matcher.models  # noqa: F401 - complete metadata
from matcher import migrate
from matcher.db import Base


def _tables(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def test_fresh_database_has_no_revision(fresh_engine: Engine) -> None:
    assert migrate.current(fresh_engine) is None


def test_upgrade_creates_every_model_table(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    assert migrate.current(fresh_engine) == migrate.head()
    assert _tables(fresh_engine) == set(Base.metadata.tables)


def test_upgrade_downgrade_round_trip(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    migrate.downgrade(fresh_engine)
    assert migrate.current(fresh_engine) is None
    assert _tables(fresh_engine) == set()
    migrate.upgrade(fresh_engine)
    assert migrate.current(fresh_engine) == migrate.head()
    assert _differences(fresh_engine) == []


def test_upgrade_twice_changes_nothing(fresh_engine: Engine) -> None:
    migrate.upgrade(fresh_engine)
    migrate.upgrade(fresh_engine)
    assert migrate.current(fresh_engine) == migrate.head()


def test_migrated_schema_matches_models(engine: Engine) -> None:
    """``alembic revision --autogenerate`` would find nothing to do."""
    assert _differences(engine) == []


def test_check_constraints_exist_after_migration(engine: Engine) -> None:
    names = {c["name"] for c in sa.inspect(engine).get_check_constraints("ride_needs")}
    assert {
        "ck_ride_needs_back_after_arrival",
        "ck_ride_needs_seats_valid",
        "ck_ride_needs_valid_until_after_from",
        "ck_ride_needs_need_status",
    } <= names
