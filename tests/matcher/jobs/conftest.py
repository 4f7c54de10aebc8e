"""A session factory whose sessions join the test's transaction, for code that commits."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker


@pytest.fixture()
def session_factory(session: Session) -> sessionmaker[Session]:
    """Sessions on the test's connection: their commits are savepoints, rolled back at the end."""
    return sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
