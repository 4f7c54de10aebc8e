"""The rider's personal link on her office page: send it again, give a new one, print a slip."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from matcher.models import AuditEntry
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.people import personal_links
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_rider
from tests.web.coordinators.conftest import log_in

SETTINGS = Settings(secret_key="test-secret")  # the app's SECRET_KEY in the tests
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


def outbox(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    session.expire_all()  # the request wrote through its own session
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def path_in(message: OutboxMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/me/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def actions(session) -> list[str]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def a_rider(session, **kw):  # type: ignore[no-untyped-def]
    rider = make_rider(session, **kw)
    rider.token = personal_links.issue_link(rider, SETTINGS, NOW)
    session.flush()
    return rider


@pytest.fixture()
def olena(session):  # type: ignore[no-untyped-def]
    return a_rider(session, first_name="Olena", locale="uk", email="olena@example.org")


def test_the_page_offers_the_link_actions(coordinator_client, olena) -> None:  # type: ignore[no-untyped-def]
    html = coordinator_client.get(f"/coordinator/riders/{olena.id}").text
    assert f'action="/coordinator/riders/{olena.id}/link/again"' in html
    assert f'formaction="/coordinator/riders/{olena.id}/link/new"' in html
    assert f'href="/coordinator/riders/{olena.id}/link/slip"' in html
    assert 'value="sms" checked' in html and 'value="email"' in html
    assert "olena@example.org" in html


def test_a_viewer_sees_the_link_but_no_button_and_is_refused(viewer_client, session, olena) -> None:  # type: ignore[no-untyped-def]
    html = viewer_client.get(f"/coordinator/riders/{olena.id}").text
    assert "Personal link" in html
    assert "/link/again" not in html and "/link/new" not in html and "/link/slip" not in html
    base = f"/coordinator/riders/{olena.id}/link"
    assert viewer_client.post(f"{base}/again", data={"channel": "sms"}).status_code == 403
    assert viewer_client.post(f"{base}/new", data={"channel": "sms"}).status_code == 403
    assert viewer_client.get(f"{base}/slip").status_code == 403
    assert outbox(session) == []
    assert personal_links.current_token(olena, SETTINGS) == olena.token


def test_send_again_sends_the_same_link_in_her_language(coordinator_client, session, olena) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.post(
        f"/coordinator/riders/{olena.id}/link/again", data={"channel": "sms"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/coordinator/riders/{olena.id}#link-heading")
    (sms,) = outbox(session)
    assert sms.channel == OutboxChannel.SMS and sms.recipient == olena.phone
    assert sms.locale == "uk" and "Mitfahrnetz:" in sms.body and "personal link" not in sms.body
    assert path_in(sms) == f"/me/{olena.token}"
    page = coordinator_client.get(f"/coordinator/riders/{olena.id}").text
    assert "The link is sent again by SMS. It is the same link as before." in page
    assert "rider.link_sent_again" in page  # in the rider's audit trail
    assert coordinator_client.get(path_in(sms)).status_code == 200  # it still works
    coordinator_client.post(f"/coordinator/riders/{olena.id}/link/again", data={"channel": "email"})
    mail = outbox(session)[-1]
    assert mail.channel == OutboxChannel.EMAIL and mail.recipient == "olena@example.org"


def test_a_new_link_kills_the_old_one_and_is_sent(coordinator_client, session, olena) -> None:  # type: ignore[no-untyped-def]
    old = f"/me/{olena.token}"
    assert coordinator_client.get(old).status_code == 200
    response = coordinator_client.post(
        f"/coordinator/riders/{olena.id}/link/new", data={"channel": "email"}
    )
    assert response.status_code == 303
    page = coordinator_client.get(f"/coordinator/riders/{olena.id}").text
    assert "A new link is sent by e-mail. The old link no longer works." in page
    gone = coordinator_client.get(old)
    assert gone.status_code == 404
    assert "This link does not work" in gone.text and 'href="/my-link"' in gone.text
    (mail,) = outbox(session)
    assert mail.recipient == "olena@example.org" and mail.locale == "uk"
    assert coordinator_client.get(path_in(mail)).status_code == 200
    assert actions(session)[-1] == "rider.link_replaced"


def test_no_e_mail_address_is_explained(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    rider = a_rider(session, email=None)
    html = coordinator_client.get(f"/coordinator/riders/{rider.id}").text
    assert 'value="email"' not in html
    response = coordinator_client.post(
        f"/coordinator/riders/{rider.id}/link/new", data={"channel": "email"}, follow_redirects=True
    )
    assert "This rider has no e-mail address. Send the link by SMS." in response.text
    assert outbox(session) == []
    assert personal_links.current_token(rider, SETTINGS) == rider.token


@pytest.mark.parametrize(
    ("locale", "direction", "heading", "keep"),
    [
        (
            "uk",
            "ltr",
            "Ваше особисте посилання",
            "Збережіть це посилання. Нікому його не передавайте.",
        ),
        ("ar", "rtl", "رابطك الشخصي", "احتفظ بهذا الرابط. لا تشاركه مع أحد."),
    ],
)
def test_the_slip_has_the_qr_code_and_her_language(  # type: ignore[no-untyped-def]
    coordinator_client, session, locale, direction, heading, keep
) -> None:
    rider = a_rider(session, first_name="Amal", locale=locale)
    response = coordinator_client.get(f"/coordinator/riders/{rider.id}/link/slip")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.text
    assert f'<article class="link-slip" lang="{locale}" dir="{direction}"' in html
    assert '<svg viewBox="0 0' in html and 'class="qr-code"' in html and "<path" in html
    assert "<img" not in html.split('class="link-slip"')[1]  # drawn inline, not an image
    assert heading in html and keep in html
    assert f"http://127.0.0.1:5000/me/{rider.token}" in html
    assert "Slip with the personal link" in html and "Print" in html  # the office's own language
    assert "data-print" in html and "print-button.js" in html
    assert actions(session)[-1] == "rider.link_printed"


def test_the_qr_code_holds_the_link() -> None:
    from web.qr_codes import qr_svg

    a = qr_svg("http://127.0.0.1:5000/me/aaaa", "QR")
    b = qr_svg("http://127.0.0.1:5000/me/bbbb", "QR")
    assert a != b and a.startswith('<svg viewBox="0 0') and "<title>QR</title>" in a


def test_a_link_that_cannot_be_made_again_offers_a_new_one(coordinator_client, session) -> None:  # type: ignore[no-untyped-def]
    legacy = make_rider(session, locale="tr")  # a hash without a nonce, made before this
    page = coordinator_client.get(f"/coordinator/riders/{legacy.id}").text
    assert "cannot be sent again or printed" in page and "/link/again" not in page
    slip = coordinator_client.get(f"/coordinator/riders/{legacy.id}/link/slip").text
    assert 'class="link-slip"' not in slip and 'name="then" value="slip"' in slip
    refused = coordinator_client.post(
        f"/coordinator/riders/{legacy.id}/link/again",
        data={"channel": "sms"},
        follow_redirects=True,
    )
    assert "cannot be sent again or printed" in refused.text
    assert outbox(session) == []
    response = coordinator_client.post(
        f"/coordinator/riders/{legacy.id}/link/new", data={"channel": "sms", "then": "slip"}
    )
    assert response.headers["Location"].endswith(f"/coordinator/riders/{legacy.id}/link/slip")
    (sms,) = outbox(session)
    slip = coordinator_client.get(f"/coordinator/riders/{legacy.id}/link/slip").text
    assert 'class="link-slip"' in slip and path_in(sms) in slip


def test_an_unknown_rider_is_a_404(coordinator_client) -> None:  # type: ignore[no-untyped-def]
    assert coordinator_client.get("/coordinator/riders/999999/link/slip").status_code == 404
    response = coordinator_client.post(
        "/coordinator/riders/999999/link/new", data={"channel": "sms"}
    )
    assert response.status_code == 404


def test_a_forged_channel_changes_nothing(coordinator_client, session, olena) -> None:  # type: ignore[no-untyped-def]
    response = coordinator_client.post(
        f"/coordinator/riders/{olena.id}/link/new",
        data={"channel": "pigeon"},
        follow_redirects=True,
    )
    assert "The form has expired. Please try again." in response.text
    assert outbox(session) == []
    assert personal_links.current_token(olena, SETTINGS) == olena.token


@pytest.mark.parametrize("config", [{"WTF_CSRF_ENABLED": True}])
def test_the_link_actions_need_the_csrf_token(app_config, session, config) -> None:  # type: ignore[no-untyped-def]
    from tests.web.coordinators.test_login import _app

    app_config.update(config)
    client = _app(app_config, session).test_client()
    log_in(client, "coordinator", make_coordinator(session).id)
    rider = a_rider(session)
    for action in ("again", "new"):
        response = client.post(
            f"/coordinator/riders/{rider.id}/link/{action}", data={"channel": "sms"}
        )
        assert response.status_code == 400
    assert outbox(session) == []
