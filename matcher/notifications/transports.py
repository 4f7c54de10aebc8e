"""How messages leave: SMTP for e-mail, a pluggable gateway for SMS.

A transport's ``send`` returns on success and raises ``TransportError`` on
failure; ``temporary`` tells the outbox worker whether retrying can help (a 4xx
reply, a connection refused) or not (a 5xx reply, an unusable address). An SMS
provider plugs in by implementing ``SmsGateway`` and naming it in
``SMS_GATEWAYS`` (or passing an instance to ``Transports``).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from matcher.models import OutboxChannel
from matcher.settings import Settings

log = logging.getLogger(__name__)


class TransportError(Exception):
    """Sending failed; ``temporary`` failures are retried with back-off."""

    def __init__(self, message: str, *, temporary: bool = True) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class Outgoing:
    """What a transport needs of an outbox row (no ORM object leaves the worker's session)."""

    id: int
    idempotency_key: str
    channel: OutboxChannel
    recipient: str
    subject: str | None
    body: str
    locale: str


class Transport(Protocol):
    """Delivers one message or raises ``TransportError``."""

    def send(self, message: Outgoing) -> None:
        """Deliver ``message`` (TransportError with ``temporary`` set if a retry may help)."""
        ...


class SmsGateway(Transport, Protocol):
    """An SMS provider: ``send`` delivers ``message.body`` to the E.164 ``message.recipient``."""


class LogSmsGateway:
    """The default SMS gateway: writes the text to the log (no provider configured)."""

    def send(self, message: Outgoing) -> None:
        """Log the text instead of sending it."""
        log.info("SMS to %s (outbox %s): %s", message.recipient, message.id, message.body)


class SmtpTransport:
    """E-mail through an SMTP server; one connection per message keeps failures independent."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        security: str = "none",
        username: str = "",
        password: str = "",
        sender: str = "Mitfahrnetz <noreply@localhost>",
        timeout: float = 20,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in ("none", "starttls", "ssl"):
            raise ValueError(f"MAIL_SECURITY must be none, starttls or ssl, not {security!r}")
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.sender = username, password, sender
        self.timeout = timeout
        self.ssl_context = ssl_context

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpTransport:
        """An SMTP transport configured by ``MAIL_*`` settings."""
        return cls(
            settings.mail_host,
            settings.mail_port,
            security=settings.mail_security,
            username=settings.mail_username,
            password=settings.mail_password,
            sender=settings.mail_sender,
            timeout=settings.mail_timeout_seconds,
        )

    def build(self, message: Outgoing) -> EmailMessage:
        """The MIME message; its Message-ID names the outbox row, so a copy is recognisable."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or ""
        mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="mitfahrnetz")
        mail["Content-Language"] = message.locale
        mail.set_content(message.body)
        return mail

    def _connect(self) -> smtplib.SMTP:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=context)
        return client

    def send(self, message: Outgoing) -> None:
        """Deliver one e-mail; map SMTP replies to temporary (4xx, network) or permanent (5xx)."""
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password)
                client.send_message(self.build(message))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            temporary = all(400 <= code < 500 for code in codes)
            raise TransportError(f"recipient refused: {codes}", temporary=temporary) from exc
        except smtplib.SMTPResponseException as exc:
            temporary = 400 <= exc.smtp_code < 500
            raise TransportError(
                f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", temporary=temporary
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"SMTP unavailable: {exc}") from exc


SMS_GATEWAYS: dict[str, Callable[[Settings], Transport]] = {"log": lambda _s: LogSmsGateway()}
"""Named SMS gateways for ``SMS_GATEWAY``; a provider adds its factory here."""


@dataclass(frozen=True)
class Transports:
    """One transport per channel."""

    email: Transport
    sms: Transport

    def for_channel(self, channel: OutboxChannel) -> Transport:
        """The transport of ``channel``."""
        return self.email if channel == OutboxChannel.EMAIL else self.sms

    @classmethod
    def from_settings(cls, settings: Settings) -> Transports:
        """SMTP from ``MAIL_*``, the SMS gateway named by ``SMS_GATEWAY``."""
        if settings.sms_gateway not in SMS_GATEWAYS:
            raise ValueError(f"unknown SMS_GATEWAY {settings.sms_gateway!r}")
        return cls(
            email=SmtpTransport.from_settings(settings),
            sms=SMS_GATEWAYS[settings.sms_gateway](settings),
        )
