"""Messages about access: a rider's welcome with the personal link, a driver's login link.

Rendered from ``templates/`` in the recipient's language like every other
message, and enqueued through the one ``outbox.enqueue``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from matcher.models import Driver
from matcher.models import OutboxMessage
from matcher.models import Rider
from matcher.notifications.events import send_to
from matcher.notifications.events import site_url
from matcher.settings import Settings


def welcome_rider(
    session: Session, rider: Rider, token: str, settings: Settings, now: dt.datetime
) -> OutboxMessage | None:
    """Send a newly registered rider their personal link: by e-mail, else by SMS.

    Most newcomers give only a phone number; the SMS keeps the link where they
    will find it again when the page is closed.
    """
    return send_to(
        session,
        key=f"rider-welcome:{rider.id}",
        template="rider_welcome.txt",
        locale=rider.locale,
        settings=settings,
        now=now,
        email=rider.email,
        phone=rider.phone,
        related=("rider", rider.id),
        link=site_url(settings, f"/me/{token}"),
    )


def send_login_link(
    session: Session,
    driver: Driver,
    token: str,
    token_hash: str,
    lifetime: dt.timedelta,
    settings: Settings,
    now: dt.datetime,
) -> OutboxMessage | None:
    """E-mail a driver a single-use login link, valid for ``lifetime``."""
    if not driver.email:
        return None
    return send_to(
        session,
        key=f"driver-login:{token_hash}",
        template="driver_login.txt",
        locale=driver.locale,
        settings=settings,
        now=now,
        email=driver.email,
        related=("driver", driver.id),
        link=site_url(settings, f"/driver/login/{token}"),
        name=driver.first_name,
        minutes=int(lifetime.total_seconds() // 60),
    )
