"""The driver's personal calendar feed: an unguessable URL whose token only exists hashed.

Issuing a new token makes the old URL stop working (e.g. after a phone was lost).
What the feed lists is ``matcher.queries.calendar_legs``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.errors import NotFound
from matcher.models import Driver
from matcher.security import hash_token
from matcher.security import new_token


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
