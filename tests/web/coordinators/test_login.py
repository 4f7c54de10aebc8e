"""Coordinator login and logout: argon2 via the service, CSRF, rate limit, safe redirects."""

from __future__ import annotations

import re

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.factories import make_coordinator


def post_login(client, email: str, password: str = DEFAULT_PASSWORD, next_url: str = ""):  # type: ignore[no-untyped-def]
    url = "/coordinator/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_page_renders(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/coordinator/login", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert 'name="password"' in response.text
    assert "Log in" in response.text


def test_right_password_logs_in_and_opens_the_dashboard(client, session) -> None:  # type: ignore[no-untyped-def]
    coordinator = make_coordinator(session, email="petra@example.invalid")
    response = post_login(client, "Petra@Example.invalid")
    assert response.status_code == 303
    assert response.headers["Location"] == "/coordinator/"
    assert client.get("/coordinator/").status_code == 200
    session.refresh(coordinator)
    assert coordinator.last_login_at is not None


def test_wrong_password_is_refused_without_saying_which_part(client, session) -> None:  # type: ignore[no-untyped-def]
    make_coordinator(session, email="petra@example.invalid")
    response = client.post(
        "/coordinator/login",
        data={"email": "petra@example.invalid", "password": "wrong password!"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 401
    assert "E-mail address or password is wrong." in response.text
    assert client.get("/coordinator/").status_code == 302


def test_inactive_account_cannot_log_in(client, session) -> None:  # type: ignore[no-untyped-def]
    make_coordinator(session, email="gone@example.invalid", active=False)
    assert post_login(client, "gone@example.invalid").status_code == 401


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/coordinator/audit", "/coordinator/audit"),
        ("https://evil.example/coordinator/", "/coordinator/"),
        ("//evil.example/coordinator/", "/coordinator/"),
        ("/drivers/", "/coordinator/"),
        ("/coordinator/%09/evil.example", "/coordinator/"),
        ("/coordinator/%0aSet-Cookie:x=1", "/coordinator/"),
    ],
)
def test_login_returns_to_the_page_asked_for_but_never_elsewhere(
    client, session, next_url: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    make_coordinator(session, email="petra@example.invalid")
    response = post_login(client, "petra@example.invalid", next_url=next_url)
    assert response.headers["Location"] == expected


def test_logout_ends_the_session(client, session) -> None:  # type: ignore[no-untyped-def]
    make_coordinator(session, email="petra@example.invalid")
    post_login(client, "petra@example.invalid")
    response = client.post("/coordinator/logout")
    assert response.headers["Location"] == "/coordinator/login"
    assert client.get("/coordinator/").status_code == 302


def test_logged_in_coordinator_skips_the_login_form(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    assert coordinator_client.get("/coordinator/login").headers["Location"] == "/coordinator/"


def test_driver_account_cannot_use_the_coordinator_login(client, session) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_driver
    from tests.factories import password_hash

    make_driver(session, email="jens@example.invalid", password_hash=password_hash())
    assert post_login(client, "jens@example.invalid").status_code == 401


def test_login_needs_the_csrf_token(app_config, session) -> None:  # type: ignore[no-untyped-def]
    app_config["WTF_CSRF_ENABLED"] = True
    app = _app(app_config, session)
    client = app.test_client()
    make_coordinator(session, email="petra@example.invalid")
    assert post_login(client, "petra@example.invalid").status_code == 400
    page = client.get("/coordinator/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/coordinator/login",
        data={"email": "petra@example.invalid", "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303


def test_login_attempts_are_rate_limited(app_config, session) -> None:  # type: ignore[no-untyped-def]
    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_COORDINATOR_LOGIN"] = "3 per minute"
    client = _app(app_config, session).test_client()
    codes = [post_login(client, "nobody@example.invalid", "x" * 12).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def _app(app_config, session):  # type: ignore[no-untyped-def]
    """An app like the ``app`` fixture, built after the test changed the config."""
    from sqlalchemy.orm import sessionmaker

    from web import create_app

    application = create_app(app_config)
    application.extensions["matcher.sessions"] = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return application


def _session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def test_a_cookie_saved_before_logout_opens_nothing_afterwards(client, session, app) -> None:  # type: ignore[no-untyped-def]
    make_coordinator(session, email="petra@example.invalid")
    post_login(client, "petra@example.invalid")
    saved = _session_cookie(client)
    client.post("/coordinator/logout")

    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/coordinator/").status_code == 302  # the copied cookie is dead
    post_login(client, "petra@example.invalid")  # a new login works as before
    assert client.get("/coordinator/").status_code == 200


def test_a_new_password_ends_the_sessions_made_with_the_old_one(client, session, app) -> None:  # type: ignore[no-untyped-def]
    from matcher.people import coordinators
    from matcher.settings import Settings

    petra = make_coordinator(session, email="petra@example.invalid")
    other_device = app.test_client()
    post_login(other_device, "petra@example.invalid")
    assert other_device.get("/coordinator/").status_code == 200
    token = coordinators.request_password_reset(session, petra.email, Settings())
    session.commit()
    response = client.post(
        f"/coordinator/password/{token}",
        data={"password": "a new long passphrase", "confirm": "a new long passphrase"},
    )
    assert response.status_code == 303
    assert client.get("/coordinator/").status_code == 200
    assert other_device.get("/coordinator/").status_code == 302
