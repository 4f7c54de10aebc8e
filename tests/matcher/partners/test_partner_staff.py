"""Partner organisations and their staff's accounts: created by the office, invited, logged in.

The same rules as office accounts: a link works once and expires, a new password ends
the other sessions, an unknown address costs as much as a wrong password; a staff
member works only while the account and the organisation are both active.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import OutboxMessage
from matcher.models import PartnerKind
from matcher.partners import organisations
from matcher.partners import staff
from matcher.partners.organisations import PartnerInput
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_partner
from tests.factories import make_partner_staff
from web.config import DefaultConfig

SETTINGS = Settings(translations_dir=DefaultConfig.TRANSLATIONS_DIR, base_url="https://mfn.example")
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
PASSWORD = "ein langes neues Passwort"


def mails(session) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def link_token(mail: OutboxMessage) -> str:
    match = re.search(r"https://mfn\.example/partner/password/(\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


def audit(session) -> list[tuple[str, str, int | None]]:  # type: ignore[no-untyped-def]
    rows = session.execute(
        sa.select(AuditEntry.action, AuditEntry.actor_type, AuditEntry.actor_id).order_by(
            AuditEntry.id
        )
    )
    return [(a, str(t), i) for a, t, i in rows]


def invite(session, office, partner, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("email", "neu@example.org")
    kw.setdefault("name", "Nora Neu")
    kw.setdefault("locale", "de")
    return staff.invite_staff(
        session,
        partner_id=partner.id,
        coordinator_id=office.id,
        settings=SETTINGS,
        now=kw.pop("now", NOW),
        **kw,
    )


@pytest.fixture()
def office(session):  # type: ignore[no-untyped-def]
    return make_coordinator(session, name="Petra Koordination")


def test_the_office_creates_a_partner_of_each_kind_and_names_are_unique(session, office) -> None:  # type: ignore[no-untyped-def]
    for kind in PartnerKind:
        organisations.create_partner(
            session,
            PartnerInput(f"Partner {kind.value}", kind.value, "info@example.org"),
            office.id,
        )
    assert len(organisations.list_partners(session)) == len(PartnerKind)
    with pytest.raises(Conflict):
        organisations.create_partner(
            session, PartnerInput("  partner   EMPLOYER ", "employer", "x@example.org"), office.id
        )
    with pytest.raises(ValidationError) as unknown:
        organisations.create_partner(
            session, PartnerInput("Neu", "church", "x@example.org"), office.id
        )
    assert unknown.value.field == "kind"
    with pytest.raises(ValidationError) as address:
        organisations.create_partner(session, PartnerInput("Neu", "employer", "kein@"), office.id)
    assert address.value.field == "email"
    assert {a for a, _, _ in audit(session)} == {"partner.create"}


def test_a_change_with_an_old_row_version_is_refused(session, office) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner(session, name="Jobcenter Lüchow", kind=PartnerKind.JOB_CENTRE)
    seen = partner.row_version
    changed = PartnerInput("Jobcenter Lüchow-Dannenberg", "job_centre", "jc@example.org", "en")
    organisations.update_partner(session, partner.id, seen, changed, office.id)
    assert (partner.name, partner.email, partner.locale) == (
        "Jobcenter Lüchow-Dannenberg",
        "jc@example.org",
        "en",
    )
    with pytest.raises(Conflict):
        organisations.set_partner_active(session, partner.id, seen, False, office.id)
    with pytest.raises(NotFound):
        organisations.get_partner(session, partner.id + 1000)


def test_invited_staff_set_a_password_once_and_log_in(session, office) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner(session, name="KVHS Lüchow", kind=PartnerKind.COURSE_PROVIDER)
    invited = invite(session, office, partner, email="Lena.Kurs@Example.org", locale="ar")
    assert invited.email == "lena.kurs@example.org" and invited.invitation_pending
    (mail,) = mails(session)
    assert mail.recipient == "lena.kurs@example.org" and mail.locale == "ar"
    assert "KVHS Lüchow" in mail.body
    assert mail.subject == "دعوتك إلى Mitfahrnetz"  # in the invitee's language
    token = link_token(mail)
    assert staff.authenticate_staff(session, "lena.kurs@example.org", "") is None
    found = staff.link_account(session, token, NOW)
    assert found is not None and found[0] is invited
    with pytest.raises(ValidationError):
        staff.set_password_with_link(session, token, "kurz", NOW)
    before = invited.session_version
    assert staff.set_password_with_link(session, token, PASSWORD, NOW) is invited
    assert invited.session_version == before + 1
    assert staff.set_password_with_link(session, token, PASSWORD, NOW) is None  # once
    assert staff.link_account(session, token, NOW) is None
    assert staff.authenticate_staff(session, "LENA.kurs@example.org ", PASSWORD) is invited
    assert staff.authenticate_staff(session, "lena.kurs@example.org", "falsch") is None
    assert audit(session) == [
        ("partner_staff.invite", "coordinator", office.id),
        ("partner_staff.accept_invite", "partner", invited.id),
    ]


def test_an_invitation_expires_and_a_new_one_replaces_it(session, office) -> None:  # type: ignore[no-untyped-def]
    partner = make_partner(session)
    invited = invite(session, office, partner)
    first = link_token(mails(session)[0])
    late = NOW + staff.password_links.INVITE_LIFETIME + dt.timedelta(seconds=1)
    assert staff.link_account(session, first, late) is None
    staff.resend_invitation(
        session, partner.id, invited.id, invited.row_version, office.id, SETTINGS, now=late
    )
    second = link_token(mails(session)[1])
    assert staff.link_account(session, first, late) is None
    assert staff.link_account(session, second, late) is not None


def test_a_taken_address_and_a_deactivated_partner_are_refused(session, office) -> None:  # type: ignore[no-untyped-def]
    member = make_partner_staff(session, email="taken@example.org")
    with pytest.raises(Conflict):
        invite(session, office, member.partner, email="Taken@example.org")
    with pytest.raises(Conflict):
        invite(session, office, make_partner(session, active=False))


def test_staff_of_a_deactivated_account_or_partner_cannot_log_in(session, office) -> None:  # type: ignore[no-untyped-def]
    member = make_partner_staff(session, email="berta@example.org")
    assert staff.authenticate_staff(session, "berta@example.org", "correct horse battery staple")
    staff.set_staff_active(
        session, member.partner_id, member.id, member.row_version, False, office.id
    )
    assert staff.staff_member(session, member.id) is None
    assert not staff.authenticate_staff(
        session, "berta@example.org", "correct horse battery staple"
    )
    staff.set_staff_active(
        session, member.partner_id, member.id, member.row_version, True, office.id
    )
    assert staff.staff_member(session, member.id) is member
    partner = member.partner
    organisations.set_partner_active(session, partner.id, partner.row_version, False, office.id)
    assert staff.staff_member(session, member.id) is None
    assert staff.request_password_reset(session, "berta@example.org", SETTINGS) is None
    # A staff member is changed only on her own partner's page.
    with pytest.raises(NotFound):
        staff.set_staff_active(
            session, partner.id + 1, member.id, member.row_version, True, office.id
        )


def test_a_reset_link_is_sent_only_to_a_working_account(session) -> None:  # type: ignore[no-untyped-def]
    member = make_partner_staff(session, email="carla@example.org", locale="tr")
    assert staff.request_password_reset(session, "nobody@example.org", SETTINGS, NOW) is None
    token = staff.request_password_reset(session, "CARLA@example.org", SETTINGS, NOW)
    assert token is not None
    (mail,) = mails(session)
    assert mail.recipient == "carla@example.org" and mail.locale == "tr"
    late = NOW + staff.password_links.RESET_LIFETIME + dt.timedelta(seconds=1)
    assert staff.set_password_with_link(session, token, PASSWORD, late) is None
    assert staff.set_password_with_link(session, token, PASSWORD, NOW) is member
