"""A rider's personal link: made at registration, sent again, replaced, printed on a slip.

The link is the rider's only key to her page, and its token is never stored:
the database keeps the token's SHA-256 (to find her by it) and a random nonce;
the token is the HMAC of the nonce under the instance's secret key
(``Settings.secret_key``), kept out of the database. So the office can send
the same link again or print it, and a leaked database still leaks no link.
A new link is a new nonce and a new hash: the old link stops working at once.
A link made without a secret key, before nonces were kept, or under a secret
key changed since cannot be made again; the office gives a new one then.

The office's actions are audited under the coordinator; the public "send me
my link again" (``request_new_link``) under the rider. Messages go through the
outbox in the rider's language, by the channel asked for (the office chooses;
a request is answered where it came from: the number or the address typed).
``request_new_link`` returns how many riders it reached, which the caller must
never show: its answer is the same whether the number is known or not.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import ActorType
from matcher.models import Coordinator
from matcher.models import OutboxChannel
from matcher.models import OutboxMessage
from matcher.models import Rider
from matcher.notifications.events import send_to
from matcher.notifications.events import site_url
from matcher.people.phones import normalise_phone
from matcher.security import derived_token
from matcher.security import hash_token
from matcher.security import new_nonce
from matcher.security import new_token
from matcher.security import same_hash
from matcher.settings import Settings
from matcher.text import NOT_AN_EMAIL
from matcher.text import normalise_email

PURPOSE = "rider-link"
"""Binds the HMAC to personal links, so no other derived token can equal one."""

MAX_CONTACT_LENGTH = 254

CANNOT_MAKE_AGAIN = N_(
    "This rider's link cannot be sent again or printed (it is from before this was possible)."
    " Give a new link instead."
)
NO_EMAIL = N_("This rider has no e-mail address. Send the link by SMS.")
NO_PHONE = N_("This rider has no phone number. Send the link by e-mail.")
NOT_A_CONTACT = N_("Please enter your phone number or e-mail address.")


def issue_link(rider: Rider, settings: Settings, now: dt.datetime) -> str:
    """Give ``rider`` a fresh personal link (an old one stops working); returns its token."""
    nonce = new_nonce() if settings.secret_key else None
    token = derived_token(settings.secret_key, nonce, PURPOSE) if nonce else new_token()[0]
    rider.link_nonce = nonce
    rider.token_hash = hash_token(token)
    rider.link_issued_at = now
    return token


def current_token(rider: Rider, settings: Settings) -> str | None:
    """The token of the rider's working link if it can be made again, else None."""
    if not rider.link_nonce or not settings.secret_key or rider.erased_at is not None:
        return None
    token = derived_token(settings.secret_key, rider.link_nonce, PURPOSE)
    return token if same_hash(token, rider.token_hash) else None


def link_url(settings: Settings, token: str) -> str:
    """The personal page of ``token`` as an absolute link (as in the messages)."""
    return site_url(settings, f"/me/{token}")


def _office_rider(session: Session, rider_id: int, coordinator_id: int) -> Rider:
    if session.get(Coordinator, coordinator_id) is None:
        raise NotFound(N_("This coordinator does not exist."))
    rider = session.get(Rider, rider_id)
    if rider is None or rider.erased_at is not None:
        raise NotFound(N_("This rider does not exist."))
    return rider


def _check_channel(rider: Rider, channel: OutboxChannel) -> None:
    if channel == OutboxChannel.EMAIL and not rider.email:
        raise ValidationError(NO_EMAIL, field="channel")
    if channel == OutboxChannel.SMS and not rider.phone:
        raise ValidationError(NO_PHONE, field="channel")


def _send(
    session: Session,
    rider: Rider,
    token: str,
    channel: OutboxChannel,
    why: str,
    key: str,
    settings: Settings,
    now: dt.datetime,
) -> OutboxMessage | None:
    """Send ``rider`` the link of ``token`` by ``channel`` (template ``rider_link.txt``)."""
    _check_channel(rider, channel)
    return send_to(
        session,
        key=key,
        template="rider_link.txt",
        locale=rider.locale,
        settings=settings,
        now=now,
        email=rider.email if channel == OutboxChannel.EMAIL else None,
        phone=rider.phone if channel == OutboxChannel.SMS else None,
        related=("rider", rider.id),
        link=link_url(settings, token),
        name=rider.first_name or "",
        why=why,
    )


