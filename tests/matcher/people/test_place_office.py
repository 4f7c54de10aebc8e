"""The office's gazetteer: adding and editing places, opening hours, stale edits refused."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.errors import Conflict
from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.geo.geocoding import AddressQuery
from matcher.geo.geocoding import Location
from matcher.geo.geocoding import Precision
from matcher.models import AuditEntry
from matcher.models import Driver
from matcher.models import OpeningHours
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.models import Route
from matcher.models import Trip
from matcher.people import place_office
from matcher.people.place_office import HoursInput
from matcher.people.place_office import PlaceInput
from matcher.queries.place_list import PlaceFilter
from matcher.queries.place_list import list_places
from matcher.settings import Settings
from tests.factories import make_driver
from tests.factories import make_gazetteer_place
from tests.factories import make_need
from tests.factories import make_place
from tests.factories import make_plan
from tests.factories import make_rider
from tests.factories import make_route
from tests.factories import make_trip

SETTINGS = Settings()
WEEKDAYS = frozenset(range(5))


def hours(days: frozenset[int], opens: str, closes: str) -> HoursInput:
    return HoursInput(days, dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))


class FoundAtTheDoor:
    """A geocoder that finds every address exactly (as Nominatim would)."""

    def __init__(self) -> None:
        self.asked: list[AddressQuery] = []

    def locate(self, query: AddressQuery) -> Location | None:
        self.asked.append(query)
        return Location(52.9512, 11.1423, Precision.ADDRESS, "nominatim")


def daycare(**over: object) -> PlaceInput:
    values: dict[str, object] = {
        "kind": "daycare",
        "name": "Kita Regenbogen",
        "street": "Schulstraße 4",
        "postcode": "29439",
        "municipality": "Lüchow (Wendland)",
        "lat": 52.96612,
        "lon": 11.15311,
        "hours": (hours(WEEKDAYS, "07:00", "16:30"),),
    }
    values.update(over)
    return PlaceInput(**values)  # type: ignore[arg-type]


def test_a_daycare_is_added_with_its_point_and_opening_hours(session: Session) -> None:
    saved = place_office.add_place(session, SETTINGS, daycare(), actor_id=None)

    place = saved.place
    assert not saved.approximate
    assert place.key == "daycare:kita-regenbogen"
    assert (place.lat, place.lon, place.source, place.confirmed) == (
        52.96612,
        11.15311,
        PlaceSource.MAP,
        True,
    )
    assert [(h.weekday, h.opens, h.closes) for h in place.opening_hours] == [
        (day, dt.time(7), dt.time(16, 30)) for day in range(5)
    ]
    assert place_office.hours_inputs(place) == [hours(WEEKDAYS, "07:00", "16:30")]
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity_id == place.id)).one()
    assert entry.action == "place_added" and entry.details["after"]["name"] == "Kita Regenbogen"
    again = place_office.add_place(session, SETTINGS, daycare(), actor_id=None)
    assert again.place.key == "daycare:kita-regenbogen-2"


def test_without_a_point_the_offline_geocoder_uses_the_village_centre(session: Session) -> None:
    village = make_gazetteer_place(session, name="Clenze", municipality="Clenze", postcode="29459")
    data = PlaceInput(
        kind="employer", name="Hof Meyer", street="Dorfstraße 1", municipality="Clenze"
    )

    saved = place_office.add_place(session, SETTINGS, data, actor_id=None)

    assert saved.approximate
    assert (saved.place.lat, saved.place.lon) == (round(village.lat, 6), round(village.lon, 6))
    assert saved.place.source == PlaceSource.GAZETTEER and not saved.place.confirmed


def test_the_online_geocoder_places_an_address_exactly(session: Session) -> None:
    geocoder = FoundAtTheDoor()
    data = PlaceInput(kind="station", name="Bahnhof Dannenberg Ost", street="Bahnhofstraße 1")

    saved = place_office.add_place(session, SETTINGS, data, actor_id=None, geocoder=geocoder)

    assert geocoder.asked[0].street == "Bahnhofstraße 1"
    assert not saved.approximate
    assert (saved.place.source, saved.place.confirmed) == (PlaceSource.GEOCODER, True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        # An address nobody can find, and no point on the map.
        (PlaceInput(kind="employer", name="Irgendwo", municipality="Atlantis"), "lat"),
        # Only one of the two coordinates.
        (PlaceInput(kind="employer", name="Halb", lat=52.9), "lat"),
        # A point far outside the district (a slip on the map).
        (PlaceInput(kind="employer", name="Weit weg", lat=40.0, lon=3.0), "lat"),
        # Typed addresses are not the office's list.
        (PlaceInput(kind="address", name="Privat", lat=52.9, lon=11.1), "kind"),
        # Opening hours on an employer.
        (daycare(kind="employer"), "hours"),
        # Two rows on the same day that overlap.
        (
            daycare(
                hours=(
                    hours(WEEKDAYS, "07:00", "12:00"),
                    hours(frozenset({2}), "11:30", "16:00"),
                )
            ),
            "hours",
        ),
        # Closing before opening.
        (daycare(hours=(hours(WEEKDAYS, "16:00", "07:00"),)), "hours"),
        # No name.
        (daycare(name="  "), "name"),
    ],
)
def test_bad_input_is_refused_at_its_field(session: Session, data: PlaceInput, field: str) -> None:
    before = session.scalar(sa.select(sa.func.count(Place.id)))
    with pytest.raises(ValidationError) as raised:
        place_office.add_place(session, SETTINGS, data, actor_id=None)
    assert raised.value.field == field
    session.rollback()
    assert session.scalar(sa.select(sa.func.count(Place.id))) == before


def test_an_edit_changes_the_place_and_bumps_its_version(session: Session) -> None:
    place = place_office.add_place(session, SETTINGS, daycare(), actor_id=None).place
    version = place.row_version

    saved = place_office.edit_place(
        session,
        SETTINGS,
        place.id,
        version,
        daycare(
            name="Kita Regenbogen (Neubau)",
            lat=place.lat,
            lon=place.lon,
            hours=(hours(WEEKDAYS, "06:30", "17:00"), hours(frozenset({5}), "08:00", "12:00")),
        ),
        actor_id=None,
    )

    assert saved.place is place and place.name == "Kita Regenbogen (Neubau)"
    assert place.key == "daycare:kita-regenbogen"  # the key stays stable
    assert place.source == PlaceSource.MAP  # the point was left as it was
    assert place.row_version == version + 1
    assert len(place.opening_hours) == 6
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "place_edited")).one()
    assert entry.details["before"]["name"] == "Kita Regenbogen"
    assert set(entry.details["after"]) == {"name", "hours"}


def test_an_edit_of_only_the_hours_bumps_the_version_too(session: Session) -> None:
    place = place_office.add_place(session, SETTINGS, daycare(), actor_id=None).place
    version = place.row_version
    place_office.edit_place(session, SETTINGS, place.id, version, daycare(hours=()), actor_id=None)
    assert place.row_version == version + 1
    assert session.scalar(sa.select(sa.func.count(OpeningHours.id))) == 0


def test_a_stale_edit_is_refused_and_changes_nothing(session: Session) -> None:
    place = place_office.add_place(session, SETTINGS, daycare(), actor_id=None).place
    seen = place.row_version
    place_office.edit_place(session, SETTINGS, place.id, seen, daycare(name="Erste"), actor_id=None)

    with pytest.raises(Conflict):
        place_office.edit_place(
            session, SETTINGS, place.id, seen, daycare(name="Zweite"), actor_id=None
        )
    assert place.name == "Erste"


def test_only_listed_places_can_be_edited(session: Session) -> None:
    typed = make_place(session, kind=PlaceKind.ADDRESS, name="Hafenweg 3")
    with pytest.raises(NotFound):
        place_office.edit_place(session, SETTINGS, typed.id, 1, daycare(), actor_id=None)


def test_the_list_searches_by_name_and_address_and_filters_by_kind(session: Session) -> None:
    make_gazetteer_place(
        session, kind=PlaceKind.DAYCARE, name="Kita Sonnenschein", street="Am Markt 2"
    )
    make_gazetteer_place(session, kind=PlaceKind.EMPLOYER, name="Sonnenhof Pflege")
    make_place(session, kind=PlaceKind.ADDRESS, name="Sonnenweg 1")  # a rider's, not listed

    assert {r.name for r in list_places(session, PlaceFilter(text="sonne")).rows} == {
        "Kita Sonnenschein",
        "Sonnenhof Pflege",
    }
    assert [r.name for r in list_places(session, PlaceFilter(text="markt")).rows] == [
        "Kita Sonnenschein"
    ]
    only = list_places(session, PlaceFilter(text="sonne", kind=PlaceKind.EMPLOYER))
    assert [r.name for r in only.rows] == ["Sonnenhof Pflege"] and only.total == 1


def test_the_list_is_paged_and_clamps_the_page(session: Session) -> None:
    for n in range(30):
        make_gazetteer_place(session, kind=PlaceKind.STATION, name=f"Haltestelle {n:02d}")
    flt = PlaceFilter(kind=PlaceKind.STATION)
    first = list_places(session, flt, 1)
    last = list_places(session, flt, 9)
    assert (first.total, first.pages, len(first.rows)) == (30, 2, 25)
    assert (last.page, len(last.rows)) == (2, 5)
    assert last.rows[-1].name == "Haltestelle 29"


def two_entries_for_one_daycare(session: Session):  # type: ignore[no-untyped-def]
    """The daycare listed twice; each entry is used by a need, a trip, a home or a stop."""
    kept = make_gazetteer_place(session, kind=PlaceKind.DAYCARE, name="Kita Sonnenschein")
    removed = make_gazetteer_place(session, kind=PlaceKind.DAYCARE, name="Kita Sonnenschein Clenze")
    removed.opening_hours.append(OpeningHours(weekday=0, opens=dt.time(7), closes=dt.time(16)))
    need = make_need(session, via=removed)
    other_need = make_need(session, destination=removed)
    kept_need = make_need(session, destination=kept)
    old_trip = make_trip(session, day=dt.date(2026, 1, 5), destination=removed)
    rider = make_rider(session, home_place=removed)
    driver = make_driver(session, home_place=removed)
    plan = make_plan(session)
    route = make_route(session, plan, [make_trip(session, origin=removed)])
    session.flush()
    return kept, removed, need, other_need, kept_need, old_trip, rider, driver, route


def test_a_merge_moves_everything_to_the_kept_place_and_removes_the_other(
    session: Session,
) -> None:
    kept, removed, need, other_need, kept_need, old_trip, rider, driver, route = (
        two_entries_for_one_daycare(session)
    )
    removed_id, need_version = removed.id, other_need.row_version

    merged = place_office.merge_places(
        session, kept.id, kept.row_version, removed.id, removed.row_version, actor_id=None
    )

    assert merged.kept is kept and merged.removed_name == "Kita Sonnenschein Clenze"
    assert (merged.needs, merged.trips, merged.homes) == (2, 2, 2)
    assert session.get(Place, removed_id) is None
    assert need.via_id == kept.id and other_need.destination_id == kept.id
    assert other_need.row_version == need_version + 1
    assert kept_need.destination_id == kept.id
    assert old_trip.destination_id == kept.id  # past rides too: it is the same place
    assert rider.home_place_id == kept.id and driver.home_place_id == kept.id
    assert {s.place_id for s in route.stops} & {removed_id} == set()
    assert [(h.weekday, h.opens) for h in kept.opening_hours] == [(0, dt.time(7))]
    assert session.scalar(sa.select(sa.func.count(OpeningHours.id))) == 1
    entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "places_merged")).one()
    assert entry.entity_id == kept.id and entry.details["removed_place_id"] == removed_id


def test_a_merge_that_fails_halfway_changes_nothing(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    kept, removed, need, other_need, _, old_trip, rider, driver, route = (
        two_entries_for_one_daycare(session)
    )
    ids = (kept.id, removed.id)
    stops_before = sorted(s.place_id for s in route.stops)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    # The audit entry is written after every row has moved, just before the delete.
    monkeypatch.setattr(place_office.audit_log, "record_action", broken)
    savepoint = session.begin_nested()
    with pytest.raises(RuntimeError):
        place_office.merge_places(
            session, kept.id, kept.row_version, removed.id, removed.row_version, actor_id=None
        )
    savepoint.rollback()
    session.expire_all()

    assert {p.id for p in session.scalars(sa.select(Place).where(Place.id.in_(ids)))} == set(ids)
    assert session.get(RideNeed, need.id).via_id == removed.id
    assert session.get(RideNeed, other_need.id).destination_id == removed.id
    assert session.get(Trip, old_trip.id).destination_id == removed.id
    assert session.get(Rider, rider.id).home_place_id == removed.id
    assert session.get(Driver, driver.id).home_place_id == removed.id
    assert sorted(s.place_id for s in session.get(Route, route.id).stops) == stops_before
    assert len(session.get(Place, removed.id).opening_hours) == 1


def test_a_merge_from_a_stale_page_is_refused(session: Session) -> None:
    kept, removed, *_ = two_entries_for_one_daycare(session)
    seen = (kept.row_version, removed.row_version)
    place_office.edit_place(
        session,
        SETTINGS,
        removed.id,
        removed.row_version,
        PlaceInput(kind="daycare", name="Kita Sonne (Clenze)", lat=removed.lat, lon=removed.lon),
        actor_id=None,
    )
    with pytest.raises(Conflict):
        place_office.merge_places(session, kept.id, seen[0], removed.id, seen[1], actor_id=None)
    assert session.get(Place, removed.id) is not None
    # Merged once, the second merge (from the same page) finds the other gone.
    place_office.merge_places(
        session, kept.id, kept.row_version, removed.id, removed.row_version, actor_id=None
    )
    with pytest.raises(Conflict):
        place_office.merge_places(
            session, kept.id, kept.row_version, removed.id, removed.row_version, actor_id=None
        )


def test_a_merge_that_would_make_a_ride_start_where_it_ends_is_refused(session: Session) -> None:
    a = make_gazetteer_place(session, kind=PlaceKind.STATION, name="Bahnhof Dannenberg Ost")
    b = make_gazetteer_place(session, kind=PlaceKind.STATION, name="Bahnhof Dannenberg")
    need = make_need(session, origin=a, destination=b)
    with pytest.raises(ValidationError) as raised:
        place_office.merge_places(session, a.id, a.row_version, b.id, b.row_version, actor_id=None)
    assert raised.value.field == "keep"
    assert need.origin_id == a.id and session.get(Place, b.id) is not None
    with pytest.raises(ValidationError):
        place_office.merge_places(session, a.id, a.row_version, a.id, a.row_version, actor_id=None)
