"""Role checks on every coordinator URL: anonymous -> login page, drivers -> 403.

The URLs are read from the app's url_map, so a new view cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest

from web import create_app

PUBLIC_ENDPOINTS = {"coordinators.login"}
SAMPLE_ARGS = {"int": 1, "isodate": dt.date(2026, 6, 2)}


def coordinator_urls() -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route of the blueprint except the login page."""
    with TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": "sqlite://",
                "SECRET_KEY": "x",
                "SERVER_NAME": "localhost",
            },
            instance_path=str(Path(tmp) / "instance"),
        )
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("coordinators.") or rule.endpoint in PUBLIC_ENDPOINTS:
                continue
            values = {name: _sample(conv) for name, conv in rule._converters.items()}
            url = app.url_for(rule.endpoint, _external=False, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                urls.append((rule.endpoint, method, url))
    return urls


def _sample(converter: object) -> object:
    name = type(converter).__name__
    if name == "IsoDateConverter":
        return SAMPLE_ARGS["isodate"]
    if name == "IntegerConverter":
        return SAMPLE_ARGS["int"]
    raise AssertionError(f"add a sample value for {name}")


URLS = coordinator_urls()


def test_every_page_of_the_office_is_covered() -> None:
    endpoints = {endpoint for endpoint, _, _ in URLS}
    assert {"coordinators.dashboard", "coordinators.plan", "coordinators.publish"} <= endpoints
    assert len(URLS) >= 18


@pytest.mark.parametrize(("endpoint", "method", "url"), URLS, ids=[f"{m} {e}" for e, m, _ in URLS])
def test_anonymous_visitors_are_sent_to_the_login(client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/login")


@pytest.mark.parametrize(("endpoint", "method", "url"), URLS, ids=[f"{m} {e}" for e, m, _ in URLS])
def test_drivers_are_refused(driver_client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    assert driver_client.open(url, method=method).status_code == 403
