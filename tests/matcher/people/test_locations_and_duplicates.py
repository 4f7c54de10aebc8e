"""The office fixes flagged locations and merges or dismisses possible duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import audit as audit_log
from matcher.errors import Conflict
from matcher.errors import ValidationError
from matcher.models import AuditEntry
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Trip
from matcher.models import TripStatus
from matcher.people import duplicates
from matcher.people import locations
from matcher.people.locations import Seen
from tests.factories import make_need
from tests.factories import make_place
from tests.factories import make_rider
from tests.factories import make_trip

TODAY = dt.date(2026, 6, 1)


def typed_address(session: Session, **kw):  # type: ignore[no-untyped-def]
    """An address a rider typed, at the village centre the offline gazetteer gave it."""
    kw.setdefault("kind", PlaceKind.ADDRESS)
    kw.setdefault("name", "Bahnhofstr. 3, Clenze")
    kw.setdefault("source", PlaceSource.GAZETTEER)
    kw.setdefault("confirmed", False)
    return make_place(session, **kw)


def flagged_rider(session: Session):  # type: ignore[no-untyped-def]
    home = typed_address(session)
    rider = make_rider(session, home_place=home, location_to_check=True)
    need = make_need(session, rider=rider, origin=home)
    return rider, home, need


def test_a_point_on_the_map_fixes_the_place_and_clears_the_flag(session: Session) -> None:
    rider, home, need = flagged_rider(session)
    trip = make_trip(session, rider=rider, need=need, origin=home, destination=need.destination)
    assert [p.place for p in locations.places_to_check(rider)] == [home]

    locations.set_point(
        session,
        rider.id,
        home.id,
        lat=52.9312345,
        lon=10.9587654,
        seen=Seen(home.lat, home.lon),
        actor_id=None,
    )

    assert (home.lat, home.lon, home.source, home.confirmed) == (
        52.931235,
        10.958765,
        PlaceSource.MAP,
        True,
    )
    assert rider.location_to_check is False
    assert trip.origin is home  # the next run routes to the corrected point
    entry = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "location_fixed")
    ).one()
    assert entry.details["rider_id"] == rider.id


def test_the_flag_stays_while_another_place_still_needs_a_look(session: Session) -> None:
    rider, home, need = flagged_rider(session)
    workplace = typed_address(session, name="Firma Meyer, Atlantis", lat=None, lon=None)
    need.destination = workplace
    session.flush()
    assert len(locations.places_to_check(rider)) == 2

    locations.set_point(
        session,
        rider.id,
        home.id,
        lat=52.93,
        lon=10.95,
        seen=Seen(home.lat, home.lon),
        actor_id=None,
    )
    assert rider.location_to_check is True
    locations.set_point(
        session,
        rider.id,
        workplace.id,
        lat=52.97,
        lon=11.15,
        seen=Seen(workplace.lat, workplace.lon),
        actor_id=None,
    )
    assert rider.location_to_check is False


def test_a_gazetteer_place_replaces_the_typed_one_in_home_needs_and_coming_trips(
    session: Session,
) -> None:
    rider, home, need = flagged_rider(session)
    station = make_place(session, kind=PlaceKind.STATION, name="Bahnhof Clenze", key="station:c")
    past = make_trip(session, rider=rider, need=need, day=TODAY - dt.timedelta(days=1), origin=home)
    coming = make_trip(session, rider=rider, need=need, day=TODAY, origin=home)
    cancelled = make_trip(
        session,
        rider=rider,
        day=TODAY + dt.timedelta(days=1),
        origin=home,
        status=TripStatus.CANCELLED,
    )

    locations.use_gazetteer_place(
        session,
        rider.id,
        home.id,
        station.id,
        seen=Seen(home.lat, home.lon),
        actor_id=None,
        today=TODAY,
    )

    assert rider.home_place is station and need.origin is station and coming.origin is station
    assert past.origin is home and cancelled.origin is home  # history stays as it was
    assert rider.location_to_check is False


def test_a_fix_on_a_place_changed_meanwhile_or_outside_the_area_is_refused(
    session: Session,
) -> None:
    rider, home, _need = flagged_rider(session)
    stale = Seen(home.lat, home.lon)
    with pytest.raises(ValidationError):
        locations.set_point(
            session, rider.id, home.id, lat=48.1, lon=30.0, seen=stale, actor_id=None
        )
    locations.set_point(session, rider.id, home.id, lat=52.9, lon=11.0, seen=stale, actor_id=None)
    with pytest.raises(Conflict):  # the second coordinator saw the old point
        locations.set_point(
            session, rider.id, home.id, lat=52.8, lon=11.1, seen=stale, actor_id=None
        )
    assert (home.lat, home.lon) == (52.9, 11.0)


def test_a_gazetteer_place_that_makes_a_ride_end_where_it_starts_is_refused(
    session: Session,
) -> None:
    rider, home, need = flagged_rider(session)
    need.destination.key = "employer:x"
    with pytest.raises(ValidationError):
        locations.use_gazetteer_place(
            session,
            rider.id,
            home.id,
            need.destination.id,
            seen=Seen(home.lat, home.lon),
            actor_id=None,
            today=TODAY,
        )


def duplicate_pair(session: Session):  # type: ignore[no-untyped-def]
    earlier = make_rider(session, first_name="Amal", phone="+4915111111111")
    earlier_need = make_need(session, rider=earlier)
    old_trip = make_trip(session, rider=earlier, need=earlier_need, day=TODAY - dt.timedelta(7))
    flagged = make_rider(
        session,
        first_name="Amal",
        phone="+4915111111111",
        email="amal@example.org",
        languages=["ar"],
        possible_duplicate_of=earlier,
    )
    flagged_need = make_need(session, rider=flagged)
    return earlier, flagged, earlier_need, flagged_need, old_trip


def test_merge_moves_needs_and_history_to_the_kept_rider_and_removes_the_other(
    session: Session,
) -> None:
    earlier, flagged, earlier_need, flagged_need, old_trip = duplicate_pair(session)
    third = make_rider(session, possible_duplicate_of=flagged)
    flagged_id = flagged.id

    kept = duplicates.merge(session, flagged.id, earlier.id, keep_id=earlier.id, actor_id=None)

    assert kept is earlier
    session.expire_all()
    assert session.get(Rider, flagged_id) is None
    assert {n.id for n in earlier.needs} == {earlier_need.id, flagged_need.id}
    assert old_trip.rider_id == earlier.id
    assert earlier.email == "amal@example.org" and "ar" in earlier.languages
    assert third.possible_duplicate_of_id == earlier.id
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "riders_merged")).one()
    assert entry.entity_id == earlier.id and entry.details["removed_rider_id"] == flagged_id


def test_keeping_the_newer_rider_works_too_and_clears_its_flag(session: Session) -> None:
    earlier, flagged, _earlier_need, _flagged_need, old_trip = duplicate_pair(session)
    duplicates.merge(session, flagged.id, earlier.id, keep_id=flagged.id, actor_id=None)
    assert flagged.possible_duplicate_of_id is None
    assert old_trip.rider_id == flagged.id and len(flagged.needs) == 2


def test_a_merge_that_fails_halfway_changes_nothing(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    earlier, flagged, earlier_need, flagged_need, old_trip = duplicate_pair(session)
    ids = (earlier.id, flagged.id)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit_log, "record_action", broken)
    savepoint = session.begin_nested()
    with pytest.raises(RuntimeError):
        duplicates.merge(session, flagged.id, earlier.id, keep_id=earlier.id, actor_id=None)
    savepoint.rollback()
    session.expire_all()

    assert {r.id for r in session.scalars(sa.select(Rider).where(Rider.id.in_(ids)))} == set(ids)
    owners = dict(session.execute(sa.select(RideNeed.id, RideNeed.rider_id)).all())
    assert owners[earlier_need.id] == earlier.id and owners[flagged_need.id] == flagged.id
    assert session.get(Trip, old_trip.id).rider_id == earlier.id
    assert session.get(Rider, flagged.id).possible_duplicate_of_id == earlier.id


def test_dismiss_clears_the_flag_and_a_second_decision_is_refused(session: Session) -> None:
    earlier, flagged, *_ = duplicate_pair(session)
    duplicates.dismiss(session, flagged.id, earlier.id, actor_id=None)
    assert flagged.possible_duplicate_of_id is None
    with pytest.raises(Conflict):
        duplicates.merge(session, flagged.id, earlier.id, keep_id=earlier.id, actor_id=None)
    with pytest.raises(Conflict):
        duplicates.dismiss(session, flagged.id, earlier.id, actor_id=None)
