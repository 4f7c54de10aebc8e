"""Run Alembic programmatically on an engine: the schema belongs to the migrations.

No ``alembic.ini`` is needed at runtime; the script directory ships inside the
package. Migrations run on one of the engine's own connections, so whatever
the engine's connections set up (a PostgreSQL ``search_path`` pointing at a
per-test schema) holds for the migration too.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic ``Config`` pointing at the packaged migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


def _run(engine: Engine, action: str, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind ``engine`` up to ``revision``."""
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the database behind ``engine`` down to ``revision`` (``base`` drops everything)."""
    _run(engine, "downgrade", revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision shipped with this code."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    revision = script.get_current_head()
    assert revision is not None
    return revision
