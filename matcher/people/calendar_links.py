"""The driver's personal calendar feed: an unguessable URL whose token only exists hashed.

Issuing a new token makes the old URL stop working (e.g. after a phone was lost).
The feed lists the published routes from ``FEED_PAST_DAYS`` ago to
``FEED_FUTURE_DAYS`` ahead; calendar apps poll it, so a newly published version
of a day replaces that day's event (same UID, higher SEQUENCE).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.errors import NotFound
from matcher.models import Driver
from matcher.queries.schedules import DriverDay
from matcher.queries.schedules import driver_day
from matcher.queries.schedules import published_routes
from matcher.security import hash_token
from matcher.security import new_token
from matcher.settings import Settings

FEED_PAST_DAYS = 14
FEED_FUTURE_DAYS = 60


def issue_calendar_token(session: Session, driver_id: int) -> str:
    """A new feed token for the driver (shown once); the previous feed URL stops working."""
    driver = session.get(Driver, driver_id)
    if driver is None or driver.erased_at is not None:
        raise NotFound()
    token, token_hash = new_token()
    driver.calendar_token_hash = token_hash
    session.flush()
    return token


def revoke_calendar_token(session: Session, driver_id: int) -> None:
    """Switch the feed off."""
    driver = session.get(Driver, driver_id)
    if driver is None:
        raise NotFound()
    driver.calendar_token_hash = None
    session.flush()


def driver_for_calendar_token(session: Session, token: str) -> Driver | None:
    """The active driver whose feed ``token`` opens, or None."""
    return session.scalar(
        sa.select(Driver).where(
            Driver.calendar_token_hash == hash_token(token),
            Driver.active.is_(True),
            Driver.erased_at.is_(None),
        )
    )


def feed_days(
    session: Session, driver_id: int, today: dt.date, settings: Settings
) -> list[DriverDay]:
    """The driver's published routes around ``today`` for the feed, by day."""
    first = today - dt.timedelta(days=FEED_PAST_DAYS)
    last = today + dt.timedelta(days=FEED_FUTURE_DAYS)
    return [driver_day(r, settings) for r in published_routes(session, driver_id, first, last)]
