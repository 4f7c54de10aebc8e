"""The demo district: realistic counts, deterministic, idempotent, only into an empty database."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import migrate
from matcher.db import Base
from matcher.demo import COORDINATOR_EMAIL
from matcher.demo import load_demo
from matcher.models import Coordinator
from matcher.models import CoordinatorRole
from matcher.models import Driver
from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import ScheduleKind
from matcher.security import verify_password

if TYPE_CHECKING:
    from tests.conftest import TestDatabase
    from tests.matcher.conftest import Factory

TODAY = dt.date(2026, 3, 25)  # the week before the spring clock change
VOLATILE = {"created_at", "updated_at", "password_hash"}
"""Columns that legitimately differ between two loads (wall clock, argon2 salt)."""


def _row_counts(session: Session) -> dict[str, int]:
    return {
        name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for name, table in Base.metadata.tables.items()
    }


@pytest.fixture()
def demo(session: Session) -> Any:
    return load_demo(session, seed=7, today=TODAY)


def test_counts_are_roughly_as_specified(session: Session, demo: Any) -> None:
    assert demo.loaded
    assert demo.counts["riders"] == 80
    assert 110 <= demo.counts["ride needs"] <= 130
    assert demo.counts["drivers"] == 20
    unvetted = session.scalar(sa.select(sa.func.count()).where(~Driver.vetted))
    assert 1 <= (unvetted or 0) <= 5
    assert session.scalar(sa.select(sa.func.count()).where(~Rider.is_demo)) == 0
    assert session.scalar(sa.select(sa.func.count()).where(~Driver.is_demo)) == 0


def test_demo_logins_work(session: Session, demo: Any) -> None:
    logins = {login.email: login for login in demo.logins}
    coordinator = session.scalar(
        sa.select(Coordinator).where(Coordinator.email == COORDINATOR_EMAIL)
    )
    assert coordinator is not None and coordinator.role == CoordinatorRole.COORDINATOR
    assert verify_password(coordinator.password_hash, logins[COORDINATOR_EMAIL].password)
    roles = set(session.scalars(sa.select(Coordinator.role)))
    assert roles == {CoordinatorRole.COORDINATOR, CoordinatorRole.ADMIN, CoordinatorRole.VIEWER}
    assert COORDINATOR_EMAIL in str(demo) and logins[COORDINATOR_EMAIL].password in str(demo)
    viewer = session.scalars(
        sa.select(Coordinator).where(Coordinator.role == CoordinatorRole.VIEWER)
    ).one()
    assert verify_password(viewer.password_hash, logins[viewer.email].password)
    again = load_demo(session, seed=7, today=TODAY)
    assert {login.email for login in again.logins} == set(logins)
    (driver_login,) = [login for login in demo.logins if login.role == "driver"]
    assert "driver portal: /driver/login" in str(demo)
    driver = session.scalars(sa.select(Driver).where(Driver.email == driver_login.email)).one()
    assert driver.plannable and verify_password(driver.password_hash, driver_login.password)


def test_second_load_changes_nothing(session: Session, demo: Any) -> None:
    before = _row_counts(session)
    again = load_demo(session, seed=7, today=TODAY)
    assert not again.loaded
    assert "already loaded" in again.message
    assert again.counts == demo.counts
    assert _row_counts(session) == before


def test_refuses_a_database_with_other_data(session: Session, make: Factory) -> None:
    make.rider()
    before = _row_counts(session)
    summary = load_demo(session)
    assert not summary.loaded
    assert "not empty" in summary.message
    assert _row_counts(session) == before


def test_places_are_in_the_district(session: Session, demo: Any) -> None:
    located = session.scalars(sa.select(Place).where(Place.lat.is_not(None))).all()
    assert all(52.85 <= p.lat <= 53.25 and 10.85 <= p.lon <= 11.5 for p in located)  # type: ignore[operator]
    luechow = session.scalar(sa.select(Place).where(Place.key == "town:luechow"))
    assert luechow is not None and (round(luechow.lat, 2), round(luechow.lon, 2)) == (52.97, 11.15)
    kinds = set(session.scalars(sa.select(Place.kind)))
    assert {
        PlaceKind.EMPLOYER,
        PlaceKind.COURSE_SITE,
        PlaceKind.DAYCARE,
        PlaceKind.STATION,
    } <= kinds
    unlocated = session.scalars(sa.select(Rider).where(Rider.location_to_check)).all()
    assert unlocated and all(r.home_place.lat is None for r in unlocated)  # type: ignore[union-attr]


def test_needs_are_a_realistic_mix(session: Session, demo: Any) -> None:
    needs = session.scalars(sa.select(RideNeed)).all()
    purposes = {n.purpose for n in needs}
    assert purposes == set(NeedPurpose) - {NeedPurpose.OTHER} | {NeedPurpose.OTHER}
    starts = {n.arrive_by for n in needs if n.purpose == NeedPurpose.SHIFT_WORK}
    assert {dt.time(5, 50), dt.time(13, 50), dt.time(21, 50)} <= starts  # 06-14, 14-22, 22-06
    assert any(n.return_next_day for n in needs)  # night shift back next morning
    rotating = [n for n in needs if n.schedule_kind == ScheduleKind.ROTATING]
    assert rotating and all(len(n.rotation_weeks) >= 2 for n in rotating)
    assert all(n.rotation_anchor.weekday() == 0 for n in rotating)  # type: ignore[union-attr]
    assert any(n.via is not None and n.via.kind == PlaceKind.DAYCARE for n in needs)
    course_towns = {n.destination.municipality for n in needs if n.purpose == NeedPurpose.COURSE}
    assert course_towns == {"Lüchow (Wendland)", "Dannenberg (Elbe)"}
    assert any(n.dates for n in needs if n.schedule_kind == ScheduleKind.DATES)
    locales = set(session.scalars(sa.select(Rider.locale)))
    assert len(locales) >= 5


def _snapshot(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    result = {}
    with engine.connect() as connection:
        for name, table in Base.metadata.tables.items():
            columns = [c for c in table.columns if c.name not in VOLATILE]
            order = list(table.primary_key.columns)
            result[name] = [
                tuple(r) for r in connection.execute(sa.select(*columns).order_by(*order))
            ]
    return result


def _load_fresh(test_databases: TestDatabase, seed: int) -> dict[str, list[tuple[Any, ...]]]:
    _, engine = test_databases.new_url_and_engine("demo")
    migrate.upgrade(engine)
    with Session(engine) as session:
        assert load_demo(session, seed=seed, today=TODAY).loaded
        session.commit()
    return _snapshot(engine)


@pytest.mark.slow
def test_deterministic_across_fresh_databases(test_databases: TestDatabase) -> None:
    first = _load_fresh(test_databases, seed=11)
    second = _load_fresh(test_databases, seed=11)
    assert first == second
    assert sum(len(rows) for rows in first.values()) > 500
    other = _load_fresh(test_databases, seed=12)
    assert other["riders"] != first["riders"]


def test_more_people_make_a_bigger_district(session: Session, demo: Any) -> None:
    """Another seed adds a set of drivers, riders and needs as large as the demo's own."""
    from matcher.demo import add_people

    before = {m: session.scalar(sa.select(sa.func.count()).select_from(m)) for m in _PEOPLE}
    added = add_people(session, 2027, today=TODAY)
    after = {m: session.scalar(sa.select(sa.func.count()).select_from(m)) for m in _PEOPLE}
    assert added == before[RideNeed]
    assert {m: after[m] - before[m] for m in _PEOPLE} == before
    emails = list(session.scalars(sa.select(Driver.email)))
    assert len(emails) == len(set(emails))


_PEOPLE = (Driver, Rider, RideNeed)
