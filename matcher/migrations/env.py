"""Alembic environment: online migrations on a given connection or a URL.

``matcher.migrate`` passes a connection in ``config.attributes["connection"]``;
a developer running the ``alembic`` command gets the URL from ``alembic.ini``
or ``MATCHER_DATABASE_URL``. SQLite needs batch mode to alter tables.
"""

from __future__ import annotations

import logging.config
import os
from typing import Any
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext

import matcher.models  # noqa: F401 - registers every table on Base.metadata
from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.db import make_engine

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our TypeDecorator as its plain type, so migrations never import app types."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure_and_run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection if given, otherwise connect to the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    if config.config_file_name is not None:
        logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = os.environ.get("MATCHER_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set MATCHER_DATABASE_URL or sqlalchemy.url in alembic.ini")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _configure_and_run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported; run them on a database")
run_migrations_online()
