"""People: riders (no account), volunteer drivers, coordinator accounts.

Personal fields are nullable on riders and drivers because erasure (GDPR Art. 17)
blanks them while the row stays for anonymous statistics; a CHECK keeps them
required for everyone not erased. Tokens are stored as SHA-256 hashes only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import declared_attr
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.errors import N_
from matcher.models.common import MAX_SEATS
from matcher.models.common import Timestamped
from matcher.models.common import check_aware
from matcher.models.common import check_email
from matcher.models.common import check_int_range
from matcher.models.common import check_languages
from matcher.models.common import check_phone
from matcher.models.common import check_text
from matcher.models.common import check_token_hash
from matcher.models.common import enum_type
from matcher.models.common import fail
from matcher.models.places import Place

if TYPE_CHECKING:
    from matcher.models.availability import AvailabilityException
    from matcher.models.availability import AvailabilityWindow
    from matcher.models.needs import RideNeed
    from matcher.models.partners import PartnerOrganisation

PHONE_CHECK = "phone LIKE '+%' AND length(phone) BETWEEN 8 AND 16"
HASH_CHECK = "length({col}) = 64"
LOCALES = ("de", "en", "ar", "fa", "ps", "uk", "ru", "tr", "ro")
"""The UI languages (issue 4); ``fa`` serves Farsi and Dari."""


def _check_locale(value: str) -> str:
    if value not in LOCALES:
        fail(N_("Unsupported language: {locale}."), "locale", locale=value)
    return value


class MobilityNeed(StrEnum):
    """Structured mobility needs a driver must know about before accepting a rider."""

    WALKING_AID = "walking_aid"
    FOLDING_WHEELCHAIR = "folding_wheelchair"


class Rider(Timestamped, Base):
    """A person who needs rides; reached through a personal link, not an account."""

    __tablename__ = "riders"
    __table_args__ = (
        sa.CheckConstraint(
            "erased_at IS NOT NULL OR (first_name IS NOT NULL AND phone IS NOT NULL)",
            name="personal_data_unless_erased",
        ),
        sa.CheckConstraint(PHONE_CHECK, name="phone_e164"),
        sa.CheckConstraint(HASH_CHECK.format(col="token_hash"), name="token_hash_sha256"),
        sa.CheckConstraint("possible_duplicate_of_id <> id", name="not_own_duplicate"),
        sa.Index("ix_riders_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(16))
    """E.164, e.g. ``+4915112345678``; not unique: a second registration is flagged instead."""
    email: Mapped[str | None] = mapped_column(sa.String(254))
    home_place_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("places.id", ondelete="RESTRICT"), index=True
    )
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    mobility_needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str | None] = mapped_column(sa.Text)
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    privacy_notice_version: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    """SHA-256 of the personal-link token; the token itself is never stored."""
    link_nonce: Mapped[str | None] = mapped_column(sa.String(32))
    """The random half of the personal link (the token is its HMAC under the secret key).

    None for a link that cannot be made again: random (no secret key), demo, erased.
    """
    link_issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    """When the current personal link was made (None: at registration, before this was kept)."""
    locale: Mapped[str] = mapped_column(sa.String(8), default="de")
    location_to_check: Mapped[bool] = mapped_column(default=False)
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("riders.id", ondelete="SET NULL")
    )
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partner_organisations.id", ondelete="RESTRICT"), index=True
    )
    """The partner organisation that referred the rider (None: she came by herself)."""
    is_demo: Mapped[bool] = mapped_column(default=False)
    last_active_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    home_place: Mapped[Place | None] = relationship(foreign_keys=[home_place_id])
    partner: Mapped[PartnerOrganisation | None] = relationship()
    possible_duplicate_of: Mapped[Rider | None] = relationship(remote_side=[id])
    needs: Mapped[list[RideNeed]] = relationship(back_populates="rider", passive_deletes=True)

    @validates("first_name")
    def _validate_first_name(self, _key: str, value: str | None) -> str | None:
        # Required-ness is checked before flush: erasure blanks it after setting erased_at.
        return check_text("first_name", value, 80) or None

    @validates("phone")
    def _validate_phone(self, key: str, value: str | None) -> str | None:
        return check_phone(key, value)

    @validates("email")
    def _validate_email(self, key: str, value: str | None) -> str | None:
        return check_email(key, value)

    @validates("note")
    def _validate_note(self, key: str, value: str | None) -> str | None:
        return check_text(key, value, 2000)

    @validates("languages")
    def _validate_languages(self, key: str, value: Any) -> list[str]:
        return check_languages(key, value)

    @validates("mobility_needs")
    def _validate_mobility(self, key: str, value: Any) -> list[str]:
        allowed = {m.value for m in MobilityNeed}
        values = sorted(set(value or []))
        if not set(values) <= allowed:
            fail(N_("Unknown mobility need."), key)
        return values

    @validates("token_hash")
    def _validate_token_hash(self, key: str, value: str | None) -> str | None:
        return check_token_hash(key, value)

    @validates("locale")
    def _validate_locale(self, _key: str, value: str) -> str:
        return _check_locale(value)

    @validates("consent_at", "last_active_at", "erased_at")
    def _validate_instants(self, key: str, value: dt.datetime | None) -> dt.datetime | None:
        return check_aware(key, value)

    def check_consistency(self) -> None:
        """Everyone not erased has a name, a phone number and has consented."""
        if self.erased_at is None and (not self.first_name or not self.phone):
            fail(N_("First name and phone number are required."), "first_name")
        if self.consent_at is None:
            fail(N_("Consent to data processing is required."), "consent_at")

    def __repr__(self) -> str:
        return f"<Rider {self.id} {self.first_name!r}>"


class DriverVetting(StrEnum):
    """Where a driver stands with the office: only ``approved`` drivers are planned."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class VettingReason(StrEnum):
    """Why the office rejected or suspended a driver (the driver reads it in their language)."""

    NO_LICENCE = "no_licence"
    NO_CERTIFICATE = "no_certificate"
    CAR_UNSUITABLE = "car_unsuitable"
    OUTSIDE_AREA = "outside_area"
    NOT_REACHABLE = "not_reachable"
    COMPLAINT = "complaint"
    DOCUMENTS_EXPIRED = "documents_expired"
    OWN_REQUEST = "own_request"
    OTHER = "other"


