"""Partners through the web: the office creates a partner and invites its staff; a staff member
sets a password from the e-mailed link, logs in, sees the organisation's riders and nobody else's,
and logging out ends every copy of the session."""

from __future__ import annotations

import re

import sqlalchemy as sa

from matcher.models import OutboxMessage
from matcher.models import PartnerOrganisation
from tests.factories import DEFAULT_PASSWORD
from tests.factories import make_partner
from tests.factories import make_partner_staff
from tests.factories import make_rider
from tests.web.coordinators.conftest import log_in

NEW_PASSWORD = "ein ganz neues Passwort"


def link_path(mail: OutboxMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/partner/password/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_the_office_creates_a_partner_invites_staff_and_the_staff_member_logs_in(  # type: ignore[no-untyped-def]
    app, coordinator_client, session
) -> None:
    page = coordinator_client.get("/coordinator/partners")
    assert page.status_code == 200 and "New partner" in page.text
    created = coordinator_client.post(
        "/coordinator/partners",
        data={
            "name": "Migrationsberatung Lüchow",
            "kind": "counselling_centre",
            "email": "mbe@example.org",
            "locale": "de",
        },
    )
    partner = session.scalars(sa.select(PartnerOrganisation)).one()
    assert created.status_code == 303
    assert created.headers["Location"] == f"/coordinator/partners/{partner.id}"
    assert "Counselling centre" in coordinator_client.get("/coordinator/partners").text
    invited = coordinator_client.post(
        f"/coordinator/partners/{partner.id}/staff",
        data={"name": "Samira Beratung", "email": "samira@example.org", "locale": "en"},
    )
    assert invited.status_code == 303
    shown = coordinator_client.get(f"/coordinator/partners/{partner.id}").text
    assert "Samira Beratung" in shown and "invited, no password yet" in shown
    (mail,) = session.scalars(sa.select(OutboxMessage)).all()
    assert mail.recipient == "samira@example.org"
    assert "Migrationsberatung Lüchow" in mail.body

    samira = app.test_client()
    samira.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    path = link_path(mail)
    opened = samira.get(path)
    assert opened.status_code == 200 and "Welcome to Mitfahrnetz, Samira Beratung" in opened.text
    done = samira.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/partner/"
    home = samira.get("/partner/")
    assert home.status_code == 200 and "Migrationsberatung Lüchow" in home.text
    assert samira.get(path).status_code == 404  # the link worked once
    again = app.test_client()
    login = again.post(
        "/partner/login", data={"email": "samira@example.org", "password": NEW_PASSWORD}
    )
    assert login.status_code == 303 and login.headers["Location"] == "/partner/"


def test_a_wrong_password_says_so_without_telling_which_part(client) -> None:  # type: ignore[no-untyped-def]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/partner/login", data={"email": "x@example.org", "password": "y"})
    assert response.status_code == 401 and "E-mail address or password is wrong." in response.text


def test_staff_see_only_their_organisations_riders(client, session) -> None:  # type: ignore[no-untyped-def]
    member = make_partner_staff(session)
    other = make_partner(session, name="Jobcenter")
    ours = make_rider(session, first_name="Yasmin", partner=member.partner)
    theirs = make_rider(session, first_name="Oksana", partner=other)
    make_rider(session, first_name="Kemal")  # came by herself
    log_in(client, "partner", member.id)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    home = client.get("/partner/").text
    assert "Yasmin" in home and "Oksana" not in home and "Kemal" not in home
    assert client.get(f"/partner/riders/{ours.id}").status_code == 200
    assert client.get(f"/partner/riders/{theirs.id}").status_code == 404
    json = client.get(f"/partner/riders/{theirs.id}", headers={"Accept": "application/json"})
    assert json.status_code == 404 and "Oksana" not in json.text


def test_a_cookie_saved_before_logout_opens_nothing_afterwards(app, client, session) -> None:  # type: ignore[no-untyped-def]
    make_partner_staff(session, email="berta@example.org")
    assert (
        client.post(
            "/partner/login", data={"email": "berta@example.org", "password": DEFAULT_PASSWORD}
        ).status_code
        == 303
    )
    cookie = client.get_cookie("session")
    assert cookie is not None
    saved = str(cookie.value)
    assert client.post("/partner/logout").status_code == 303
    assert client.get("/partner/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", saved)
    response = thief.get("/partner/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/partner/login")


def test_a_deactivated_partner_logs_its_staff_out_at_the_next_click(  # type: ignore[no-untyped-def]
    app, coordinator_client, session
) -> None:
    member = make_partner_staff(session)
    staff_client = app.test_client()
    log_in(staff_client, "partner", member.id)
    assert staff_client.get("/partner/").status_code == 200
    partner = member.partner
    response = coordinator_client.post(
        f"/coordinator/partners/{partner.id}/deactivate",
        data={"row_version": partner.row_version},
    )
    session.refresh(partner)
    assert response.status_code == 303 and not partner.active
    assert staff_client.get("/partner/").status_code == 302


def test_staff_never_reach_the_office_and_the_office_not_the_partner_pages(  # type: ignore[no-untyped-def]
    app, coordinator_client, session
) -> None:
    member = make_partner_staff(session)
    staff_client = app.test_client()
    log_in(staff_client, "partner", member.id)
    assert staff_client.get("/coordinator/").status_code == 403
    assert staff_client.get("/coordinator/riders").status_code == 403
    assert staff_client.get(f"/coordinator/partners/{member.partner_id}").status_code == 403
    assert staff_client.get("/driver/").status_code in (302, 403)
    assert coordinator_client.get("/partner/").status_code == 403


def test_the_office_deactivates_and_reinvites_staff(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    member = make_partner_staff(session, password_hash=None)
    base = f"/coordinator/partners/{member.partner_id}/staff/{member.id}"
    assert (
        coordinator_client.post(
            f"{base}/reinvite", data={"row_version": member.row_version}
        ).status_code
        == 303
    )
    assert session.scalars(sa.select(OutboxMessage)).one().recipient == member.email
    stale = coordinator_client.post(f"{base}/deactivate", data={"row_version": 99})
    session.refresh(member)
    assert stale.status_code == 303 and member.active
    coordinator_client.post(f"{base}/deactivate", data={"row_version": member.row_version})
    session.refresh(member)
    assert not member.active


def test_viewers_see_partners_but_change_nothing(viewer_client, session) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner(session, name="Volkshochschule")
    page = viewer_client.get(f"/coordinator/partners/{partner.id}")
    assert page.status_code == 200 and "Invite a staff member" not in page.text
    assert (
        viewer_client.post(
            f"/coordinator/partners/{partner.id}/staff",
            data={"name": "X", "email": "x@example.org", "locale": "de"},
        ).status_code
        == 403
    )