def send_link_again(
    session: Session,
    rider_id: int,
    channel: OutboxChannel,
    coordinator_id: int,
    settings: Settings,
    now: dt.datetime | None = None,
) -> OutboxMessage | None:
    """Send the rider's current link again by ``channel``; it keeps working.

    Raises ``ValidationError`` if the link cannot be made again (give a new one)
    or the rider has no address for ``channel``. Two clicks within a minute send
    one message (None the second time).
    """
    now = now or utcnow()
    rider = _office_rider(session, rider_id, coordinator_id)
    token = current_token(rider, settings)
    if token is None:
        raise ValidationError(CANNOT_MAKE_AGAIN)
    key = f"rider-link:{rider.id}:again:{channel.value}:{now:%Y%m%dT%H%M}"
    message = _send(session, rider, token, channel, "again", key, settings, now)
    audit_log.record_action(
        session, coordinator_id, "rider.link_sent_again", "rider", rider.id, channel=channel.value
    )
    session.flush()
    return message


def replace_link(
    session: Session,
    rider_id: int,
    channel: OutboxChannel,
    coordinator_id: int,
    settings: Settings,
    now: dt.datetime | None = None,
) -> str:
    """Give the rider a new link and send it by ``channel``; the old link stops working at once.

    Returns the new token (the view does not show it; the slip makes it again).
    """
    now = now or utcnow()
    rider = _office_rider(session, rider_id, coordinator_id)
    _check_channel(rider, channel)
    token = issue_link(rider, settings, now)
    session.flush()
    _send(session, rider, token, channel, "new", f"rider-link:{rider.token_hash}", settings, now)
    audit_log.record_action(
        session, coordinator_id, "rider.link_replaced", "rider", rider.id, channel=channel.value
    )
    session.flush()
    return token


def link_for_slip(
    session: Session, rider_id: int, coordinator_id: int, settings: Settings
) -> tuple[Rider, str | None]:
    """The rider and her link to print (None if it cannot be made again); audited when shown."""
    rider = _office_rider(session, rider_id, coordinator_id)
    token = current_token(rider, settings)
    if token is not None:
        audit_log.record_action(session, coordinator_id, "rider.link_printed", "rider", rider.id)
        session.flush()
    return rider, None if token is None else link_url(settings, token)


def contact_of(text: str) -> tuple[OutboxChannel, str]:
    """A typed phone number (to E.164, as the rider form does) or e-mail address (lower case).

    Raises ``ValidationError`` on field ``contact`` if it is neither.
    """
    value = (text or "").strip()
    if "@" in value:
        if len(value) > MAX_CONTACT_LENGTH:
            raise ValidationError(NOT_AN_EMAIL, field="contact")
        return OutboxChannel.EMAIL, normalise_email(value, field="contact")
    if not value:
        raise ValidationError(NOT_A_CONTACT, field="contact")
    try:
        return OutboxChannel.SMS, normalise_phone(value)
    except ValidationError as error:
        raise ValidationError(error.template, field="contact", **error.params) from None


def contact_key(text: str) -> str:
    """What a rate limit counts by: the number or address as compared, else the text as typed."""
    try:
        return contact_of(text)[1]
    except ValidationError:
        return " ".join((text or "").split()).lower()[:MAX_CONTACT_LENGTH]


def request_new_link(
    session: Session, contact: str, settings: Settings, now: dt.datetime | None = None
) -> int:
    """The public "send me my link again": each rider with this number or address gets a new one.

    The link goes to what was typed (an SMS to the number, an e-mail to the
    address), in the rider's language; each old link stops working. Returns how
    many riders were reached: the caller shows the same answer for 0.
    Raises ``ValidationError`` (field ``contact``) if the text is neither.
    """
    now = now or utcnow()
    channel, value = contact_of(contact)
    column = Rider.email if channel == OutboxChannel.EMAIL else Rider.phone
    riders = session.scalars(
        sa.select(Rider).where(column == value, Rider.erased_at.is_(None)).order_by(Rider.id)
    ).all()
    for rider in riders:
        token = issue_link(rider, settings, now)
        rider.last_active_at = now  # she is still there: retention counts from here
        session.flush()
        key = f"rider-link:{rider.token_hash}"
        _send(session, rider, token, channel, "asked", key, settings, now)
        audit_log.record(
            session,
            actor_type=ActorType.RIDER,
            actor_id=rider.id,
            action="rider.link_requested",
            entity_type="rider",
            entity_id=rider.id,
            channel=channel.value,
        )
    session.flush()
    return len(riders)
