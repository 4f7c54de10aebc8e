"""Accounts through the web: an admin invites, changes roles, deactivates; anyone resets a
forgotten password from the login page without learning whether an address has an account."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from matcher.models import AuditEntry
from matcher.models import Coordinator
from matcher.models import CoordinatorRole
from matcher.models import OutboxMessage
from tests.factories import DEFAULT_PASSWORD
from tests.factories import make_coordinator
from tests.web.coordinators.conftest import log_in

NEW_PASSWORD = "ein ganz neues Passwort"


def outbox(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def link_path(mail: OutboxMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/coordinator/password/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def invite(client, **data):  # type: ignore[no-untyped-def]
    data.setdefault("name", "Nora Neu")
    data.setdefault("email", "nora@example.org")
    data.setdefault("role", "coordinator")
    data.setdefault("locale", "tr")
    return client.post("/coordinator/accounts/invite", data=data)


def test_admin_invites_and_the_invitee_sets_a_password_and_logs_in(  # type: ignore[no-untyped-def]
    app, admin_client, session
) -> None:
    page = admin_client.get("/coordinator/accounts")
    assert page.status_code == 200 and "Invite a coordinator" in page.text
    assert invite(admin_client).status_code == 303
    nora = session.scalars(sa.select(Coordinator).filter_by(email="nora@example.org")).one()
    assert nora.invitation_pending and nora.locale == "tr"
    assert "invited, no password yet" in admin_client.get("/coordinator/accounts").text
    (mail,) = outbox(session)
    assert mail.recipient == "nora@example.org" and mail.locale == "tr"
    assert mail.subject == "Mitfahrnetz ofisine davetiniz"

    invitee = app.test_client()
    invitee.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    path = link_path(mail)
    opened = invitee.get(path)
    assert opened.status_code == 200 and "Welcome to the office, Nora Neu" in opened.text
    differ = invitee.post(path, data={"password": NEW_PASSWORD, "confirm": "something else"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.text
    short = invitee.post(path, data={"password": "kurz", "confirm": "kurz"})
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = invitee.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/coordinator/"
    assert invitee.get("/coordinator/").status_code == 200
    # The link worked once.
    assert invitee.get(path).status_code == 404
    other = app.test_client()
    login = other.post(
        "/coordinator/login", data={"email": "nora@example.org", "password": NEW_PASSWORD}
    )
    assert login.status_code == 303
    audit = list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert audit == ["coordinator.invite", "coordinator.accept_invite"]


def test_inviting_a_taken_address_says_so_and_keeps_the_form(admin_client, session) -> None:  # type: ignore[no-untyped-def]
    make_coordinator(session, email="petra@example.org")
    response = invite(admin_client, email="Petra@example.org", name="Petra Zwei")
    assert response.status_code == 422
    assert "An account with this e-mail address exists already." in response.text
    assert 'value="Petra Zwei"' in response.text
    assert outbox(session) == []


def test_role_change_and_a_stale_page(admin_client, session) -> None:  # type: ignore[no-untyped-def]
    person = make_coordinator(session, name="Olaf Ohnerolle")
    seen = person.row_version
    url = f"/coordinator/accounts/{person.id}/role"
    assert admin_client.post(url, data={"row_version": seen, "role": "viewer"}).status_code == 303
    session.refresh(person)
    assert person.role == CoordinatorRole.VIEWER
    stale = admin_client.post(
        url, data={"row_version": seen, "role": "admin"}, follow_redirects=True
    )
    assert "Someone else changed this account meanwhile." in stale.text
    session.refresh(person)
    assert person.role == CoordinatorRole.VIEWER


def test_the_last_admin_keeps_the_role(admin_client, admin, session) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        f"/coordinator/accounts/{admin.id}/role",
        data={"row_version": admin.row_version, "role": "viewer"},
        follow_redirects=True,
    )
    assert "The office needs at least one active admin." in response.text
    session.refresh(admin)
    assert admin.role == CoordinatorRole.ADMIN


def test_deactivation_ends_the_persons_session_and_reactivation_lets_them_in(  # type: ignore[no-untyped-def]
    app, admin_client, session
) -> None:
    person = make_coordinator(session, email="petra@example.invalid")
    theirs = app.test_client()
    log_in(theirs, "coordinator", person.id)
    assert theirs.get("/coordinator/").status_code == 200
    response = admin_client.post(
        f"/coordinator/accounts/{person.id}/deactivate", data={"row_version": person.row_version}
    )
    assert response.status_code == 303
    # The very next click of the deactivated person goes to the login, and the login refuses.
    assert theirs.get("/coordinator/").headers["Location"].startswith("/coordinator/login")
    login = {"email": "petra@example.invalid", "password": DEFAULT_PASSWORD}
    assert theirs.post("/coordinator/login", data=login).status_code == 401
    session.refresh(person)
    admin_client.post(
        f"/coordinator/accounts/{person.id}/reactivate", data={"row_version": person.row_version}
    )
    assert theirs.post("/coordinator/login", data=login).status_code == 303


def test_the_reset_page_answers_the_same_for_known_and_unknown_addresses(  # type: ignore[no-untyped-def]
    app, client, session
) -> None:
    make_coordinator(session, email="petra@example.invalid", locale="ru")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_page = client.get("/coordinator/login").text
    assert 'href="/coordinator/password/forgot"' in login_page
    known = client.post("/coordinator/password/forgot", data={"email": "petra@example.invalid"})
    unknown = client.post("/coordinator/password/forgot", data={"email": "nobody@example.invalid"})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    (mail,) = outbox(session)
    assert mail.recipient == "petra@example.invalid" and mail.locale == "ru"

    path = link_path(mail)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    fresh = app.test_client()
    login = {"email": "petra@example.invalid", "password": NEW_PASSWORD}
    assert fresh.post("/coordinator/login", data=login).status_code == 303
    old = {"email": "petra@example.invalid", "password": DEFAULT_PASSWORD}
    assert app.test_client().post("/coordinator/login", data=old).status_code == 401
    assert client.get(path).status_code == 404


def test_an_unknown_link_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/coordinator/password/not-a-real-token")
    assert response.status_code == 404
    assert "This link does not work any more" in response.text
    posted = client.post(
        "/coordinator/password/not-a-real-token",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert posted.status_code == 404


def test_reset_requests_are_rate_limited_per_address(app_config, session) -> None:  # type: ignore[no-untyped-def]
    from tests.web.coordinators.test_login import _app

    app_config["RATELIMIT_ENABLED"] = True
    app_config["RATELIMIT_PASSWORD_RESET"] = "2 per hour"
    client = _app(app_config, session).test_client()
    codes = [
        client.post("/coordinator/password/forgot", data={"email": "a@example.invalid"}).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_nav_shows_accounts_to_admins_only_and_marks_viewers(  # type: ignore[no-untyped-def]
    app, session
) -> None:
    def page(role: str) -> str:
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        log_in(client, "coordinator", make_coordinator(session, role=role).id)
        return client.get("/coordinator/").text

    assert 'href="/coordinator/accounts"' in page("admin")
    coordinator_page = page("coordinator")
    assert 'href="/coordinator/accounts"' not in coordinator_page
    assert "read-only" not in coordinator_page
    viewer_page = page("viewer")
    assert 'href="/coordinator/accounts"' not in viewer_page
    assert 'class="coordinator read-only"' in viewer_page and "read only" in viewer_page


@pytest.mark.parametrize("config", [{"WTF_CSRF_ENABLED": True}])
def test_account_changes_need_the_csrf_token(app_config, session, config) -> None:  # type: ignore[no-untyped-def]
    from tests.web.coordinators.test_login import _app

    app_config.update(config)
    client = _app(app_config, session).test_client()
    admin = make_coordinator(session, role="admin")
    log_in(client, "coordinator", admin.id)
    assert invite(client).status_code == 400
    assert outbox(session) == []


def test_an_invitation_needs_a_real_address(admin_client, session) -> None:  # type: ignore[no-untyped-def]
    response = invite(admin_client, email='x"<script>@b.de')
    assert response.status_code == 422
    assert "Please give a valid e-mail address." in response.text
    assert outbox(session) == []
