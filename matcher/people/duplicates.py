"""Possible duplicates: the same person registered twice, merged or told apart by the office.

Registration flags a rider whose phone number another rider already has
(``possible_duplicate_of``) instead of refusing them: families share phones.
The office compares the two side by side and either dismisses the flag or
merges them: the kept rider takes over the other's needs and trips (past rides
included, so the history stays whole), any rider flagged against the removed
one is flagged against the kept one, and the removed rider's row, with their
personal link, is deleted. All of it happens in the caller's one transaction,
so a merge that fails halfway changes nothing.

Both actions name the pair the page showed; if the flag changed meanwhile (a
colleague merged or dismissed it), the second action is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.errors import N_
from matcher.errors import Conflict
from matcher.errors import ValidationError
from matcher.models import Rider
from matcher.models import Trip
from matcher.people.locations import lacks_a_point

CHANGED_MEANWHILE = N_(
    "Someone else dealt with this possible duplicate meanwhile. Please look at it again."
)


@dataclass(frozen=True)
class DuplicatePair:
    """The flagged rider and the earlier one they may be."""

    flagged: Rider
    earlier: Rider


def pair(session: Session, flagged_id: int, earlier_id: int) -> DuplicatePair:
    """The pair as flagged now, or ``Conflict`` if the flag no longer says so."""
    flagged = session.get(Rider, flagged_id)
    earlier = session.get(Rider, earlier_id)
    if (
        flagged is None
        or earlier is None
        or flagged.possible_duplicate_of_id != earlier.id
        or flagged.erased_at is not None
        or earlier.erased_at is not None
    ):
        raise Conflict(CHANGED_MEANWHILE)
    return DuplicatePair(flagged, earlier)


def dismiss(session: Session, flagged_id: int, earlier_id: int, *, actor_id: int | None) -> Rider:
    """Two different people: clear the flag, and say so in the audit log."""
    found = pair(session, flagged_id, earlier_id)
    found.flagged.possible_duplicate_of_id = None
    audit_log.record_action(
        session,
        actor_id,
        "duplicate_dismissed",
        "rider",
        found.flagged.id,
        other_rider_id=found.earlier.id,
    )
    session.flush()
    return found.flagged


def merge(
    session: Session, flagged_id: int, earlier_id: int, *, keep_id: int, actor_id: int | None
) -> Rider:
    """One person: keep ``keep_id`` (either of the pair), move all to it, delete the other."""
    found = pair(session, flagged_id, earlier_id)
    if keep_id not in (found.flagged.id, found.earlier.id):
        raise ValidationError(N_("Please choose which rider to keep."), field="keep")
    kept, removed = (
        (found.flagged, found.earlier)
        if keep_id == found.flagged.id
        else (found.earlier, found.flagged)
    )
    moved_needs = list(removed.needs)
    for need in moved_needs:
        need.rider = kept
    trips = session.scalars(sa.select(Trip).where(Trip.rider_id == removed.id)).all()
    for trip in trips:
        trip.rider = kept
    moved_trips = len(trips)
    session.execute(
        sa.update(Rider)
        .where(Rider.possible_duplicate_of_id == removed.id, Rider.id != kept.id)
        .values(possible_duplicate_of_id=kept.id)
    )
    if kept.possible_duplicate_of_id == removed.id:
        kept.possible_duplicate_of_id = None
    kept.email = kept.email or removed.email
    kept.languages = list(dict.fromkeys([*(kept.languages or []), *(removed.languages or [])]))
    kept.mobility_needs = list(
        dict.fromkeys([*(kept.mobility_needs or []), *(removed.mobility_needs or [])])
    )
    if removed.note:
        kept.note = "\n".join(n for n in (kept.note, removed.note) if n)
    kept.location_to_check = (
        kept.location_to_check or removed.location_to_check or lacks_a_point(kept)
    )
    audit_log.record_action(
        session,
        actor_id,
        "riders_merged",
        "rider",
        kept.id,
        removed_rider_id=removed.id,
        needs=[n.id for n in moved_needs],
        trips=moved_trips,
    )
    session.flush()
    session.delete(removed)
    session.flush()
    return kept
