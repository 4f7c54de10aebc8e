"""Factories for matcher tests: valid objects by default, override only what a test cares about."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from matcher.models import Coordinator
from matcher.models import Driver
from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.security import hash_token
from matcher.security import new_token
from tests.matcher.district_kit import district as district

CONSENT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


class Factory:
    """Indico-style factory helpers bound to one session; each flushes and returns the object."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def _add(self, obj: Any) -> Any:
        self.session.add(obj)
        self.session.flush()
        return obj

    def place(self, **kw: Any) -> Place:
        n = self._next()
        kw.setdefault("kind", PlaceKind.VILLAGE)
        kw.setdefault("name", f"Dorf {n}")
        kw.setdefault("lat", 52.97 + n / 1000)
        kw.setdefault("lon", 11.15 + n / 1000)
        return self._add(Place(**kw))

    def rider(self, **kw: Any) -> Rider:
        n = self._next()
        kw.setdefault("first_name", f"Amal {n}")
        kw.setdefault("phone", f"+4915100000{n:03d}")
        kw.setdefault("consent_at", CONSENT)
        kw.setdefault("privacy_notice_version", "2026-01")
        kw.setdefault("token_hash", hash_token(f"token-{n}"))
        if "home_place" not in kw and "home_place_id" not in kw:
            kw["home_place"] = self.place()
        return self._add(Rider(**kw))

    def driver(self, **kw: Any) -> Driver:
        n = self._next()
        kw.setdefault("first_name", f"Heike {n}")
        kw.setdefault("last_name", "Muster")
        kw.setdefault("phone", f"+4958410000{n:03d}")
        kw.setdefault("email", f"driver{n}@example.org")
        kw.setdefault("consent_at", CONSENT)
        kw.setdefault("privacy_notice_version", "2026-01")
        kw.setdefault("seats", 3)
        return self._add(Driver(**kw))

    def need(self, **kw: Any) -> RideNeed:
        if "rider" not in kw and "rider_id" not in kw:
            kw["rider"] = self.rider()
        if "origin" not in kw and "origin_id" not in kw:
            kw["origin"] = self.place()
        if "destination" not in kw and "destination_id" not in kw:
            kw["destination"] = self.place(kind=PlaceKind.EMPLOYER)
        kw.setdefault("purpose", NeedPurpose.JOB)
        kw.setdefault("weekdays", 0b0011111)
        kw.setdefault("arrive_by", dt.time(8, 0))
        kw.setdefault("pick_up_after", dt.time(16, 0))
        kw.setdefault("valid_from", dt.date(2026, 3, 2))
        return self._add(RideNeed(**kw))

    def coordinator(self, **kw: Any) -> Coordinator:
        n = self._next()
        kw.setdefault("email", f"coord{n}@example.org")
        kw.setdefault("name", f"Coordinator {n}")
        kw.setdefault("password_hash", "not-a-real-hash")
        return self._add(Coordinator(**kw))

    @staticmethod
    def token_hash() -> str:
        return new_token()[1]


@pytest.fixture()
def make(session: Session) -> Factory:
    """Factory helpers on the test's rolled-back session."""
    return Factory(session)
