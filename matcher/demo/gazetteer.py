"""The demo district: Landkreis Lüchow-Dannenberg (Lower Saxony), its places and work sites.

Municipality coordinates are the municipalities' reference points as given in
their Wikipedia infoboxes (degrees and minutes, so about 0.01° / 1 km). The
district is real; every firm below is FICTIONAL and placed, approximately, in
a real commercial area of a real town, so that routes and travel times are
plausible. The KVHS Lüchow-Dannenberg (the district's adult-education centre)
is real, but its course sites here are approximate town-centre points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from matcher.models import PlaceKind

DISTRICT = "Landkreis Lüchow-Dannenberg"
STATE_CODE = "NI"
"""Lower Saxony, for public holidays (``holidays.country_holidays("DE", subdiv="NI")``)."""


@dataclass(frozen=True)
class Municipality:
    """A real municipality of the district; riders and drivers live in or near it."""

    key: str
    name: str
    postcode: str
    lat: float
    lon: float
    kind: PlaceKind = PlaceKind.VILLAGE
    weight: int = 1
    """How many demo residents it gets relative to the others (towns have more)."""


MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("luechow", "Lüchow (Wendland)", "29439", 52.967, 11.150, PlaceKind.TOWN, 8),
    Municipality("dannenberg", "Dannenberg (Elbe)", "29451", 53.100, 11.083, PlaceKind.TOWN, 7),
    Municipality("hitzacker", "Hitzacker (Elbe)", "29456", 53.152, 11.044, PlaceKind.TOWN, 3),
    Municipality("wustrow", "Wustrow (Wendland)", "29462", 52.922, 11.122, PlaceKind.TOWN, 3),
    Municipality("clenze", "Clenze", "29459", 52.936, 10.956, PlaceKind.VILLAGE, 2),
    Municipality("bergen", "Bergen an der Dumme", "29468", 52.883, 10.967, PlaceKind.VILLAGE, 2),
    Municipality("gartow", "Gartow", "29471", 53.024, 11.458, PlaceKind.VILLAGE, 2),
    Municipality("schnega", "Schnega", "29465", 52.883, 10.883),
    Municipality("zernien", "Zernien", "29499", 53.069, 10.887),
    Municipality("kuesten", "Küsten", "29482", 52.983, 11.067),
    Municipality("waddeweitz", "Waddeweitz", "29496", 53.000, 10.967),
    Municipality("lemgow", "Lemgow", "29485", 52.917, 11.317),
    Municipality("trebel", "Trebel", "29494", 53.000, 11.317),
    Municipality("neu-darchau", "Neu Darchau", "29490", 53.233, 10.883),
    Municipality("karwitz", "Karwitz", "29481", 53.083, 11.017),
    Municipality("jameln", "Jameln", "29479", 53.050, 11.083),
    Municipality("langendorf", "Langendorf", "29484", 53.100, 11.250),
    Municipality("prezelle", "Prezelle", "29491", 52.967, 11.400),
    Municipality("woltersdorf", "Woltersdorf", "29497", 52.950, 11.217),
    Municipality("luebbow", "Lübbow", "29488", 52.917, 11.183),
    Municipality("luckau", "Luckau (Wendland)", "29487", 52.933, 11.050),
    Municipality("hoehbeck", "Höhbeck", "29478", 53.063, 11.430),
    Municipality("damnatz", "Damnatz", "29472", 53.133, 11.183),
    Municipality("gorleben", "Gorleben", "29475", 53.048, 11.356),
)


@dataclass(frozen=True)
class Shift:
    """A shift as local wall-clock times; ``end`` before ``start`` means it ends next morning."""

    label: str
    start: dt.time
    end: dt.time

    @property
    def overnight(self) -> bool:
        """True for the night shift (22-06)."""
        return self.end <= self.start


EARLY = Shift("early", dt.time(6), dt.time(14))
LATE = Shift("late", dt.time(14), dt.time(22))
NIGHT = Shift("night", dt.time(22), dt.time(6))
DAY = Shift("day", dt.time(8), dt.time(16, 30))
CARE_EARLY = Shift("early", dt.time(6, 30), dt.time(14))
CARE_LATE = Shift("late", dt.time(13, 30), dt.time(21))
HOTEL = Shift("service", dt.time(10), dt.time(15))
COURSE_MORNING = Shift("morning course", dt.time(8, 30), dt.time(12, 45))
COURSE_AFTERNOON = Shift("afternoon course", dt.time(13, 15), dt.time(17, 30))


@dataclass(frozen=True)
class Site:
    """A destination: employer, course site, daycare or station (fictional unless noted)."""

    key: str
    kind: PlaceKind
    name: str
    municipality: str
    street: str
    dlat: float
    dlon: float
    """Offset from the municipality's reference point (approximate position in the town)."""
    shifts: tuple[Shift, ...] = field(default=())
    rotation: tuple[Shift, ...] = field(default=())
    """Weekly rotation (week 0, week 1, ...) where the site works in rotating weeks."""


