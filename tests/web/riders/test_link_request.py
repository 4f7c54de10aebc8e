"""The public "send me my link again" page: one answer for every number, a new link for riders."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.people import personal_links
from matcher.settings import Settings
from tests.factories import make_rider

SETTINGS = Settings(secret_key="test-secret")
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


def outbox(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def path_in(message: OutboxMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/me/\S+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture()
def amal(session):  # type: ignore[no-untyped-def]
    rider = make_rider(session, first_name="Amal", phone="+4915112345678", locale="ar")
    rider.token = personal_links.issue_link(rider, SETTINGS, NOW)
    session.flush()
    return rider


@pytest.fixture()
def english(client):  # type: ignore[no-untyped-def]
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_page_is_linked_from_the_start_page_the_form_and_a_dead_link(english) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/register/rider"):
        assert 'href="/my-link"' in english.get(path).text
    dead = english.get("/me/not-a-real-token")
    assert dead.status_code == 404 and 'href="/my-link"' in dead.text
    page = english.get("/my-link")
    assert page.status_code == 200
    assert "Send me my link again" in page.text and 'name="contact"' in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_known_and_unknown_numbers_get_the_same_answer(english, session, amal) -> None:  # type: ignore[no-untyped-def]
    known = english.post("/my-link", data={"contact": "0151 1234 5678"})
    unknown = english.post("/my-link", data={"contact": "0151 8765 4321"})
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"] == "/my-link/sent"
    assert known.get_data() == unknown.get_data()
    assert known.headers.get("Set-Cookie") == unknown.headers.get("Set-Cookie")
    answer = english.get("/my-link/sent")
    assert answer.status_code == 200
    assert "If you registered with this phone number or e-mail address" in answer.text
    # Only the known number got a message: an SMS in her language with a new link.
    (sms,) = outbox(session)
    assert sms.channel == OutboxChannel.SMS and sms.recipient == "+4915112345678"
    assert sms.locale == "ar" and "Mitfahrnetz:" in sms.body and "your new" not in sms.body
    assert english.get(f"/me/{amal.token}").status_code == 404  # the old link is dead
    assert english.get(path_in(sms)).status_code == 200


def test_an_e_mail_address_gets_an_e_mail(english, session) -> None:  # type: ignore[no-untyped-def]
    make_rider(session, email="olena@example.org", locale="uk")
    known = english.post("/my-link", data={"contact": "Olena@Example.org"})
    unknown = english.post("/my-link", data={"contact": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 303
    (mail,) = outbox(session)
    assert mail.channel == OutboxChannel.EMAIL and mail.recipient == "olena@example.org"
    assert mail.locale == "uk" and "Someone asked" not in mail.body  # Ukrainian, not English


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Please enter your phone number or e-mail address."),
        ("12", "This is not a phone number we can call"),
        ("someone@", "Please give a valid e-mail address."),
        ('x"<script>@b.de', "Please give a valid e-mail address."),
    ],
)
def test_what_is_neither_a_number_nor_an_address_is_explained_at_the_field(  # type: ignore[no-untyped-def]
    english, session, typed, message
) -> None:
    response = english.post("/my-link", data={"contact": typed})
    assert response.status_code == 422
    assert message in response.text and 'aria-invalid="true"' in response.text
    assert outbox(session) == []


@pytest.mark.parametrize("language", ["de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ro"])
def test_the_page_speaks_every_language(client, language) -> None:  # type: ignore[no-untyped-def]
    page = client.get(f"/my-link?lang={language}").text
    sent = client.get(f"/my-link/sent?lang={language}").text
    assert f'<html lang="{language}"' in page
    if language != "en":
        assert "Send me my link again" not in page
        assert "If you registered with this phone number" not in sent


def _limited_app(app_config, session, per_number: str):  # type: ignore[no-untyped-def]
    from tests.web.coordinators.test_login import _app

    app_config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_LINK_REQUESTS=per_number,
        RATELIMIT_LINK_REQUESTS_PER_ADDRESS="100 per minute",
    )
    return _app(app_config, session)


def test_requests_are_limited_per_number_whatever_the_ip(app_config, session, amal) -> None:  # type: ignore[no-untyped-def]
    client = _limited_app(app_config, session, "2 per hour").test_client()

    def ask(contact: str, ip: str) -> int:
        data = {"contact": contact}
        return client.post("/my-link", data=data, environ_base={"REMOTE_ADDR": ip}).status_code

    # The same number, written three ways, from three addresses: the third is refused.
    assert ask("0151 1234 5678", "10.0.0.1") == 303
    assert ask("+49 151 12345678", "10.0.0.2") == 303
    assert ask("015112345678", "10.0.0.3") == 429
    assert len(outbox(session)) == 2
    # An unknown number is limited the same way (the limit tells nothing either).
    assert [ask("0151 8765 4321", "10.0.0.4") for _ in range(3)] == [303, 303, 429]
    assert ask("0160 5555555", "10.0.0.3") == 303  # another number is not held up
    refused = client.post("/my-link", data={"contact": "015112345678"})
    assert 'value="015112345678"' in refused.text  # the page again, with what was typed
    assert "A new link was asked for this number or address several times." in refused.text


def test_requests_are_limited_per_ip_address_too(app_config, session) -> None:  # type: ignore[no-untyped-def]
    app = _limited_app(app_config, session, "100 per hour")
    app.config["RATELIMIT_LINK_REQUESTS_PER_ADDRESS"] = "2 per minute"
    client = app.test_client()
    codes = [
        client.post("/my-link", data={"contact": f"0151 2345678{n}"}).status_code for n in range(3)
    ]
    assert codes == [303, 303, 429]
    assert client.get("/my-link").status_code == 200  # reading is not limited
