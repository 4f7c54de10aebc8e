"""Copies of a person's data in other rows: blanked when the person is erased.

A rider's name, number, street and notes are copied as text into the drivers'
route e-mails, the coordinators' alerts, a driver's decline reason, the audit
log's details and the geocoder's cache. Blanking her own rows is not enough for
a right to erasure; :func:`scrub` finds the copies (by the strings themselves,
so a copy nobody foresaw in a free-text note is found too) and replaces them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers
import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from matcher.geo.geocoding import fold
from matcher.models import AuditEntry
from matcher.models import AvailabilityException
from matcher.models import DayPlan
from matcher.models import Driver
from matcher.models import GeocodeCacheEntry
from matcher.models import OutboxMessage
from matcher.models import Place
from matcher.models import PlanningRun
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Route

BLANK = "***"
"""What a copy reads after erasure: plainly removed, in no language."""

SHORTEST = 3
"""Strings shorter than this are not searched for: 'Li' would blank half the outbox."""

# Free text that may quote anybody: (model, column). JSON columns are walked.
TEXT_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    OutboxMessage.subject,
    OutboxMessage.body,
    OutboxMessage.body_html,
    Route.decline_reason,
    RideNeed.note,
    RideNeed.decision_note,
    AvailabilityException.note,
    PlanningRun.error,
)
JSON_COLUMNS: tuple[InstrumentedAttribute[Any], ...] = (
    AuditEntry.details,
    DayPlan.solver_stats,
    PlanningRun.progress,
)


@dataclass(frozen=True)
class Traces:
    """The strings that identify one person, longest first (so a street goes before its name)."""

    strings: tuple[str, ...]
    addresses: tuple[str, ...] = ()
    """Streets as typed: the geocoder's cached answers for them are deleted."""

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """One case-insensitive pattern; names match as whole words only."""
        if not self.strings:
            return None
        parts = [rf"(?<!\w){re.escape(s)}(?!\w)" for s in self.strings]
        return re.compile("|".join(parts), re.IGNORECASE)


def _phone_forms(e164: str | None) -> list[str]:
    if not e164:
        return []
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return [e164]
    formats = (
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
    )
    return [phonenumbers.format_number(number, f) for f in formats]


def _place_strings(place: Place) -> list[str]:
    return [s for s in (place.street, place.name) if s]


def _longest_first(strings: Iterable[str | None]) -> tuple[str, ...]:
    unique = {s.strip() for s in strings if s and len(s.strip()) >= SHORTEST}
    return tuple(sorted(unique, key=lambda s: (-len(s), s)))


def _traces(strings: Iterable[str | None], places: Iterable[Place]) -> Traces:
    places = list(places)
    words = list(strings) + [s for p in places for s in _place_strings(p)]
    return Traces(_longest_first(words), _longest_first(p.street for p in places))


def of_rider(rider: Rider, personal_places: Iterable[Place]) -> Traces:
    """Her name, e-mail, number in every format, notes, and her own addresses."""
    strings: list[str | None] = [rider.first_name, rider.email, rider.note]
    strings += _phone_forms(rider.phone)
    strings += [need.note for need in rider.needs]
    return _traces(strings, personal_places)


def of_driver(driver: Driver, home: Place | None) -> Traces:
    """The driver's names (as riders see them too), e-mail, number, car and home address."""
    strings: list[str | None] = [
        driver.display_name if driver.first_name else None,
        driver.first_name,
        driver.last_name,
        driver.email,
        driver.car_description,
    ]
    strings += _phone_forms(driver.phone)
    return _traces(strings, [home] if home is not None else [])


def _like_terms(traces: Traces) -> list[str]:
    """What a LIKE must look for: each string as typed and as JSON writes it (escaped)."""
    terms = set()
    for s in traces.strings:
        terms.add(s)
        terms.add(json.dumps(s)[1:-1])
    return sorted(terms)


def _candidates(column: Any, terms: list[str]) -> sa.ColumnElement[bool]:
    text = sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
    return sa.or_(*(text.ilike(f"%{t}%", escape="\\") for t in map(_escape_like, terms)))


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _blank_json(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(BLANK, value)
    if isinstance(value, list):
        return [_blank_json(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: _blank_json(v, pattern) for k, v in value.items()}
    return value


def scrub(session: Session, traces: Traces) -> int:
    """Blank every copy of ``traces`` in the free-text columns; returns the rows changed.

    Cached geocoder answers for the person's address are deleted (they are only a
    cache). Runs in the caller's transaction: an erasure that fails changes nothing.
    """
    pattern = traces.pattern
    if pattern is None:
        return 0
    terms = _like_terms(traces)
    changed = 0
    for column in TEXT_COLUMNS + JSON_COLUMNS:
        model = column.class_
        rows = session.scalars(sa.select(model).where(_candidates(column, terms))).all()
        for row in rows:
            before = getattr(row, column.key)
            after = (
                _blank_json(before, pattern)
                if column in JSON_COLUMNS
                else pattern.sub(BLANK, before)
            )
            if after != before:
                setattr(row, column.key, after)
                flag_modified(row, column.key)
                changed += 1
    cache_terms = sorted({t for s in traces.addresses for t in (s, fold(s))})
    if cache_terms:
        result = session.execute(
            sa.delete(GeocodeCacheEntry)
            .where(
                sa.or_(
                    _candidates(GeocodeCacheEntry.query, cache_terms),
                    _candidates(GeocodeCacheEntry.display_name, cache_terms),
                )
            )
            .execution_options(synchronize_session=False)
        )
        changed += int(result.rowcount)  # type: ignore[attr-defined]
    session.flush()
    return changed
