"""A rider's personal link: made again from its nonce, sent again, replaced, asked for publicly."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import AuditEntry
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import Rider
from matcher.people import personal_links as links
from matcher.people import registration
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_rider

SETTINGS = Settings(secret_key="the-instance-secret", base_url="https://mfn.example.org")
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.UTC)


def outbox(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def token_in(message: OutboxMessage) -> str:
    match = re.search(r"https://mfn\.example\.org/me/(\S+)", message.body)
    assert match, message.body
    return match.group(1)


def audit(session, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


@pytest.fixture()
def rider(session):  # type: ignore[no-untyped-def]
    rider = make_rider(session, first_name="Olena", locale="uk", email="olena@example.org")
    rider.token = links.issue_link(rider, SETTINGS, NOW)  # the test keeps the clear token
    session.flush()
    return rider


def test_the_link_is_made_again_from_its_nonce_but_never_stored(session, rider) -> None:  # type: ignore[no-untyped-def]
    assert links.current_token(rider, SETTINGS) == rider.token
    stored = session.execute(sa.select(Rider.__table__).where(Rider.id == rider.id)).one()
    assert rider.token not in {str(value) for value in stored}
    assert registration.find_rider_by_token(session, rider.token) is rider
    assert rider.link_issued_at == NOW


def test_without_the_secret_or_under_another_one_it_cannot_be_made_again(session, rider) -> None:  # type: ignore[no-untyped-def]
    assert links.current_token(rider, Settings()) is None
    assert links.current_token(rider, Settings(secret_key="rotated")) is None
    random_link = make_rider(session)
    links.issue_link(random_link, Settings(), NOW)  # no secret key: a random token
    assert random_link.link_nonce is None
    assert links.current_token(random_link, SETTINGS) is None


def test_a_registration_sends_a_link_the_office_can_send_again(session, places) -> None:  # type: ignore[no-untyped-def]
    from tests.matcher.people.test_registration import registration as a_registration

    done = registration.register_rider(session, a_registration(places), SETTINGS)
    assert links.current_token(done.rider, SETTINGS) == done.token


def test_sending_again_sends_the_same_working_link(session, rider) -> None:  # type: ignore[no-untyped-def]
    office = make_coordinator(session)
    links.send_link_again(session, rider.id, OutboxChannel.SMS, office.id, SETTINGS, NOW)
    (sms,) = outbox(session)
    assert sms.channel == OutboxChannel.SMS and sms.recipient == rider.phone
    assert sms.locale == "uk" and token_in(sms) == rider.token
    assert registration.find_rider_by_token(session, rider.token) is rider
    # A double click in the same minute sends one message; by e-mail is another.
    assert (
        links.send_link_again(session, rider.id, OutboxChannel.SMS, office.id, SETTINGS, NOW)
        is None
    )
    links.send_link_again(session, rider.id, OutboxChannel.EMAIL, office.id, SETTINGS, NOW)
    sms, mail = outbox(session)
    assert mail.recipient == "olena@example.org" and token_in(mail) == rider.token
    entries = audit(session, "rider.link_sent_again")
    assert [e.details["channel"] for e in entries] == ["sms", "sms", "email"]
    assert {(e.actor_type, e.actor_id, e.entity_id) for e in entries} == {
        (ActorType.COORDINATOR, office.id, rider.id)
    }


def test_a_link_that_cannot_be_made_again_is_not_sent(session) -> None:  # type: ignore[no-untyped-def]
    office = make_coordinator(session)
    legacy = make_rider(session)  # a hash without a nonce, as before this change
    with pytest.raises(ValidationError, match="cannot be sent again"):
        links.send_link_again(session, legacy.id, OutboxChannel.SMS, office.id, SETTINGS, NOW)
    assert outbox(session) == []


def test_no_e_mail_address_no_e_mail(session, rider) -> None:  # type: ignore[no-untyped-def]
    office = make_coordinator(session)
    rider.email = None
    with pytest.raises(ValidationError, match="no e-mail address") as raised:
        links.send_link_again(session, rider.id, OutboxChannel.EMAIL, office.id, SETTINGS, NOW)
    assert raised.value.field == "channel"
    with pytest.raises(ValidationError, match="no e-mail address"):
        links.replace_link(session, rider.id, OutboxChannel.EMAIL, office.id, SETTINGS, NOW)
    assert links.current_token(rider, SETTINGS) == rider.token  # not replaced


def test_a_new_link_kills_the_old_one_at_once(session, rider) -> None:  # type: ignore[no-untyped-def]
    office = make_coordinator(session)
    new = links.replace_link(session, rider.id, OutboxChannel.SMS, office.id, SETTINGS, NOW)
    assert new != rider.token
    assert registration.find_rider_by_token(session, rider.token) is None
    assert registration.find_rider_by_token(session, new) is rider
    (sms,) = outbox(session)
    assert token_in(sms) == new and sms.locale == "uk"
    assert "old one no longer works" in sms.body
    assert links.current_token(rider, SETTINGS) == new
    (entry,) = audit(session, "rider.link_replaced")
    assert entry.actor_id == office.id and entry.details == {"channel": "sms"}


def test_the_slip_is_audited_and_erased_riders_have_no_link(session, rider) -> None:  # type: ignore[no-untyped-def]
    office = make_coordinator(session)
    found, link = links.link_for_slip(session, rider.id, office.id, SETTINGS)
    assert found is rider and link == f"https://mfn.example.org/me/{rider.token}"
    assert len(audit(session, "rider.link_printed")) == 1
    registration.erase_rider(session, rider.id)
    assert rider.link_nonce is None and rider.token_hash is None
    with pytest.raises(NotFound):
        links.link_for_slip(session, rider.id, office.id, SETTINGS)
    with pytest.raises(NotFound):
        links.send_link_again(session, rider.id, OutboxChannel.SMS, office.id, SETTINGS, NOW)


@pytest.mark.parametrize(
    ("typed", "channel"),
    [
        ("0151 0099 8877", OutboxChannel.SMS),  # as in the rider form: national format
        ("+49 (151) 00998877", OutboxChannel.SMS),
        ("  Olena@Example.ORG ", OutboxChannel.EMAIL),  # case and spaces do not matter
    ],
)
def test_a_request_sends_a_new_link_where_it_came_from(session, rider, typed, channel) -> None:  # type: ignore[no-untyped-def]
    rider.phone = "+4915100998877"
    assert links.request_new_link(session, typed, SETTINGS, NOW) == 1
    (message,) = outbox(session)
    assert message.channel == channel and message.locale == "uk"
    assert message.recipient == (rider.phone if channel == OutboxChannel.SMS else rider.email)
    new = token_in(message)
    assert registration.find_rider_by_token(session, new) is rider
    assert registration.find_rider_by_token(session, rider.token) is None
    (entry,) = audit(session, "rider.link_requested")
    assert (entry.actor_type, entry.actor_id) == (ActorType.RIDER, rider.id)
    assert typed.strip() not in str(entry.details)  # no number or address in the audit log


def test_a_request_for_an_unknown_number_sends_nothing(session, rider) -> None:  # type: ignore[no-untyped-def]
    assert links.request_new_link(session, "0160 1112223", SETTINGS, NOW) == 0
    assert links.request_new_link(session, "nobody@example.org", SETTINGS, NOW) == 0
    assert outbox(session) == []
    assert registration.find_rider_by_token(session, rider.token) is rider


def test_every_rider_with_the_number_gets_their_own_link_but_erased_ones_none(session) -> None:  # type: ignore[no-untyped-def]
    first, second, gone = (make_rider(session, phone="+4915100776655") for _ in range(3))
    registration.erase_rider(session, gone.id)
    assert links.request_new_link(session, "015100776655", SETTINGS, NOW) == 2
    assert {m.related_id for m in outbox(session)} == {first.id, second.id}


@pytest.mark.parametrize("typed", ["", "hello", "12", "someone@", "0151 1"])
def test_a_request_that_is_neither_a_number_nor_an_address_is_refused(session, typed) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as raised:
        links.request_new_link(session, typed, SETTINGS, NOW)
    assert raised.value.field == "contact"


def test_the_rate_limit_counts_a_number_however_it_is_written() -> None:
    assert links.contact_key("0151 0099 8877") == links.contact_key("+4915100998877")
    assert links.contact_key("A@Example.org ") == "a@example.org"
    assert links.contact_key("  not   a number ") == "not a number"
