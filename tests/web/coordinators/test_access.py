"""Role checks on every coordinator URL: anonymous -> login page, drivers -> 403, viewers may
only read (not a rider's printed link), plain coordinators cannot reach the admin routes.

The URLs are read from the app's url_map, so a new view cannot be forgotten; the roles are read
from what ``coordinator_required`` recorded on each view.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest

from web import create_app

PUBLIC_ENDPOINTS = {
    "coordinators.login",
    "coordinators.forgot_password",
    "coordinators.set_password",
}
SAMPLE_ARGS = {"int": 1, "isodate": dt.date(2026, 6, 2), "str": "sample"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _app():  # type: ignore[no-untyped-def]
    with TemporaryDirectory() as tmp:
        return create_app(
            {
                "TESTING": True,
                "DATABASE_URL": "sqlite://",
                "SECRET_KEY": "x",
                "SERVER_NAME": "localhost",
            },
            instance_path=str(Path(tmp) / "instance"),
        )


def office_access() -> dict[str, dict[str, bool]]:
    """What ``coordinator_required`` recorded on each office view, by endpoint."""
    app = _app()
    return {
        endpoint: getattr(view, "office_access", {})
        for endpoint, view in app.view_functions.items()
        if endpoint.startswith("coordinators.") and endpoint not in PUBLIC_ENDPOINTS
    }


def blueprint_urls(blueprint: str, public: set[str]) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route of ``blueprint`` except the ``public`` ones."""
    app = _app()
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith(f"{blueprint}.") or rule.endpoint in public:
                continue
            values = {name: _sample(conv) for name, conv in rule._converters.items()}
            url = app.url_for(rule.endpoint, _external=False, **values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                urls.append((rule.endpoint, method, url))
    return urls


def coordinator_urls() -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route of the blueprint except the login page."""
    return blueprint_urls("coordinators", PUBLIC_ENDPOINTS)


def _sample(converter: object) -> object:
    name = type(converter).__name__
    if name == "IsoDateConverter":
        return SAMPLE_ARGS["isodate"]
    if name == "IntegerConverter":
        return SAMPLE_ARGS["int"]
    if name == "UnicodeConverter":
        return SAMPLE_ARGS["str"]
    if name == "AnyConverter":  # one of a fixed list (a report's section, an export's format)
        return sorted(converter.items)[0]  # type: ignore[attr-defined]
    raise AssertionError(f"add a sample value for {name}")


URLS = coordinator_urls()
ACCESS = office_access()
WRITES = [(e, m, u) for e, m, u in URLS if m not in SAFE_METHODS]
VIEWER_WRITES = [(e, m, u) for e, m, u in WRITES if not ACCESS[e].get("viewer_may_post")]
READS = [
    (e, m, u)
    for e, m, u in URLS
    if m in SAFE_METHODS and not ACCESS[e].get("admin") and ACCESS[e].get("viewer_may_read", True)
]
KEY_PAGES = [
    (e, m, u)
    for e, m, u in URLS
    if m in SAFE_METHODS and not ACCESS[e].get("viewer_may_read", True)
]
"""Pages that hand out a key (a rider's printed link): no viewer reads them."""
ADMIN_ONLY = [(e, m, u) for e, m, u in URLS if ACCESS[e].get("admin")]


def _ids(urls: list[tuple[str, str, str]]) -> list[str]:
    return [f"{m} {e}" for e, m, _ in urls]


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


def test_every_office_view_goes_through_coordinator_required() -> None:
    missing = sorted(endpoint for endpoint, access in ACCESS.items() if not access)
    assert missing == []


def test_only_logging_out_is_open_to_viewers() -> None:
    open_to_viewers = {e for e, access in ACCESS.items() if access.get("viewer_may_post")}
    assert open_to_viewers == {"coordinators.logout"}
    assert len(VIEWER_WRITES) >= 15


def test_accounts_are_admin_only() -> None:
    admin_endpoints = {e for e, _, _ in ADMIN_ONLY}
    assert {
        "coordinators.accounts_page",
        "coordinators.invite",
        "coordinators.set_role",
        "coordinators.deactivate",
        "coordinators.reactivate",
        "coordinators.reinvite",
    } <= admin_endpoints
    assert all(e.startswith("coordinators.") for e in admin_endpoints)


@pytest.mark.parametrize(("endpoint", "method", "url"), VIEWER_WRITES, ids=_ids(VIEWER_WRITES))
def test_viewers_are_refused_every_change(viewer_client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    response = viewer_client.open(url, method=method, data={"row_version": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "url"), READS, ids=_ids(READS))
def test_viewers_may_read_every_page(viewer_client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    # The sample ids may not exist (404), but the role never refuses the viewer.
    assert viewer_client.open(url, method=method).status_code in {200, 301, 404}  # 301: moved


def test_only_the_slip_hands_out_a_key() -> None:
    assert {e for e, _, _ in KEY_PAGES} == {"coordinators.rider_link_slip"}


@pytest.mark.parametrize(("endpoint", "method", "url"), KEY_PAGES, ids=_ids(KEY_PAGES))
def test_viewers_are_refused_the_pages_that_hand_out_a_key(
    viewer_client, endpoint, method, url
) -> None:  # type: ignore[no-untyped-def]
    assert viewer_client.open(url, method=method).status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "url"), ADMIN_ONLY, ids=_ids(ADMIN_ONLY))
def test_coordinators_are_refused_every_admin_route(  # type: ignore[no-untyped-def]
    coordinator_client, endpoint, method, url
) -> None:
    response = coordinator_client.open(url, method=method, data={"row_version": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "url"), ADMIN_ONLY, ids=_ids(ADMIN_ONLY))
def test_viewers_are_refused_every_admin_route(viewer_client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    assert viewer_client.open(url, method=method).status_code == 403


def test_a_viewer_can_log_out(viewer_client) -> None:  # type: ignore[no-untyped-def]
    response = viewer_client.post("/coordinator/logout")
    assert response.status_code == 303
    assert viewer_client.get("/coordinator/").status_code == 302
