"""Network partners: the organisations that refer riders, and their staff's accounts.

Counselling centres, the job centre, the employment agency, course providers,
employers and volunteer groups bring newcomers in. A partner's staff log in with
e-mail and password (invited by a coordinator, like office accounts) and see only
the riders their organisation referred (``Rider.partner_id``). Staff live in a
table of their own, not among the coordinators, so no office query can ever
count a partner as the office.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from matcher.db import Base
from matcher.errors import N_
from matcher.models.common import Timestamped
from matcher.models.common import check_email
from matcher.models.common import check_text
from matcher.models.common import enum_type
from matcher.models.common import fail
from matcher.models.people import LOCALES
from matcher.models.people import PasswordAccount
from matcher.models.people import PasswordLinkToken


class PartnerKind(StrEnum):
    """What kind of organisation a partner is."""

    COUNSELLING_CENTRE = "counselling_centre"
    JOB_CENTRE = "job_centre"
    EMPLOYMENT_AGENCY = "employment_agency"
    COURSE_PROVIDER = "course_provider"
    """An adult-education centre or another provider of (integration) courses."""
    EMPLOYER = "employer"
    VOLUNTEER_GROUP = "volunteer_group"


def _check_locale(key: str, value: str) -> str:
    if value not in LOCALES:
        fail(N_("Unsupported language: {locale}."), key, locale=value)
    return value


class PartnerOrganisation(Timestamped, Base):
    """A partner of the network; ``email`` is its contact address for riders without one.

    Partners are deactivated, never deleted: their riders keep the reference.
    """

    __tablename__ = "partner_organisations"
    __table_args__ = (
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
        sa.CheckConstraint("row_version >= 1", name="row_version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_type(PartnerKind, "partner_kind"))
    email: Mapped[str] = mapped_column(sa.String(254))
    """Where ride information goes for a referred rider who has no phone or e-mail."""
    locale: Mapped[str] = mapped_column(sa.String(8), default="de")
    """The language of the messages the organisation receives."""
    active: Mapped[bool] = mapped_column(default=True)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    staff: Mapped[list[PartnerStaff]] = relationship(
        back_populates="partner", order_by="PartnerStaff.name"
    )

    @validates("name")
    def _validate_name(self, key: str, value: str) -> str:
        return check_text(key, value, 120, required=True)

    @validates("email")
    def _validate_email(self, key: str, value: str) -> str:
        if not value:
            fail(N_("E-mail address is required."), key)
        return check_email(key, value)

    @validates("locale")
    def _validate_locale(self, key: str, value: str) -> str:
        return _check_locale(key, value)

    def __repr__(self) -> str:
        return f"<PartnerOrganisation {self.id} {self.name!r} {self.kind}>"


class PartnerStaff(PasswordAccount, Base):
    """A partner's staff member: logs in with e-mail and password, set through an invitation."""

    __tablename__ = "partner_staff"

    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner_organisations.id", ondelete="RESTRICT"), index=True
    )

    partner: Mapped[PartnerOrganisation] = relationship(back_populates="staff")

    def __repr__(self) -> str:
        return f"<PartnerStaff {self.id} {self.email!r} partner={self.partner_id}>"


class PartnerStaffToken(PasswordLinkToken, Base):
    """A partner staff member's invitation or reset link."""

    __tablename__ = "partner_staff_tokens"
    OWNER = "staff_id"

    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner_staff.id", ondelete="CASCADE"), index=True
    )

    staff: Mapped[PartnerStaff] = relationship()
