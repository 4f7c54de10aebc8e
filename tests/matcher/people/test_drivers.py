"""Driver registration, vetting, magic links, passwords and availability edits."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from matcher.errors import NotFound
from matcher.errors import ValidationError
from matcher.models import DriverLoginToken
from matcher.models import ExceptionKind
from matcher.models import OutboxMessage
from matcher.people import registration as reg
from matcher.people.drivers import LOGIN_LINK_LIFETIME
from matcher.settings import Settings
from tests.factories import make_coordinator
from tests.factories import make_gazetteer_place

SETTINGS = Settings()
T = dt.time


def driver_registration(village_id: int, **over) -> reg.DriverRegistration:
    values = dict(
        first_name="Heike",
        last_name="Schulz",
        phone="05841 123456",
        email="Heike@Example.org",
        home=reg.AddressInput("Bahnhofstraße", "3", village_place_id=village_id),
        seats=3,
        consent=True,
        windows=(
            reg.WindowInput(frozenset(range(5)), T(5), T(8, 30)),
            reg.WindowInput(frozenset(range(5)), T(13, 30), T(22, 30)),
        ),
        exceptions=(reg.ExceptionInput(dt.date(2026, 12, 24), dt.date(2027, 1, 2), note="Urlaub"),),
        languages=("de", "en"),
    )
    values.update(over)
    return reg.DriverRegistration(**values)


@pytest.fixture()
def village(session):
    return make_gazetteer_place(session, name="Gartow", municipality="Gartow")


def test_register_driver_waits_for_vetting(session, village):
    done = reg.register_driver(session, driver_registration(village.id), SETTINGS)
    driver = done.driver
    assert driver.email == "heike@example.org" and driver.phone == "+495841123456"
    assert not driver.vetted and not driver.plannable
    assert len(driver.windows) == 10 and len(driver.exceptions) == 1
    coordinator = make_coordinator(session)
    reg.vet_driver(session, driver.id, coordinator.id)
    assert driver.plannable and driver.vetted_by_id == coordinator.id


def test_same_email_twice_is_refused(session, village):
    reg.register_driver(session, driver_registration(village.id), SETTINGS)
    with pytest.raises(ValidationError) as error:
        reg.register_driver(session, driver_registration(village.id), SETTINGS)
    assert error.value.field == "email"


@pytest.mark.parametrize(
    "windows",
    [
        (reg.WindowInput(frozenset({0}), T(9), T(8)),),  # ends before it starts
        (reg.WindowInput(frozenset(), T(8), T(9)),),  # no weekday
        (  # overlapping on Monday
            reg.WindowInput(frozenset({0}), T(8), T(12)),
            reg.WindowInput(frozenset({0, 1}), T(11), T(13)),
        ),
    ],
)
def test_bad_windows(session, village, windows):
    with pytest.raises(ValidationError) as error:
        reg.register_driver(session, driver_registration(village.id, windows=windows), SETTINGS)
    assert error.value.field == "windows"


def test_magic_link_single_use_and_expiry(session, village):
    driver = reg.register_driver(session, driver_registration(village.id), SETTINGS).driver
    assert reg.issue_login_link(session, "nobody@example.org", SETTINGS) is None
    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    token = reg.issue_login_link(session, "HEIKE@example.org ", SETTINGS, now=now)
    assert token is not None
    stored = session.scalars(sa.select(DriverLoginToken)).one()
    assert stored.token_hash != token and stored.expires_at == now + LOGIN_LINK_LIFETIME
    assert f"/driver/login/{token}\n" in session.scalars(sa.select(OutboxMessage)).one().body
    assert reg.redeem_login_link(session, token, now=now + dt.timedelta(minutes=1)) is driver
    assert reg.redeem_login_link(session, token, now=now + dt.timedelta(minutes=2)) is None
    late = reg.issue_login_link(session, driver.email, SETTINGS, now=now)
    assert reg.redeem_login_link(session, late, now=now + LOGIN_LINK_LIFETIME) is None
    assert reg.redeem_login_link(session, "not-a-token", now=now) is None


def test_password(session, village):
    driver = reg.register_driver(session, driver_registration(village.id), SETTINGS).driver
    assert reg.authenticate_driver(session, driver.email, "whatever-password") is None
    with pytest.raises(ValidationError):
        reg.set_password(session, driver.id, "short")
    reg.set_password(session, driver.id, "a long enough password")
    assert reg.authenticate_driver(session, "HEIKE@example.org", "a long enough password") is driver
    assert reg.authenticate_driver(session, driver.email, "wrong password!!") is None
    assert reg.authenticate_driver(session, "unknown@example.org", "a long enough password") is None


def test_availability_edits(session, village):
    driver = reg.register_driver(session, driver_registration(village.id), SETTINGS).driver
    reg.set_availability(session, driver.id, [reg.WindowInput(frozenset({5, 6}), T(9), T(17))], 300)
    assert sorted(w.weekday for w in driver.windows) == [5, 6]
    assert driver.max_driving_minutes_per_day == 300
    extra = reg.add_exception(
        session,
        driver.id,
        reg.ExceptionInput(
            dt.date(2027, 2, 1), dt.date(2027, 2, 1), ExceptionKind.EXTRA, T(6), T(9)
        ),
    )
    assert len(driver.exceptions) == 2
    other = reg.register_driver(
        session, driver_registration(village.id, email="other@example.org"), SETTINGS
    ).driver
    with pytest.raises(NotFound):
        reg.remove_exception(session, other.id, extra.id)
    reg.remove_exception(session, driver.id, extra.id)
    session.expire_all()
    assert len(driver.exceptions) == 1
