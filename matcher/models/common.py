"""Shared column helpers and the validation hook of all models.

Rules live twice on purpose: the database refuses bad rows whatever writes them
(CHECK, NOT NULL, FK, UNIQUE), and Python refuses them earlier with a message a
person can act on. Single-field rules use ``sqlalchemy.orm.validates``;
rules across fields live in a model's ``check_consistency()`` method, which
runs before every flush, so that setting two related fields one after the
other (a night shift's arrive-by, then its pick-up) never fails half way.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Any
from typing import NoReturn
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from matcher.clock import utcnow
from matcher.db import UTCDateTime
from matcher.errors import N_
from matcher.errors import ValidationError

MAX_SEATS = 8
"""Most passengers one car takes (a 9-seat minibus, driver excluded); mirrors ``solver``."""

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
EMAIL = re.compile(r"^[^@\s\"<>()\[\]\\,;:]+@[^@\s\"<>()\[\]\\,;:]+\.[^@\s\"<>()\[\]\\,;:]+$")
"""The stored address's rough shape: no blanks, quotes, brackets or separators anywhere.

A typed address is checked in full by ``matcher.text.normalise_email``; this guard also
lets the reserved ``.invalid`` domain of the demo and the tests through.
"""

# A check returns what it was given: a required column's validator gets and
# returns a value, a nullable one's may get and return None.
IntOrNone = TypeVar("IntOrNone", int, int | None)
TextOrNone = TypeVar("TextOrNone", str, str | None)
InstantOrNone = TypeVar("InstantOrNone", dt.datetime, dt.datetime | None)


def enum_type(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A StrEnum stored as its string values, with a CHECK constraint on every backend."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda cls: [member.value for member in cls],
    )


class Timestamped:
    """``created_at`` / ``updated_at`` instants, set by SQLAlchemy."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def _label(field: str) -> str:
    """``seats_needed`` -> ``Seats needed``: the field as a person would call it."""
    return field.replace("_id", "").replace("_", " ").capitalize()


def fail(message: str, field: str | None = None, **params: Any) -> NoReturn:
    """Raise a :class:`ValidationError`."""
    raise ValidationError(message, field=field, **params)


def check_int_range(field: str, value: IntOrNone, low: int, high: int | None = None) -> IntOrNone:
    """Refuse non-integers and integers outside ``low..high`` (``None`` passes)."""
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        fail(N_("{name} must be a whole number."), field, name=_label(field))
    if value < low or (high is not None and value > high):
        if high is None:
            fail(N_("{name} must be at least {low}."), field, name=_label(field), low=low)
        fail(
            N_("{name} must be between {low} and {high}."),
            field,
            name=_label(field),
            low=low,
            high=high,
        )
    return value


def check_text(
    field: str, value: TextOrNone, max_length: int, *, required: bool = False
) -> TextOrNone:
    """Strip surrounding blanks; refuse over-long text and (if required) empty text."""
    if value is None:
        if required:
            fail(N_("{name} is required."), field, name=_label(field))
        return value
    value = str(value).strip()
    if required and not value:
        fail(N_("{name} is required."), field, name=_label(field))
    if len(value) > max_length:
        fail(
            N_("{name} is too long (at most {n} characters)."),
            field,
            name=_label(field),
            n=max_length,
        )
    return value


def check_phone(field: str, value: TextOrNone) -> TextOrNone:
    """A phone number in E.164 (``+4958411234``); parsing user input is the form's job."""
    if value is not None and not E164.match(value):
        fail(N_("Please give the phone number in international form, e.g. +49 5841 1234."), field)
    return value


def check_email(field: str, value: TextOrNone) -> TextOrNone:
    """Lower-case and roughly check an e-mail address (``None`` passes)."""
    if value is None:
        return value
    value = str(value).strip().lower()
    if len(value) > 254 or not EMAIL.match(value):
        fail(N_("Please give a valid e-mail address."), field)
    return value


def check_token_hash(field: str, value: TextOrNone) -> TextOrNone:
    """Only hashes are stored; refuse anything that is not 64 lowercase hex digits."""
    if value is not None and not SHA256_HEX.match(value):
        fail(N_("Internal error: a token must be stored as its SHA-256 hash."), field)
    return value


def check_languages(field: str, value: Any) -> list[str]:
    """A list of distinct ISO 639 codes (``["ar", "de"]``)."""
    codes = [str(code).strip().lower() for code in (value or [])]
    if any(not LANGUAGE_CODE.match(code) for code in codes) or len(codes) > 20:
        fail(N_("Languages must be given as ISO 639 codes such as 'de' or 'ar'."), field)
    return sorted(set(codes))


def check_aware(field: str, value: InstantOrNone) -> InstantOrNone:
    """Refuse naive datetimes early, with a message naming the field."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        fail(N_("{name} must be a timezone-aware instant."), field, name=_label(field))
    return value


@event.listens_for(Session, "before_flush")
def _check_consistency_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Run every new or changed object's cross-field rules before SQL is sent."""
    for obj in (*session.new, *session.dirty):
        check = getattr(obj, "check_consistency", None)
        if check is not None:
            check()


def check_child_seats(seats: int | None, child: int | None, booster: int | None) -> None:
    """The child-seat rule, in one place: children in child or booster seats travel too.

    Used by the need and the trip before each flush, and by the rider form to
    show the same message next to the field; the tables' CHECK guards the rest.
    """
    if (child or 0) + (booster or 0) > (seats or 0):
        fail(N_("There cannot be more children with seats than people travelling."), "child_seats")
