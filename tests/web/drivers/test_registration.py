"""Driver registration, login by magic link or password, availability edits (German and Arabic)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from matcher.models import Driver
from matcher.models import DriverLoginToken
from matcher.models import OutboxMessage
from matcher.people import registration as reg
from matcher.settings import Settings
from tests.factories import DEFAULT_PASSWORD
from tests.factories import make_driver
from tests.factories import password_hash

NEXT_YEAR = dt.date.today().year + 1


def driver_data(gazetteer, **over):
    data = {
        "first_name": "Heike",
        "last_name": "Schulz",
        "phone": "05841 123456",
        "email": "heike@example.org",
        "home_street": "Bahnhofstraße",
        "home_number": "3",
        "home_village": str(gazetteer["town"].id),
        "car_description": "blauer VW Golf",
        "seats": "3",
        "child_seats": "1",
        "languages": ["de", "en"],
        "windows-0-weekdays": ["0", "1", "2", "3", "4"],
        "windows-0-start": "05:00",
        "windows-0-end": "08:30",
        "windows-1-weekdays": ["0", "1", "2", "3", "4"],
        "windows-1-start": "13:30",
        "windows-1-end": "22:30",
        "max_driving_minutes_per_day": "240",
        "holidays-0-first_day": f"{NEXT_YEAR}-07-01",
        "holidays-0-last_day": f"{NEXT_YEAR}-07-14",
        "consent": "y",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("lang", "direction"), [("de", "ltr"), ("ar", "rtl")])
def test_round_trip(client, session, gazetteer, lang, direction):
    page = client.get(f"/register/driver?lang={lang}")
    assert page.status_code == 200
    assert f'lang="{lang}" dir="{direction}"' in page.get_data(as_text=True)
    sent = client.post("/register/driver", data=driver_data(gazetteer))
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"])
    assert f'dir="{direction}"' in thanks.get_data(as_text=True)
    driver = session.scalars(sa.select(Driver)).one()
    assert driver.locale == lang and not driver.vetted and driver.phone == "+495841123456"
    assert sorted((w.weekday, w.start_time) for w in driver.windows)[:2] == [
        (0, dt.time(5)),
        (0, dt.time(13, 30)),
    ]
    assert len(driver.windows) == 10
    assert [(e.first_day, e.last_day) for e in driver.exceptions] == [
        (dt.date(NEXT_YEAR, 7, 1), dt.date(NEXT_YEAR, 7, 14))
    ]


INVALID = [
    ({"first_name": ""}, "first_name"),
    ({"email": "heike"}, "email"),
    ({"email": 'x"<script>@b.de'}, "email"),
    ({"phone": "0"}, "phone"),
    ({"home_village": ""}, "home_village"),
    ({"seats": "0"}, "seats"),
    ({"seats": "9"}, "seats"),
    ({"child_seats": "5"}, "child_seats"),
    ({"windows-0-end": "04:00"}, "windows-0-start"),
    ({"windows-0-weekdays": []}, "windows-0-start"),
    (
        {
            "windows-0-weekdays": [],
            "windows-0-start": "",
            "windows-0-end": "",
            "windows-1-weekdays": [],
            "windows-1-start": "",
            "windows-1-end": "",
        },
        "windows",
    ),
    ({"holidays-0-last_day": f"{NEXT_YEAR}-06-01"}, "holidays-0-last_day"),
    ({"password": "short"}, "password"),
    ({"consent": None}, "consent"),
]


@pytest.mark.parametrize(("over", "field"), INVALID)
def test_invalid_input_keeps_the_rest(client, session, gazetteer, over, field):
    response = client.post("/register/driver", data=driver_data(gazetteer, **over))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    if field != "first_name":
        assert 'value="Heike"' in html
    assert 'value="blauer VW Golf"' in html
    assert session.scalars(sa.select(Driver)).first() is None


def test_overlapping_windows_come_back_as_a_field_error(client, gazetteer):
    data = driver_data(gazetteer, **{"windows-1-start": "08:00"})
    html = client.post("/register/driver", data=data).get_data(as_text=True)
    assert 'id="windows-error"' in html and "overlap" in html


def test_same_email_twice(client, gazetteer):
    client.post("/register/driver", data=driver_data(gazetteer))
    again = client.post("/register/driver", data=driver_data(gazetteer, email="HEIKE@example.org"))
    assert again.status_code == 422 and 'id="email-error"' in again.get_data(as_text=True)


def test_magic_link_login_is_single_use(client, session, gazetteer):
    driver = make_driver(session, email="jens@example.org", locale="ar")
    unknown = client.post("/driver/login", data={"link-email": "nobody@example.org"})
    known = client.post("/driver/login", data={"link-email": "jens@example.org"})
    assert unknown.status_code == known.status_code == 200
    assert unknown.get_data(as_text=True) == known.get_data(as_text=True)  # reveals nothing
    mail = session.scalars(sa.select(OutboxMessage)).one()
    link = re.search(r"https?://\S+/driver/login/(\S+)", mail.body)
    token = link.group(1)
    assert mail.locale == "ar"
    assert client.get("/driver/availability").status_code == 302  # not logged in yet
    landing = client.get(f"/driver/login/{token}")  # a mail scanner's GET uses nothing up
    assert landing.status_code == 200
    assert client.post(f"/driver/login/{token}").status_code == 303
    assert client.get("/driver/availability").status_code == 200
    client.post("/driver/logout")
    assert client.post(f"/driver/login/{token}").status_code == 410  # used
    assert driver.id


def test_expired_link(client, session):
    driver = make_driver(session, email="old@example.org")
    token = reg.issue_login_link(
        session, driver.email, Settings(), now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=21)
    )
    assert client.post(f"/driver/login/{token}").status_code == 410
    assert session.scalars(sa.select(DriverLoginToken)).one().used_at is None


def test_password_login_and_availability_edit(client, session):
    driver = make_driver(
        session, email="pw@example.org", password_hash=password_hash("a long enough password")
    )
    wrong = client.post("/driver/login", data={"pw-email": "pw@example.org", "pw-password": "nope"})
    assert wrong.status_code == 422 and 'id="pw-password-error"' in wrong.get_data(as_text=True)
    ok = client.post(
        "/driver/login",
        data={"pw-email": "pw@example.org", "pw-password": "a long enough password"},
    )
    assert ok.status_code == 303
    saved = client.post(
        "/driver/availability",
        data={
            "windows-0-weekdays": ["5", "6"],
            "windows-0-start": "09:00",
            "windows-0-end": "17:00",
            "max_driving_minutes_per_day": "300",
        },
    )
    assert saved.status_code == 303
    session.expire_all()
    assert sorted(w.weekday for w in driver.windows) == [5, 6]
    assert driver.max_driving_minutes_per_day == 300
    page = client.get("/driver/availability").get_data(as_text=True)
    assert 'value="09:00"' in page
    added = client.post(
        "/driver/availability",
        data={
            "exc-kind": "unavailable",
            "exc-first_day": f"{NEXT_YEAR}-03-01",
            "exc-last_day": f"{NEXT_YEAR}-03-03",
            "exc-note": "Kur",
        },
    )
    assert added.status_code == 303
    session.expire_all()
    (exception,) = driver.exceptions
    other = make_driver(session)
    other_exc = reg.add_exception(
        session, other.id, reg.ExceptionInput(dt.date(NEXT_YEAR, 1, 1), dt.date(NEXT_YEAR, 1, 2))
    )
    assert client.post(f"/driver/availability/exceptions/{other_exc.id}/delete").status_code == 404
    assert client.post(f"/driver/availability/exceptions/{exception.id}/delete").status_code == 303
    session.expire_all()
    assert driver.exceptions == []


def test_login_rate_limit(app_config, database_url, session, tmp_path):
    from tests.web.riders.test_register import _app

    app = _app(
        {"RATELIMIT_ENABLED": True, "RATELIMIT_DRIVER_LOGIN": "2 per minute"},
        database_url,
        session,
        tmp_path,
    )
    client = app.test_client()
    codes = [
        client.post(
            "/driver/login", data={"pw-email": "x@example.org", "pw-password": "y"}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [422, 422, 429]


def test_csrf_on_login(database_url, session, tmp_path):
    from tests.web.riders.test_register import _app

    app = _app({"WTF_CSRF_ENABLED": True}, database_url, session, tmp_path)
    response = app.test_client().post("/driver/login", data={"link-email": "x@example.org"})
    assert response.status_code == 400


def test_a_drivers_cookie_saved_before_logout_opens_nothing_afterwards(client, session, app):
    make_driver(session, email="jens@example.org", password_hash=password_hash())
    sent = client.post(
        "/driver/login", data={"pw-email": "jens@example.org", "pw-password": DEFAULT_PASSWORD}
    )
    assert sent.status_code in (302, 303)
    assert client.get("/driver/availability").status_code == 200
    saved = client.get_cookie("session").value
    client.post("/driver/logout")
    thief = app.test_client()
    thief.set_cookie("session", saved)
    assert thief.get("/driver/availability").status_code == 302


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"last_name": "Schulz\x00"}, "last_name"),
        ({"car_description": "blauer\x1bVW"}, "car_description"),
        ({"windows-0-start": "05:00\x00"}, "windows-0-start"),  # inside a row of the list
    ],
)
def test_control_characters_are_a_field_error(client, session, gazetteer, over, field):
    response = client.post("/register/driver?lang=en", data=driver_data(gazetteer, **over))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html
    assert "This contains invisible control characters; please type it again." in html
    assert session.scalars(sa.select(Driver)).first() is None
