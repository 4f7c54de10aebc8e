"""Single-use, expiring links that let a driver answer a route without logging in.

The token is shown once (in the message) and only its SHA-256 hash is stored
on the route; answering clears the hash, so a link works once. A new token
(e.g. for a reminder) replaces the old one.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.clock import local_midnight
from matcher.errors import N_
from matcher.errors import NotFound
from matcher.models import Route
from matcher.security import hash_token
from matcher.security import new_token
from matcher.settings import Settings

INVALID_LINK = N_("This link is no longer valid. Please open your schedule to answer.")


def token_expiry(route: Route, settings: Settings) -> dt.datetime:
    """A link works until the end of the route's local day."""
    return local_midnight(route.plan.day + dt.timedelta(days=1), settings.tz)


def issue_route_token(route: Route, settings: Settings) -> str:
    """A fresh token for ``route``; the previous link stops working."""
    token, token_hash = new_token()
    route.confirm_token_hash = token_hash
    route.confirm_token_expires_at = token_expiry(route, settings)
    return token


def route_for_token(session: Session, token: str, now: dt.datetime) -> Route:
    """The route a valid link belongs to; NotFound for unknown, used or expired links."""
    route = session.scalar(sa.select(Route).where(Route.confirm_token_hash == hash_token(token)))
    if route is None or (
        route.confirm_token_expires_at is not None and route.confirm_token_expires_at <= now
    ):
        raise NotFound(INVALID_LINK)
    return route


def respond_url(base_url: str, token: str, action: str) -> str:
    """The link in a message (the web app serves ``/driver/respond/<token>``)."""
    return f"{base_url.rstrip('/')}/driver/respond/{token}?action={action}"
