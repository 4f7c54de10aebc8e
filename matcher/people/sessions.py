"""Login sessions end for real: a logged-out cookie, copied or remembered, opens nothing.

A session names the account and the account's ``session_version`` when it began
(:func:`session_id`); the account is loaded only while the versions agree
(:func:`parse_session_id`). Logging out and setting a new password raise the version
(:func:`end_sessions`), so every session made before is dead at once, on every device.
"""

from __future__ import annotations

from dataclasses import dataclass

from matcher.models import Coordinator
from matcher.models import Driver
from matcher.models import PartnerStaff

KINDS = ("coordinator", "driver", "partner")
"""Office accounts, volunteer drivers, partner organisations' staff."""

Account = Coordinator | Driver | PartnerStaff


@dataclass(frozen=True)
class SessionId:
    """What a session cookie says about whose session it is."""

    kind: str
    account_id: int
    version: int


def session_id(kind: str, account_id: int, version: int) -> str:
    """``coordinator:<id>:<version>``: the kind keeps the account tables apart."""
    return f"{kind}:{account_id}:{version}"


def parse_session_id(raw: str) -> SessionId | None:
    """The parts of a session id, or None; a session from before versions counts as 0."""
    parts = raw.split(":")
    if len(parts) == 2:
        parts.append("0")
    if len(parts) != 3 or parts[0] not in KINDS or not all(p.isdigit() for p in parts[1:]):
        return None
    return SessionId(parts[0], int(parts[1]), int(parts[2]))


def is_current(person: Account, seen: SessionId) -> bool:
    """True while no logout or password change happened since the session began."""
    return (person.session_version or 0) == seen.version


def end_sessions(person: Account) -> None:
    """Every session of ``person`` made until now stops working (the caller commits)."""
    person.session_version = (person.session_version or 0) + 1
