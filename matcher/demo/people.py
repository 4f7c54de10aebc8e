"""Fictional people of the demo district: rider communities and volunteer driver profiles.

All names are common given names of each community, combined at random; any
resemblance to a real person is coincidence. Phone numbers come from the
ranges the Bundesnetzagentur keeps free for fiction ("drama numbers": Berlin
030 23125 000-999 for riders, Hamburg 040 66969 000-999 for drivers), e-mail
addresses use the reserved ``.invalid`` top-level domain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

RIDER_PHONE_PREFIX = "+493023125"
DRIVER_PHONE_PREFIX = "+494066969"
EMAIL_DOMAIN = "demo.mitfahrnetz.invalid"


@dataclass(frozen=True)
class Community:
    """Newcomers of one origin: their given names, languages and UI locale."""

    name: str
    first_names: tuple[str, ...]
    languages: tuple[str, ...]
    locale: str
    weight: int


COMMUNITIES: tuple[Community, ...] = (
    Community(
        "Syrian",
        ("Ahmad", "Omar", "Rasha", "Lina", "Yousef", "Hala", "Khaled", "Nour", "Samer", "Rana"),
        ("ar",),
        "ar",
        5,
    ),
    Community(
        "Afghan (Dari)",
        ("Farid", "Zahra", "Mariam", "Hamid", "Sediqa", "Javid", "Nasrin", "Shabnam"),
        ("fa",),
        "fa",
        3,
    ),
    Community(
        "Afghan (Pashto)",
        ("Rahim", "Gulalai", "Wahid", "Malalai", "Noorullah", "Zarghuna"),
        ("ps", "fa"),
        "ps",
        2,
    ),
    Community(
        "Ukrainian",
        ("Olena", "Iryna", "Oksana", "Andrii", "Mykola", "Tetiana", "Yulia", "Serhii", "Natalia"),
        ("uk", "ru"),
        "uk",
        4,
    ),
    Community(
        "Eritrean",
        ("Yonas", "Senait", "Filmon", "Helen", "Tesfay", "Rahwa", "Semhar", "Daniel"),
        ("ti", "en"),
        "en",
        2,
    ),
    Community(
        "Romanian",
        ("Andrei", "Ioana", "Mihai", "Elena", "Florin", "Gabriela", "Cristian"),
        ("ro",),
        "ro",
        2,
    ),
    Community(
        "Turkish",
        ("Emre", "Ayşe", "Mehmet", "Zeynep", "Burak", "Elif", "Hakan"),
        ("tr",),
        "tr",
        2,
    ),
)


def window(start: str, end: str) -> tuple[dt.time, dt.time]:
    """``("05:00", "08:30")`` as times."""
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


WEEKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)


@dataclass(frozen=True)
class AvailabilityProfile:
    """A typical volunteer's week: (weekdays, [(start, end), ...]) pairs."""

    name: str
    pattern: tuple[tuple[tuple[int, ...], tuple[tuple[dt.time, dt.time], ...]], ...]
    night_rides: bool = False


PROFILES: tuple[AvailabilityProfile, ...] = (
    AvailabilityProfile(
        "commuter, early and late",
        ((WEEKDAYS, (window("05:00", "08:30"), window("13:30", "22:30"))),),
    ),
    AvailabilityProfile("early bird", ((WEEKDAYS, (window("05:00", "09:00"),)),)),
    AvailabilityProfile(
        "retired, daytime",
        ((WEEKDAYS, (window("07:00", "17:00"),)), ((5,), (window("09:00", "13:00"),))),
    ),
    AvailabilityProfile("evenings", ((WEEKDAYS, (window("13:00", "23:00"),)),)),
    AvailabilityProfile(
        "night helper",
        (
            ((6, 0, 1, 2, 3), (window("21:00", "23:59"),)),
            ((0, 1, 2, 3, 4), (window("00:00", "06:30"),)),
        ),
        night_rides=True,
    ),
    AvailabilityProfile(
        "weekends", ((WEEKEND, (window("06:00", "22:00"),)), ((4,), (window("13:00", "22:00"),)))
    ),
    AvailabilityProfile("school hours", (((0, 1, 2, 3), (window("07:30", "13:00"),)),)),
)


