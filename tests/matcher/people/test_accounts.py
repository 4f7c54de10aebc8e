"""Office accounts: invitations, roles, deactivation and password reset links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from babel.support import Translations

from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import CoordinatorRole
from matcher.models import CoordinatorToken
from matcher.models import CoordinatorTokenPurpose
from matcher.models import OutboxMessage
from matcher.people import coordinators as accounts
from matcher.settings import Settings
from tests.factories import make_coordinator
from web.config import DefaultConfig

SETTINGS = Settings(translations_dir=DefaultConfig.TRANSLATIONS_DIR, base_url="https://mfn.example")
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
PASSWORD = "ein langes neues Passwort"


def mails(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def link_token(mail: OutboxMessage) -> str:
    match = re.search(r"https://mfn\.example/coordinator/password/(\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def actions(session) -> list[str]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def invite(session, admin, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("email", "Neu@Example.org")
    kw.setdefault("name", "Nora Neu")
    kw.setdefault("role", "coordinator")
    kw.setdefault("locale", "uk")
    return accounts.invite_coordinator(session, admin_id=admin.id, settings=SETTINGS, now=NOW, **kw)


@pytest.fixture()
def admin(session):  # type: ignore[no-untyped-def]
    return make_coordinator(session, name="Anna Admin", role=CoordinatorRole.ADMIN)


def test_invitation_creates_an_account_without_password_and_mails_the_link(session, admin) -> None:  # type: ignore[no-untyped-def]
    invited = invite(session, admin)
    assert invited.email == "neu@example.org" and invited.invitation_pending
    assert accounts.authenticate_coordinator(session, "neu@example.org", "") is None
    (mail,) = mails(session)
    ukrainian = Translations.load(DefaultConfig.TRANSLATIONS_DIR, ["uk"], domain="messages")
    assert mail.recipient == "neu@example.org" and mail.locale == "uk"
    assert mail.subject == ukrainian.gettext("Your invitation to the Mitfahrnetz office")
    assert mail.subject != "Your invitation to the Mitfahrnetz office"
    assert actions(session) == ["coordinator.invite"]

    token = link_token(mail)
    assert accounts.link_account(session, token, NOW) == (invited, CoordinatorTokenPurpose.INVITE)
    assert accounts.set_password_with_link(session, token, PASSWORD, NOW) is invited
    assert not invited.invitation_pending
    assert accounts.authenticate_coordinator(session, "neu@example.org", PASSWORD) is invited
    # Single use: the same link does nothing a second time.
    assert accounts.link_account(session, token, NOW) is None
    assert accounts.set_password_with_link(session, token, "noch ein anderes Passwort", NOW) is None
    assert actions(session)[-1] == "coordinator.accept_invite"


def test_invitation_refuses_a_taken_address_an_unknown_role_and_language(session, admin) -> None:  # type: ignore[no-untyped-def]
    invite(session, admin)
    with pytest.raises(Conflict):
        invite(session, admin, email="NEU@example.org ")
    with pytest.raises(ValidationError):
        invite(session, admin, email="b@example.org", role="boss")
    with pytest.raises(ValidationError):
        invite(session, admin, email="c@example.org", locale="xx")
    with pytest.raises(ValidationError):
        invite(session, admin, email=" ")


def test_links_expire(session, admin) -> None:  # type: ignore[no-untyped-def]
    invite(session, admin)
    token = link_token(mails(session)[0])
    late = NOW + accounts.INVITE_LIFETIME + dt.timedelta(seconds=1)
    assert accounts.link_account(session, token, late) is None
    assert accounts.set_password_with_link(session, token, PASSWORD, late) is None


def test_a_short_password_is_refused_and_the_link_still_works(session, admin) -> None:  # type: ignore[no-untyped-def]
    invite(session, admin)
    token = link_token(mails(session)[0])
    with pytest.raises(ValidationError):
        accounts.set_password_with_link(session, token, "kurz", NOW)
    assert accounts.link_account(session, token, NOW) is not None


def test_reinvite_gives_a_new_link_and_kills_the_old_one(session, admin) -> None:  # type: ignore[no-untyped-def]
    invited = invite(session, admin)
    old = link_token(mails(session)[0])
    accounts.resend_invitation(session, invited.id, invited.row_version, admin.id, SETTINGS, NOW)
    new = link_token(mails(session)[1])
    assert accounts.link_account(session, old, NOW) is None
    assert accounts.link_account(session, new, NOW) is not None
    accounts.set_password_with_link(session, new, PASSWORD, NOW)
    with pytest.raises(Conflict):
        accounts.resend_invitation(
            session, invited.id, invited.row_version, admin.id, SETTINGS, NOW
        )


def test_password_reset_for_a_known_address_only(session) -> None:  # type: ignore[no-untyped-def]
    person = make_coordinator(session, email="petra@example.org", locale="ar")
    assert accounts.request_password_reset(session, "nobody@example.org", SETTINGS, NOW) is None
    assert mails(session) == []
    token = accounts.request_password_reset(session, " Petra@Example.org", SETTINGS, NOW)
    assert token is not None
    (mail,) = mails(session)
    assert mail.locale == "ar" and link_token(mail) == token
    assert accounts.link_account(session, token, NOW) == (person, CoordinatorTokenPurpose.RESET)
    # A reset link lives one hour.
    assert accounts.link_account(session, token, NOW + dt.timedelta(minutes=61)) is None
    assert accounts.set_password_with_link(session, token, PASSWORD, NOW) is person
    assert accounts.authenticate_coordinator(session, "petra@example.org", PASSWORD) is person
    assert actions(session)[-1] == "coordinator.password_reset"


def test_a_new_reset_link_kills_the_previous_one(session) -> None:  # type: ignore[no-untyped-def]
    make_coordinator(session, email="petra@example.org")
    first = accounts.request_password_reset(session, "petra@example.org", SETTINGS, NOW)
    second = accounts.request_password_reset(session, "petra@example.org", SETTINGS, NOW)
    assert first and second and first != second
    assert accounts.link_account(session, first, NOW) is None
    assert accounts.link_account(session, second, NOW) is not None


def test_deactivated_accounts_get_no_reset_and_their_links_die(session, admin) -> None:  # type: ignore[no-untyped-def]
    person = make_coordinator(session, email="petra@example.org")
    token = accounts.request_password_reset(session, "petra@example.org", SETTINGS, NOW)
    assert token is not None
    accounts.set_active(session, person.id, person.row_version, False, admin.id)
    assert accounts.link_account(session, token, NOW) is None
    assert accounts.set_password_with_link(session, token, PASSWORD, NOW) is None
    assert accounts.request_password_reset(session, "petra@example.org", SETTINGS, NOW) is None
    assert accounts.authenticate_coordinator(session, "petra@example.org", "x" * 12) is None
    accounts.set_active(session, person.id, person.row_version, True, admin.id)
    assert person.active
    assert actions(session)[-2:] == ["coordinator.deactivate", "coordinator.reactivate"]


def test_role_change_uses_the_row_version(session, admin) -> None:  # type: ignore[no-untyped-def]
    person = make_coordinator(session)
    seen = person.row_version
    accounts.set_role(session, person.id, seen, "viewer", admin.id)
    assert person.role == CoordinatorRole.VIEWER and person.row_version == seen + 1
    with pytest.raises(Conflict):  # a second admin who still sees the old page
        accounts.set_role(session, person.id, seen, "admin", admin.id)
    with pytest.raises(Conflict):
        accounts.set_active(session, person.id, seen, False, admin.id)
    with pytest.raises(ValidationError):
        accounts.set_role(session, person.id, person.row_version, "boss", admin.id)
    with pytest.raises(NotFound):
        accounts.set_role(session, 10**9, 1, "viewer", admin.id)
    entry = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "coordinator.role")
    ).one()
    assert entry.details == {"before": "coordinator", "after": "viewer"}
    assert entry.actor_id == admin.id and entry.entity_id == person.id


def test_the_last_admin_is_never_demoted_or_deactivated(session, admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict):
        accounts.set_role(session, admin.id, admin.row_version, "coordinator", admin.id)
    with pytest.raises(Conflict):
        accounts.set_active(session, admin.id, admin.row_version, False, admin.id)
    other = make_coordinator(session, role=CoordinatorRole.ADMIN)
    with pytest.raises(Conflict):  # nobody deactivates themselves
        accounts.set_active(session, admin.id, admin.row_version, False, admin.id)
    accounts.set_active(session, admin.id, admin.row_version, False, other.id)
    assert not admin.active
    with pytest.raises(Conflict):
        accounts.set_role(session, other.id, other.row_version, "viewer", other.id)


def test_tokens_are_stored_as_hashes(session, admin) -> None:  # type: ignore[no-untyped-def]
    invite(session, admin)
    token = link_token(mails(session)[0])
    row = session.scalars(sa.select(CoordinatorToken)).one()
    assert row.token_hash != token and len(row.token_hash) == 64
