"""Load the demo district into an empty database: deterministic, idempotent, all flagged demo.

``load_demo`` only ever adds to an empty database. If the demo is already
there it does nothing and says so; if other data is there it does nothing
either, so a real installation never gets demo people mixed in. The caller
commits (services never commit).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher import clock
from matcher.demo.demand import DemandContext
from matcher.demo.demand import make_needs
from matcher.demo.gazetteer import MUNICIPALITIES
from matcher.demo.gazetteer import SITES
from matcher.demo.gazetteer import STREETS
from matcher.demo.gazetteer import municipality
from matcher.demo.people import COMMUNITIES
from matcher.demo.people import DRIVER_PHONE_PREFIX
from matcher.demo.people import DRIVERS
from matcher.demo.people import EMAIL_DOMAIN
from matcher.demo.people import PROFILES
from matcher.demo.people import RIDER_PHONE_PREFIX
from matcher.demo.people import DriverSpec
from matcher.models import AvailabilityException
from matcher.models import AvailabilityWindow
from matcher.models import Coordinator
from matcher.models import CoordinatorRole
from matcher.models import Driver
from matcher.models import ExceptionKind
from matcher.models import MobilityNeed
from matcher.models import Place
from matcher.models import PlaceKind
from matcher.models import PlaceSource
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.security import hash_password
from matcher.security import hash_token
from matcher.security import verify_password

DEFAULT_SEED = 2026
COORDINATOR_EMAIL = f"coordinator@{EMAIL_DOMAIN}"
ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"
VIEWER_EMAIL = f"viewer@{EMAIL_DOMAIN}"
DRIVER_LOGIN_PATH = "/driver/login"
RIDER_COUNT = 80
NEED_COUNT = 120
PRIVACY_NOTICE_VERSION = "2026-01"


@dataclass(frozen=True)
class DemoLogin:
    """A demo account and its password (demo only: printed on purpose)."""

    role: str
    email: str
    password: str


@dataclass(frozen=True)
class DemoSummary:
    """What ``load_demo`` did, with counts of the demo rows and the demo logins."""

    loaded: bool
    message: str
    counts: Mapping[str, int] = field(default_factory=dict)
    logins: tuple[DemoLogin, ...] = ()

    def __str__(self) -> str:
        lines = [self.message]
        if self.counts:
            lines.append(", ".join(f"{n} {name}" for name, n in self.counts.items()))
        lines += [
            f"  {x.role}: {x.email} / password: {x.password}"
            + (f" (driver portal: {DRIVER_LOGIN_PATH})" if x.role == "driver" else "")
            for x in self.logins
        ]
        return "\n".join(lines)


def demo_counts(session: Session) -> dict[str, int]:
    """Numbers of demo rows per kind, as shown in the summary."""

    def count(stmt: sa.Select[int]) -> int:
        return int(session.scalar(stmt) or 0)

    demo_rider_ids = sa.select(Rider.id).where(Rider.is_demo)
    demo_driver_ids = sa.select(Driver.id).where(Driver.is_demo)
    return {
        "places": count(sa.select(sa.func.count()).where(Place.is_demo)),
        "riders": count(sa.select(sa.func.count()).where(Rider.is_demo)),
        "ride needs": count(
            sa.select(sa.func.count()).where(RideNeed.rider_id.in_(demo_rider_ids))
        ),
        "drivers": count(sa.select(sa.func.count()).where(Driver.is_demo)),
        "availability windows": count(
            sa.select(sa.func.count()).where(AvailabilityWindow.driver_id.in_(demo_driver_ids))
        ),
        "availability exceptions": count(
            sa.select(sa.func.count()).where(AvailabilityException.driver_id.in_(demo_driver_ids))
        ),
        "coordinator accounts": count(sa.select(sa.func.count()).where(Coordinator.is_demo)),
    }


def _is_empty(session: Session) -> bool:
    for model in (Place, Rider, Driver, Coordinator):
        if session.scalar(sa.select(model.id).limit(1)) is not None:
            return False
    return True


def load_demo(
    session: Session, seed: int = DEFAULT_SEED, today: dt.date | None = None
) -> DemoSummary:
    """Fill an empty database with the demo district; flushes, never commits.

    Args:
        session: the unit of work; the caller commits.
        seed: seed of the ``random.Random`` that makes every choice; same seed, same rows.
        today: the reference day (default: today in Berlin); needs and availability are
            placed around its week so the demo is always current.
    """
    if session.scalar(sa.select(Coordinator.id).where(Coordinator.email == COORDINATOR_EMAIL)):
        counts = demo_counts(session)
        message = "The demo district is already loaded; nothing changed."
        return DemoSummary(False, message, counts, unchanged_demo_logins(session, seed))
    if not _is_empty(session):
        return DemoSummary(False, "The database is not empty; the demo district was not loaded.")

    today = today or clock.today()
    rng = random.Random(seed)
    monday = today - dt.timedelta(days=today.weekday())
    logins, admin = _coordinators(session, rng)
    logins.append(_viewer(session, seed))
    places = load_gazetteer(session)
    _drivers(session, rng, places, admin, monday)
    riders = _riders(session, rng, places, monday)
    needs = make_needs(DemandContext(rng, places, monday), riders, NEED_COUNT)
    session.add_all(needs)
    session.flush()
    logins.append(_driver_login(session, seed))
    message = f"Loaded the demo district Lüchow-Dannenberg (seed {seed}, week of {monday})."
    return DemoSummary(True, message, demo_counts(session), tuple(logins))


def add_people(session: Session, seed: int, today: dt.date | None = None) -> int:
    """Another set of the demo's drivers, riders and needs, made under ``seed``; flushes.

    On top of a loaded demo district (same places, same week): calling it with
    four other seeds gives a district five times the demo's size, as the
    benchmarks use. Drivers' e-mail addresses carry the seed (they are unique).
    Returns the number of needs added.
    """
    today = today or clock.today()
    rng = random.Random(seed)
    monday = today - dt.timedelta(days=today.weekday())
    admin = session.scalars(sa.select(Coordinator).where(Coordinator.email == ADMIN_EMAIL)).one()
    keyed = session.scalars(sa.select(Place).where(Place.key.is_not(None)))
    places = {p.key: p for p in keyed if p.key is not None}
    _drivers(session, rng, places, admin, monday, email_tag=f"+{seed}")
    riders = _riders(session, rng, places, monday)
    needs = make_needs(DemandContext(rng, places, monday), riders, NEED_COUNT)
    session.add_all(needs)
    session.flush()
    return len(needs)


def unchanged_demo_logins(session: Session, seed: int) -> tuple[DemoLogin, ...]:
    """The demo logins of ``seed`` whose password nobody has changed since loading."""
    rng = random.Random(seed)
    logins = []
    for role, email in (
        (CoordinatorRole.ADMIN, ADMIN_EMAIL),
        (CoordinatorRole.COORDINATOR, COORDINATOR_EMAIL),
    ):
        password = _password(rng)
        stored = session.scalar(
            sa.select(Coordinator.password_hash).where(Coordinator.email == email)
        )
        if verify_password(stored, password):
            logins.append(DemoLogin(role.value, email, password))
    viewer_password = _password(_viewer_rng(seed))
    stored = session.scalar(
        sa.select(Coordinator.password_hash).where(Coordinator.email == VIEWER_EMAIL)
    )
    if verify_password(stored, viewer_password):
        logins.append(DemoLogin(CoordinatorRole.VIEWER.value, VIEWER_EMAIL, viewer_password))
    driver_password = _password(random.Random(f"{seed}-driver"))
    stored = session.scalar(
        sa.select(Driver.password_hash).where(Driver.email == _demo_driver_email())
    )
    if verify_password(stored, driver_password):
        logins.append(DemoLogin("driver", _demo_driver_email(), driver_password))
    return tuple(logins)


def _demo_driver_email() -> str:
    spec = next(spec for spec in DRIVERS if spec.vetted)
    return f"{_ascii(spec.first_name)}.{_ascii(spec.last_name)}@{EMAIL_DOMAIN}"


def _driver_login(session: Session, seed: int) -> DemoLogin:
    """A password for the first approved demo driver, to try the driver portal."""
    password = _password(random.Random(f"{seed}-driver"))
    driver = session.scalars(sa.select(Driver).where(Driver.email == _demo_driver_email())).one()
    driver.password_hash = hash_password(password)
    session.flush()
    return DemoLogin("driver", _demo_driver_email(), password)


def _viewer_rng(seed: int) -> random.Random:
    # A generator of its own, so the viewer leaves every other demo row as it was.
    return random.Random(f"{seed}-viewer")


def _viewer(session: Session, seed: int) -> DemoLogin:
    """A read-only account, to see the office as a viewer does."""
    password = _password(_viewer_rng(seed))
    session.add(
        Coordinator(
            email=VIEWER_EMAIL,
            name="Demo Lesezugriff",
            role=CoordinatorRole.VIEWER,
            password_hash=hash_password(password),
            is_demo=True,
        )
    )
    return DemoLogin(CoordinatorRole.VIEWER.value, VIEWER_EMAIL, password)


def _password(rng: random.Random) -> str:
    words = ("Elbe", "Jeetzel", "Drawehn", "Rundling", "Wendland", "Goehrde", "Dumme", "Seege")
    return f"{rng.choice(words)}-{rng.choice(words)}-{rng.randrange(1000, 10000)}"


def _coordinators(session: Session, rng: random.Random) -> tuple[list[DemoLogin], Coordinator]:
    logins = []
    accounts = []
    specs = (
        (CoordinatorRole.ADMIN, ADMIN_EMAIL, "Demo Admin"),
        (CoordinatorRole.COORDINATOR, COORDINATOR_EMAIL, "Demo Koordination"),
    )
    for role, email, name in specs:
        password = _password(rng)
        accounts.append(
            Coordinator(
                email=email,
                name=name,
                role=role,
                password_hash=hash_password(password),
                is_demo=True,
            )
        )
        logins.append(DemoLogin(role.value, email, password))
    session.add_all(accounts)
    return logins, accounts[0]


def load_gazetteer(session: Session) -> dict[str, Place]:
    """The district's villages and towns and the demo's sites, without any people.

    What a district starts from before anyone registers (tests of a whole
    journey start here: everyone else comes in through the product's forms).
    """
    places: dict[str, Place] = {}
    for m in MUNICIPALITIES:
        key = f"{m.kind.value}:{m.key}"
        places[key] = Place(
            key=key,
            kind=m.kind,
            name=m.name,
            postcode=m.postcode,
            municipality=m.name,
            lat=m.lat,
            lon=m.lon,
            source=PlaceSource.GAZETTEER,
            confirmed=True,
            is_demo=True,
        )
    for site in SITES:
        town = municipality(site.municipality)
        places[site.key] = Place(
            key=site.key,
            kind=site.kind,
            name=site.name,
            street=site.street,
            postcode=town.postcode,
            municipality=town.name,
            lat=round(town.lat + site.dlat, 5),
            lon=round(town.lon + site.dlon, 5),
            source=PlaceSource.GAZETTEER,
            confirmed=True,
            is_demo=True,
        )
    session.add_all(places.values())
    return places


def _address(rng: random.Random, town_key: str, *, located: bool = True) -> Place:
    """A fictional street address in the municipality, a few hundred metres from its centre."""
    town = municipality(town_key)
    return Place(
        kind=PlaceKind.ADDRESS,
        name=town.name,
        street=f"{rng.choice(STREETS)} {rng.randrange(1, 60)}",
        postcode=town.postcode,
        municipality=town.name,
        lat=round(town.lat + rng.uniform(-0.004, 0.004), 5) if located else None,
        lon=round(town.lon + rng.uniform(-0.006, 0.006), 5) if located else None,
        source=PlaceSource.MANUAL,
        confirmed=located,
        is_demo=True,
    )


def _ascii(text: str) -> str:
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _instant(day: dt.date, hour: int, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=dt.UTC)


def _drivers(
    session: Session,
    rng: random.Random,
    places: dict[str, Place],
    admin: Coordinator,
    monday: dt.date,
    email_tag: str = "",
) -> None:
    profiles = {p.name: p for p in PROFILES}
    for number, spec in enumerate(DRIVERS):
        profile = profiles[spec.profile]
        joined = monday - dt.timedelta(days=rng.randrange(30, 400))
        driver = Driver(
            first_name=spec.first_name,
            last_name=spec.last_name,
            phone=f"{DRIVER_PHONE_PREFIX}{number:03d}",
            email=f"{_ascii(spec.first_name)}.{_ascii(spec.last_name)}{email_tag}@{EMAIL_DOMAIN}",
            home_place=_address(rng, spec.home),
            car_description=spec.car or None,
            seats=spec.seats,
            child_seats=spec.child_seats,
            languages=list(spec.languages),
            vetted=spec.vetted,
            vetted_at=_instant(joined + dt.timedelta(days=14), 9, rng) if spec.vetted else None,
            vetted_by=admin if spec.vetted else None,
            max_driving_minutes_per_day=spec.max_minutes,
            max_rides_per_week=spec.max_rides_per_week,
            max_night_rides_per_week=4 if profile.night_rides else 0,
            consent_at=_instant(joined, 18, rng),
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
            locale="de",
            is_demo=True,
            last_active_at=_instant(monday - dt.timedelta(days=rng.randrange(0, 10)), 19, rng),
        )
        for days, windows in profile.pattern:
            for weekday in days:
                for start, end in windows:
                    driver.windows.append(
                        AvailabilityWindow(weekday=weekday, start_time=start, end_time=end)
                    )
        driver.exceptions.extend(_exceptions(rng, spec, monday))
        session.add(driver)


def _exceptions(
    rng: random.Random, spec: DriverSpec, monday: dt.date
) -> list[AvailabilityException]:
    """Holidays, an appointment, sometimes an extra Saturday: what volunteers really report."""
    result = []
    if rng.random() < 0.5:
        start = monday + dt.timedelta(days=rng.randrange(7, 50))
        result.append(
            AvailabilityException(
                kind=ExceptionKind.UNAVAILABLE,
                first_day=start,
                last_day=start + dt.timedelta(days=rng.choice((6, 9, 13))),
                note="Urlaub",
            )
        )
    if rng.random() < 0.4:
        day = monday + dt.timedelta(days=rng.randrange(0, 14))
        result.append(
            AvailabilityException(
                kind=ExceptionKind.UNAVAILABLE,
                first_day=day,
                last_day=day,
                start_time=dt.time(14),
                end_time=dt.time(17),
                note="Arzttermin",
            )
        )
    if spec.vetted and rng.random() < 0.25:
        saturday = monday + dt.timedelta(days=5 + 7 * rng.randrange(0, 3))
        result.append(
            AvailabilityException(
                kind=ExceptionKind.EXTRA,
                first_day=saturday,
                last_day=saturday,
                start_time=dt.time(8),
                end_time=dt.time(14),
                note="Kann ausnahmsweise samstags",
            )
        )
    return result


def _token(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=")


def _riders(
    session: Session, rng: random.Random, places: dict[str, Place], monday: dt.date
) -> list[tuple[Rider, Place]]:
    towns = [m.key for m in MUNICIPALITIES]
    town_weights = [m.weight for m in MUNICIPALITIES]
    riders: list[tuple[Rider, Place]] = []
    unlocated = set(rng.sample(range(RIDER_COUNT - 1), 2))
    for number in range(RIDER_COUNT - 1):
        community = rng.choices(COMMUNITIES, weights=[c.weight for c in COMMUNITIES])[0]
        first_name = rng.choice(community.first_names)
        languages = list(community.languages)
        if rng.random() < 0.5:
            languages.append("de")
        if rng.random() < 0.2:
            languages.append("en")
        mobility = []
        roll = rng.random()
        if roll < 0.07:
            mobility.append(MobilityNeed.WALKING_AID.value)
        elif roll < 0.10:
            mobility.append(MobilityNeed.FOLDING_WHEELCHAIR.value)
        home_town = rng.choices(towns, weights=town_weights)[0]
        home = _address(rng, home_town, located=number not in unlocated)
        joined = monday - dt.timedelta(days=rng.randrange(10, 120))
        rider = Rider(
            first_name=first_name,
            phone=f"{RIDER_PHONE_PREFIX}{number:03d}",
            email=f"{_ascii(first_name)}.{number}@{EMAIL_DOMAIN}" if rng.random() < 0.4 else None,
            home_place=home,
            languages=languages,
            mobility_needs=mobility,
            note="Faltrollstuhl passt in den Kofferraum."
            if "folding_wheelchair" in mobility
            else None,
            consent_at=_instant(joined, 10, rng),
            privacy_notice_version=PRIVACY_NOTICE_VERSION,
            token_hash=hash_token(_token(rng)),
            locale=community.locale,
            location_to_check=number in unlocated,
            is_demo=True,
            last_active_at=_instant(monday - dt.timedelta(days=rng.randrange(0, 21)), 12, rng),
        )
        session.add(rider)
        riders.append((rider, home))
    # The last registration repeats an earlier rider's phone number: the coordinator
    # sees it flagged as a possible duplicate instead of a silent second person.
    original, original_home = riders[rng.randrange(len(riders))]
    duplicate_home = _address(rng, _town_key_of(original_home))
    duplicate = Rider(
        first_name=original.first_name,
        phone=original.phone,
        home_place=duplicate_home,
        languages=list(original.languages),
        consent_at=_instant(monday - dt.timedelta(days=3), 11, rng),
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        token_hash=hash_token(_token(rng)),
        locale=original.locale,
        possible_duplicate_of=original,
        is_demo=True,
    )
    session.add(duplicate)
    riders.append((duplicate, duplicate_home))
    return riders


def _town_key_of(place: Place) -> str:
    return next(m.key for m in MUNICIPALITIES if m.name == place.municipality)
