"""Driver-area fixtures: gazetteer places (registration), a frozen clock and log-in (portal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from matcher.models import PlaceKind
from tests.factories import make_gazetteer_place

NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)  # Monday 1 June 2026, 10:00 in Berlin


@pytest.fixture()
def gazetteer(session):  # type: ignore[no-untyped-def]
    """A village, a town, an employer, a course site and a daycare."""
    return {
        "village": make_gazetteer_place(
            session, name="Clenze", municipality="Clenze", postcode="29459"
        ),
        "town": make_gazetteer_place(
            session,
            kind=PlaceKind.TOWN,
            name="Lüchow (Wendland)",
            municipality="Lüchow (Wendland)",
            postcode="29439",
        ),
        "employer": make_gazetteer_place(
            session, kind=PlaceKind.EMPLOYER, name="Pflegezentrum am Drawehn"
        ),
        "course": make_gazetteer_place(session, kind=PlaceKind.COURSE_SITE, name="KVHS Lüchow"),
        "daycare": make_gazetteer_place(session, kind=PlaceKind.DAYCARE, name="Kita Sonnenschein"),
    }


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
