"""Coordinator accounts: creation and password login."""

from __future__ import annotations

import pytest

from matcher.errors import Conflict
from matcher.errors import ValidationError
from matcher.models import CoordinatorRole
from matcher.people.coordinators import authenticate_coordinator
from matcher.people.coordinators import create_coordinator

PASSWORD = "lange genug und geheim"


def test_create_and_authenticate(session):
    admin = create_coordinator(
        session, email=" Admin@Example.org ", name="Ada", password=PASSWORD, role="admin"
    )
    assert admin.email == "admin@example.org" and admin.role == CoordinatorRole.ADMIN
    assert admin.password_hash.startswith("$argon2id$")
    assert authenticate_coordinator(session, "ADMIN@example.org", PASSWORD) is admin
    assert admin.last_login_at is not None
    assert authenticate_coordinator(session, "admin@example.org", "wrong password!") is None
    assert authenticate_coordinator(session, "nobody@example.org", PASSWORD) is None
    admin.active = False
    assert authenticate_coordinator(session, "admin@example.org", PASSWORD) is None


def test_create_refuses_duplicates_short_passwords_and_unknown_roles(session):
    create_coordinator(
        session, email="a@example.org", name="A", password=PASSWORD, role="coordinator"
    )
    with pytest.raises(Conflict):
        create_coordinator(
            session, email="A@example.org", name="B", password=PASSWORD, role="admin"
        )
    with pytest.raises(ValidationError):
        create_coordinator(session, email="b@example.org", name="B", password="short", role="admin")
    with pytest.raises(ValidationError):
        create_coordinator(session, email="c@example.org", name="C", password=PASSWORD, role="boss")