REJECT_REASONS = (
    VettingReason.NO_LICENCE,
    VettingReason.NO_CERTIFICATE,
    VettingReason.CAR_UNSUITABLE,
    VettingReason.OUTSIDE_AREA,
    VettingReason.NOT_REACHABLE,
    VettingReason.OTHER,
)
SUSPEND_REASONS = (
    VettingReason.COMPLAINT,
    VettingReason.DOCUMENTS_EXPIRED,
    VettingReason.CAR_UNSUITABLE,
    VettingReason.OWN_REQUEST,
    VettingReason.OTHER,
)


class Driver(Timestamped, Base):
    """A volunteer driver with a car; usable by the planner only once approved and active.

    ``vetting_status`` is the office's decision (pending, approved, rejected, suspended) with
    its reason; ``vetted`` is its short form (approved). ``row_version`` guards the decisions.
    """

    __tablename__ = "drivers"
    __table_args__ = (
        sa.CheckConstraint(
            "erased_at IS NOT NULL OR (first_name IS NOT NULL AND phone IS NOT NULL"
            " AND email IS NOT NULL)",
            name="personal_data_unless_erased",
        ),
        sa.CheckConstraint(PHONE_CHECK, name="phone_e164"),
        sa.CheckConstraint(f"seats >= 1 AND seats <= {MAX_SEATS}", name="seats_range"),
        sa.CheckConstraint("child_seats >= 0 AND child_seats <= seats", name="child_seats_range"),
        sa.CheckConstraint(
            "max_driving_minutes_per_day > 0 AND max_driving_minutes_per_day <= 1440",
            name="max_driving_minutes_range",
        ),
        sa.CheckConstraint(
            "max_rides_per_week IS NULL OR max_rides_per_week >= 0", name="max_rides_nonneg"
        ),
        sa.CheckConstraint(
            "max_night_rides_per_week IS NULL OR max_night_rides_per_week >= 0",
            name="max_night_rides_nonneg",
        ),
        sa.CheckConstraint(
            "vetting_status <> 'approved' OR vetted_at IS NOT NULL", name="vetted_has_date"
        ),
        sa.CheckConstraint("row_version >= 1", name="row_version_positive"),
        sa.CheckConstraint(
            HASH_CHECK.format(col="calendar_token_hash"), name="calendar_token_hash_sha256"
        ),
        sa.Index("ix_drivers_phone", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(sa.String(80))
    last_name: Mapped[str | None] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(16))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    """Login name for magic links; lower case."""
    home_place_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("places.id", ondelete="RESTRICT"), index=True
    )
    car_description: Mapped[str | None] = mapped_column(sa.String(120))
    """Shown to riders ("blue VW Golf, LG-AB 123") so they find the right car."""
    seats: Mapped[int] = mapped_column(default=3)
    """Passenger seats, driver excluded."""
    child_seats: Mapped[int] = mapped_column(default=0)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    vetting_status: Mapped[DriverVetting] = mapped_column(
        enum_type(DriverVetting, "driver_vetting"), default=DriverVetting.PENDING
    )
    vetting_reason: Mapped[VettingReason | None] = mapped_column(
        enum_type(VettingReason, "vetting_reason")
    )
    vetting_note: Mapped[str | None] = mapped_column(sa.Text)
    vetted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    vetted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    max_driving_minutes_per_day: Mapped[int] = mapped_column(default=240)
    max_rides_per_week: Mapped[int | None]
    max_night_rides_per_week: Mapped[int | None]
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Raised at logout and password change: sessions made under an older version are dead."""
    calendar_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    locale: Mapped[str] = mapped_column(sa.String(8), default="de")
    consent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    privacy_notice_version: Mapped[str] = mapped_column(sa.String(20))
    is_demo: Mapped[bool] = mapped_column(default=False)
    last_active_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    home_place: Mapped[Place | None] = relationship(foreign_keys=[home_place_id])
    vetted_by: Mapped[Coordinator | None] = relationship(foreign_keys=[vetted_by_id])
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="driver", cascade="all, delete-orphan", passive_deletes=True
    )
    exceptions: Mapped[list[AvailabilityException]] = relationship(
        back_populates="driver", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def display_name(self) -> str:
        """First name and initial of the last name, as riders see it."""
        initial = f" {self.last_name[0]}." if self.last_name else ""
        return f"{self.first_name or '?'}{initial}"

    @hybrid_property
    def vetted(self) -> bool:
        """True once the office approved the driver (and has not suspended or rejected them)."""
        return self.vetting_status == DriverVetting.APPROVED

    @vetted.inplace.setter
    def _vetted_setter(self, value: bool) -> None:
        self.vetting_status = DriverVetting.APPROVED if value else DriverVetting.PENDING

    @vetted.inplace.expression
    @classmethod
    def _vetted_expression(cls) -> sa.ColumnElement[bool]:
        return cls.vetting_status == DriverVetting.APPROVED

    @hybrid_property
    def plannable(self) -> bool:
        """True if the planner may give this driver rides: approved, active, not erased."""
        return self.vetted and self.active and self.erased_at is None

    @plannable.inplace.expression
    @classmethod
    def _plannable_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(
            cls.vetting_status == DriverVetting.APPROVED,
            cls.active.is_(True),
            cls.erased_at.is_(None),
        )

    @validates("vetting_note")
    def _validate_vetting_note(self, key: str, value: str | None) -> str | None:
        return check_text(key, value, 2000) or None

    @validates("first_name", "last_name")
    def _validate_names(self, key: str, value: str | None) -> str | None:
        return check_text(key, value, 80) or None

    @validates("car_description")
    def _validate_car(self, key: str, value: str | None) -> str | None:
        return check_text(key, value, 120) or None

    @validates("phone")
    def _validate_phone(self, key: str, value: str | None) -> str | None:
        return check_phone(key, value)

    @validates("email")
    def _validate_email(self, key: str, value: str | None) -> str | None:
        return check_email(key, value)

    @validates("seats")
    def _validate_seats(self, key: str, value: int) -> int:
        return check_int_range(key, value, 1, MAX_SEATS)

    @validates("child_seats")
    def _validate_child_seats(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, MAX_SEATS)

    @validates("max_driving_minutes_per_day")
    def _validate_minutes(self, key: str, value: int) -> int:
        return check_int_range(key, value, 1, 1440)

    @validates("max_rides_per_week", "max_night_rides_per_week")
    def _validate_caps(self, key: str, value: int | None) -> int | None:
        return check_int_range(key, value, 0)

    @validates("languages")
    def _validate_languages(self, key: str, value: Any) -> list[str]:
        return check_languages(key, value)

    @validates("calendar_token_hash")
    def _validate_token_hash(self, key: str, value: str | None) -> str | None:
        return check_token_hash(key, value)

    @validates("locale")
    def _validate_locale(self, _key: str, value: str) -> str:
        return _check_locale(value)

    @validates("consent_at", "vetted_at", "last_active_at", "erased_at")
    def _validate_instants(self, key: str, value: dt.datetime | None) -> dt.datetime | None:
        return check_aware(key, value)

    def check_consistency(self) -> None:
        """Rules across fields: child seats fit, vetting is dated, contact data present."""
        if (
            self.child_seats is not None
            and self.seats is not None
            and self.child_seats > self.seats
        ):
            fail(N_("A car cannot have more child seats than seats."), "child_seats")
        if self.vetted and self.vetted_at is None:
            fail(N_("Vetting needs a date."), "vetted_at")
        if self.erased_at is None and not (self.first_name and self.phone and self.email):
            fail(N_("Name, phone number and e-mail address are required."), "first_name")
        if self.consent_at is None:
            fail(N_("Consent to data processing is required."), "consent_at")

    def __repr__(self) -> str:
        return f"<Driver {self.id} {self.first_name!r}>"


class DriverLoginToken(Base):
    """A magic login link for a driver: single use (``used_at``) and short-lived."""

    __tablename__ = "driver_login_tokens"
    __table_args__ = (
        sa.CheckConstraint(HASH_CHECK.format(col="token_hash"), name="token_hash_sha256"),
        sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    driver_id: Mapped[int] = mapped_column(
        sa.ForeignKey("drivers.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    driver: Mapped[Driver] = relationship()

    @validates("token_hash")
    def _validate_token_hash(self, key: str, value: str) -> str:
        return check_token_hash(key, value)

    @validates("created_at", "expires_at", "used_at")
    def _validate_instants(self, key: str, value: dt.datetime | None) -> dt.datetime | None:
        return check_aware(key, value)

    def check_consistency(self) -> None:
        """A token must expire after it was made."""
        if self.created_at and self.expires_at and self.expires_at <= self.created_at:
            fail(N_("A login link must expire after it is created."), "expires_at")

    def usable(self, now: dt.datetime) -> bool:
        """True if the link was not used yet and has not expired at ``now``."""
        return self.used_at is None and now < self.expires_at


class CoordinatorRole(StrEnum):
    """What an office account may do: admins also manage accounts, viewers only read."""

    COORDINATOR = "coordinator"
    ADMIN = "admin"
    VIEWER = "viewer"


class PasswordAccount(Timestamped):
    """The columns and rules of a staff account with e-mail and password (office, partners).

    An invited account has no password until the invitee sets one through the
    invitation link. ``row_version`` guards role changes and deactivation;
    ``session_version`` rises at logout and password change.
    """

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[sa.CheckConstraint, ...]:
        return (
            sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
            sa.CheckConstraint("row_version >= 1", name="row_version_positive"),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    """argon2id; None while an invitation is not yet taken up."""
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Raised at logout and password change: sessions made under an older version are dead."""
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(sa.String(8), default="de")
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    row_version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    @classmethod
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.row_version}

    @property
    def invitation_pending(self) -> bool:
        """True while the invitee has not set a password yet."""
        return self.password_hash is None

    @validates("email")
    def _validate_email(self, key: str, value: str) -> str:
        if not value:
            fail(N_("E-mail address is required."), key)
        return check_email(key, value)

    @validates("name")
    def _validate_name(self, key: str, value: str) -> str:
        return check_text(key, value, 120, required=True)

    @validates("locale")
    def _validate_locale(self, _key: str, value: str) -> str:
        return _check_locale(value)


