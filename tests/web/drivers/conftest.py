"""Driver-area fixtures: a frozen clock and log-in (portal); the gazetteer is in tests/web."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)  # Monday 1 June 2026, 10:00 in Berlin


@pytest.fixture()
def frozen() -> Iterator[time_machine.Traveller]:
    """The clock stands at ``NOW`` (ticking, so sessions and CSRF tokens behave)."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture()
def english(client):  # type: ignore[no-untyped-def]
    """Pages in English (the source language the tests read), whatever catalogs exist."""
    client.set_cookie("lang", "en")
    return client


def log_in(client, kind: str, account_id: int) -> None:  # type: ignore[no-untyped-def]
    """Put an account into the client's session as Flask-Login does."""
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = f"{kind}:{account_id}"
        flask_session["_fresh"] = True