SITES: tuple[Site, ...] = (
    Site(
        "employer:jeetzel-kunststoff",
        PlaceKind.EMPLOYER,
        "Jeetzel Kunststofftechnik GmbH (fictional)",
        "luechow",
        "Gewerbegebiet Lüchow",
        0.006,
        0.014,
        shifts=(EARLY, LATE, NIGHT),
        rotation=(EARLY, LATE, NIGHT),
    ),
    Site(
        "employer:elbtal-lebensmittel",
        PlaceKind.EMPLOYER,
        "Elbtal Lebensmittel GmbH (fictional)",
        "dannenberg",
        "Gewerbegebiet Dannenberg",
        -0.008,
        0.012,
        shifts=(EARLY, LATE),
        rotation=(EARLY, LATE),
    ),
    Site(
        "employer:wendland-logistik",
        PlaceKind.EMPLOYER,
        "Wendland Logistik KG (fictional)",
        "luechow",
        "Gewerbegebiet Lüchow",
        0.010,
        0.004,
        shifts=(EARLY, NIGHT),
    ),
    Site(
        "employer:drawehn-pflege",
        PlaceKind.EMPLOYER,
        "Pflegezentrum am Drawehn (fictional)",
        "clenze",
        "Ortsmitte Clenze",
        0.002,
        0.004,
        shifts=(CARE_EARLY, CARE_LATE),
        rotation=(CARE_EARLY, CARE_LATE),
    ),
    Site(
        "employer:elbhotel-hitzacker",
        PlaceKind.EMPLOYER,
        "Elbhotel Hitzacker (fictional)",
        "hitzacker",
        "Altstadt Hitzacker",
        -0.002,
        0.002,
        shifts=(HOTEL, DAY),
    ),
    Site(
        "employer:autohaus-elbe",
        PlaceKind.EMPLOYER,
        "Autohaus an der Elbe (fictional)",
        "dannenberg",
        "Gewerbegebiet Dannenberg",
        -0.006,
        0.016,
        shifts=(DAY,),
    ),
    Site(
        "employer:wustrow-tischlerei",
        PlaceKind.EMPLOYER,
        "Tischlerei Wustrow (fictional)",
        "wustrow",
        "Ortsrand Wustrow",
        0.004,
        -0.006,
        shifts=(DAY,),
    ),
    Site(
        "course:kvhs-luechow",
        PlaceKind.COURSE_SITE,
        "KVHS Lüchow-Dannenberg, Lernort Lüchow (approximate location)",
        "luechow",
        "Innenstadt Lüchow",
        0.001,
        -0.002,
        shifts=(COURSE_MORNING, COURSE_AFTERNOON),
    ),
    Site(
        "course:kvhs-dannenberg",
        PlaceKind.COURSE_SITE,
        "KVHS Lüchow-Dannenberg, Lernort Dannenberg (approximate location)",
        "dannenberg",
        "Innenstadt Dannenberg",
        0.001,
        0.002,
        shifts=(COURSE_MORNING,),
    ),
    Site(
        "daycare:kita-luechow",
        PlaceKind.DAYCARE,
        "Kita Sonnenblume Lüchow (fictional)",
        "luechow",
        "Wohngebiet Lüchow",
        -0.005,
        -0.006,
    ),
    Site(
        "daycare:kita-dannenberg",
        PlaceKind.DAYCARE,
        "Kita Elbkiesel Dannenberg (fictional)",
        "dannenberg",
        "Wohngebiet Dannenberg",
        0.005,
        -0.004,
    ),
    Site(
        "station:dannenberg-ost",
        PlaceKind.STATION,
        "Bahnhof Dannenberg Ost (approximate location)",
        "dannenberg",
        "Bahnhof",
        -0.002,
        0.010,
    ),
    Site(
        "station:hitzacker",
        PlaceKind.STATION,
        "Bahnhof Hitzacker (approximate location)",
        "hitzacker",
        "Bahnhof",
        -0.006,
        -0.004,
    ),
)

STREETS: tuple[str, ...] = (
    "Dorfstraße",
    "Hauptstraße",
    "Lindenweg",
    "Am Rundling",
    "Schulstraße",
    "Kirchweg",
    "Bahnhofstraße",
    "Am Sportplatz",
    "Wiesenweg",
    "Birkenweg",
    "Mühlenweg",
    "Gartenstraße",
)
"""Common German street names; the demo addresses are fictional."""


def municipality(key: str) -> Municipality:
    """The municipality with ``key``."""
    for item in MUNICIPALITIES:
        if item.key == key:
            return item
    raise KeyError(key)
