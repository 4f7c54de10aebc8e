"""Who reaches the partner pages: partner staff only; and partner staff reach no office page.

The URLs are read from the app's url_map, so a new view cannot be forgotten.
"""

from __future__ import annotations

import pytest

from tests.web.coordinators.test_access import URLS as OFFICE_URLS
from tests.web.coordinators.test_access import _app
from tests.web.coordinators.test_access import blueprint_urls

PUBLIC_ENDPOINTS = {"partners.login", "partners.forgot_password", "partners.set_password"}


URLS = blueprint_urls("partners", PUBLIC_ENDPOINTS)
IDS = [f"{m} {e}" for e, m, _ in URLS]


def test_every_partner_view_goes_through_partner_required() -> None:
    app = _app()
    missing = sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint.startswith("partners.")
        and endpoint not in PUBLIC_ENDPOINTS
        and not getattr(view, "partner_access", False)
    )
    assert missing == []
    assert {"partners.dashboard", "partners.rider", "partners.logout"} <= {e for e, _, _ in URLS}


@pytest.mark.parametrize(("endpoint", "method", "url"), URLS, ids=IDS)
def test_anonymous_visitors_are_sent_to_the_partner_login(client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/partner/login")


@pytest.mark.parametrize(("endpoint", "method", "url"), URLS, ids=IDS)
def test_coordinators_are_refused(coordinator_client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    assert coordinator_client.open(url, method=method).status_code == 403


@pytest.mark.parametrize(("endpoint", "method", "url"), URLS, ids=IDS)
def test_drivers_are_refused(app, session, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_driver
    from tests.web.coordinators.conftest import log_in

    client = app.test_client()
    log_in(client, "driver", make_driver(session).id)
    assert client.open(url, method=method).status_code == 403


OFFICE_IDS = [f"{m} {e}" for e, m, _ in OFFICE_URLS]


@pytest.mark.parametrize(("endpoint", "method", "url"), OFFICE_URLS, ids=OFFICE_IDS)
def test_partner_staff_are_refused_every_office_page(staff_client, endpoint, method, url) -> None:  # type: ignore[no-untyped-def]
    assert staff_client.open(url, method=method, data={"row_version": "1"}).status_code == 403