class Coordinator(PasswordAccount, Base):
    """An office account that plans days; logs in with e-mail and password."""

    __tablename__ = "coordinators"

    role: Mapped[CoordinatorRole] = mapped_column(
        enum_type(CoordinatorRole, "coordinator_role"), default=CoordinatorRole.COORDINATOR
    )
    is_demo: Mapped[bool] = mapped_column(default=False)

    @property
    def is_admin(self) -> bool:
        """True for the admin role."""
        return self.role == CoordinatorRole.ADMIN

    def __repr__(self) -> str:
        return f"<Coordinator {self.id} {self.email!r} {self.role}>"


class CoordinatorTokenPurpose(StrEnum):
    """What a coordinator's e-mailed link is for."""

    INVITE = "invite"
    RESET = "reset"


class PasswordLinkToken:
    """An e-mailed link to set a password (invitation or reset): single use, expiring.

    The columns and rules every account with a password shares (office and partner
    staff); each table adds the foreign key to its account and names it in ``OWNER``.
    """

    OWNER: ClassVar[str]
    """The name of the column holding the account's id."""
    PURPOSE_TYPE: ClassVar[str] = "token_purpose"
    """The name of the purpose's type (its CHECK constraint is named after it)."""

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[sa.CheckConstraint, ...]:
        return (
            sa.CheckConstraint(HASH_CHECK.format(col="token_hash"), name="token_hash_sha256"),
            sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    @classmethod
    def purpose(cls) -> Mapped[CoordinatorTokenPurpose]:
        """Invitation or reset."""
        return mapped_column(enum_type(CoordinatorTokenPurpose, cls.PURPOSE_TYPE))

    @validates("token_hash")
    def _validate_token_hash(self, key: str, value: str) -> str:
        return check_token_hash(key, value)

    @validates("created_at", "expires_at", "used_at")
    def _validate_instants(self, key: str, value: dt.datetime | None) -> dt.datetime | None:
        return check_aware(key, value)

    def check_consistency(self) -> None:
        """A link must expire after it was made."""
        if self.created_at and self.expires_at and self.expires_at <= self.created_at:
            fail(N_("A link must expire after it is created."), "expires_at")

    def usable(self, now: dt.datetime) -> bool:
        """True if the link was not used yet and has not expired at ``now``."""
        return self.used_at is None and now < self.expires_at


class CoordinatorToken(PasswordLinkToken, Base):
    """An office account's invitation or reset link."""

    __tablename__ = "coordinator_tokens"
    OWNER = "coordinator_id"
    PURPOSE_TYPE = "coordinator_token_purpose"

    coordinator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("coordinators.id", ondelete="CASCADE"), index=True
    )

    coordinator: Mapped[Coordinator] = relationship()
