"""Coordinator accounts: creation (CLI, admin page) and password login."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.clock import utcnow
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import ValidationError
from matcher.models import Coordinator
from matcher.models import CoordinatorRole
from matcher.security import hash_password
from matcher.security import password_needs_rehash
from matcher.security import verify_password

MIN_PASSWORD_LENGTH = 10


@cache
def _dummy_hash() -> str:
    """Checked for unknown e-mails, so a wrong address costs as long as a wrong password."""
    return hash_password("not the password of anybody")


def _find(session: Session, email: str) -> Coordinator | None:
    return session.scalar(
        sa.select(Coordinator).where(sa.func.lower(Coordinator.email) == email.strip().lower())
    )


def create_coordinator(
    session: Session, *, email: str, name: str, password: str, role: str | CoordinatorRole
) -> Coordinator:
    """Create an account (argon2id hash); Conflict for a taken e-mail, ValidationError: short."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            N_("The password needs at least {count} characters."),
            field="password",
            count=MIN_PASSWORD_LENGTH,
        )
    try:
        role = CoordinatorRole(role)
    except ValueError:
        raise ValidationError(N_("Unknown role."), field="role") from None
    if _find(session, email or "") is not None:
        raise Conflict(N_("An account with this e-mail address exists already."))
    coordinator = Coordinator(
        email=(email or "").strip().lower(),
        name=(name or "").strip(),
        password_hash=hash_password(password),
        role=role,
    )
    session.add(coordinator)
    session.flush()
    return coordinator


def authenticate_coordinator(session: Session, email: str, password: str) -> Coordinator | None:
    """The active coordinator with this e-mail and password, or None (same cost if unknown)."""
    coordinator = _find(session, email or "")
    if coordinator is None:
        verify_password(_dummy_hash(), password or "")
        return None
    if not verify_password(coordinator.password_hash, password or "") or not coordinator.active:
        return None
    if password_needs_rehash(coordinator.password_hash):
        coordinator.password_hash = hash_password(password)
    coordinator.last_login_at = utcnow()
    session.flush()
    return coordinator