@dataclass(frozen=True)
class DriverSpec:
    """One fictional volunteer driver."""

    first_name: str
    last_name: str
    home: str
    """Municipality key."""
    seats: int
    child_seats: int
    languages: tuple[str, ...]
    profile: str
    vetted: bool = True
    car: str = ""
    max_minutes: int = 240
    max_rides_per_week: int | None = None


DRIVERS: tuple[DriverSpec, ...] = (
    DriverSpec(
        "Heike",
        "Brandt",
        "luechow",
        3,
        1,
        ("de", "en"),
        "commuter, early and late",
        car="blauer VW Golf",
    ),
    DriverSpec(
        "Jürgen", "Harms", "dannenberg", 4, 0, ("de",), "early bird", car="silberner Opel Zafira"
    ),
    DriverSpec(
        "Karin",
        "Schulz",
        "wustrow",
        3,
        2,
        ("de", "en"),
        "retired, daytime",
        car="roter Skoda Fabia",
        max_minutes=300,
    ),
    DriverSpec(
        "Wolfgang", "Meyer", "clenze", 4, 0, ("de",), "retired, daytime", car="grauer VW Touran"
    ),
    DriverSpec(
        "Ute",
        "Hinrichs",
        "hitzacker",
        3,
        1,
        ("de", "fr"),
        "school hours",
        car="weißer Renault Clio",
    ),
    DriverSpec(
        "Bernd",
        "Köhler",
        "gartow",
        4,
        0,
        ("de",),
        "night helper",
        car="schwarzer Ford Galaxy",
        max_rides_per_week=8,
    ),
    DriverSpec(
        "Sabine", "Lange", "luechow", 3, 1, ("de", "en"), "evenings", car="grüner Toyota Yaris"
    ),
    DriverSpec(
        "Klaus",
        "Wendt",
        "jameln",
        6,
        0,
        ("de",),
        "early bird",
        car="Kleinbus der Kirchengemeinde",
        max_minutes=360,
    ),
    DriverSpec(
        "Monika",
        "Schröder",
        "kuesten",
        3,
        2,
        ("de",),
        "retired, daytime",
        car="blauer Citroën Berlingo",
    ),
    DriverSpec(
        "Dieter",
        "Müller",
        "bergen",
        4,
        0,
        ("de",),
        "commuter, early and late",
        car="silberner VW Passat",
    ),
    DriverSpec(
        "Svetlana",
        "Krüger",
        "dannenberg",
        3,
        1,
        ("de", "ru", "uk"),
        "evenings",
        car="roter Kia Ceed",
    ),
    DriverSpec(
        "Nadia",
        "Haddad",
        "luechow",
        3,
        2,
        ("de", "ar", "en"),
        "school hours",
        car="weißer Dacia Jogger",
    ),
    DriverSpec(
        "Thomas",
        "Behrens",
        "trebel",
        4,
        0,
        ("de", "en"),
        "night helper",
        car="grauer Skoda Octavia",
        max_rides_per_week=6,
    ),
    DriverSpec(
        "Gisela",
        "Wolter",
        "woltersdorf",
        2,
        0,
        ("de",),
        "retired, daytime",
        car="blauer Fiat Panda",
        max_minutes=180,
    ),
    DriverSpec(
        "Hartmut", "Pieper", "zernien", 4, 1, ("de",), "early bird", car="schwarzer VW Sharan"
    ),
    DriverSpec(
        "Birgit", "Kruse", "langendorf", 3, 1, ("de", "en"), "weekends", car="gelber Renault Kangoo"
    ),
    DriverSpec(
        "Frank",
        "Dittmer",
        "hoehbeck",
        4,
        0,
        ("de",),
        "commuter, early and late",
        car="grüner Subaru Forester",
    ),
    DriverSpec(
        "Renate", "Voß", "damnatz", 3, 0, ("de",), "weekends", vetted=False, car="weißer Opel Corsa"
    ),
    DriverSpec(
        "Lars",
        "Ohlendorf",
        "waddeweitz",
        4,
        1,
        ("de", "en", "tr"),
        "evenings",
        vetted=False,
        car="grauer Ford Focus Kombi",
    ),
    DriverSpec(
        "Ingrid",
        "Sasse",
        "luebbow",
        3,
        0,
        ("de",),
        "retired, daytime",
        vetted=False,
        car="roter VW Polo",
    ),
)
