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
from matcher.models import OpeningHours
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.people import place_office
from matcher.people.place_office import HoursInput
from matcher.people.place_office import PlaceInput
from matcher.queries.place_list import PlaceFilter
from matcher.queries.place_list import list_places
from matcher.settings import Settings
from tests.factories import make_gazetteer_place
from tests.factories import make_place

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
