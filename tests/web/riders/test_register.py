"""The rider form end to end: German and Arabic, field errors keep the input, CSRF, rate limit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from matcher.models import NeedStatus
from matcher.models import OutboxMessage
from matcher.models import Rider
from matcher.models import ScheduleKind

NEXT_YEAR = dt.date.today().year + 1


def form_data(gazetteer, **over):
    data = {
        "first_name": "Amal",
        "phone": "0151 23456789",
        "email": "amal@example.org",
        "home_street": "Lange Straße",
        "home_number": "5",
        "home_village": str(gazetteer["village"].id),
        "destination_place": str(gazetteer["employer"].id),
        "purpose": "shift_work",
        "schedule_kind": "weekly",
        "weekdays": ["0", "1", "2", "3", "4"],
        "arrive_by": "05:45",
        "pick_up_after": "14:15",
        "valid_from": f"{NEXT_YEAR}-01-04",
        "seats_needed": "2",
        "child_seats": "1",
        "booster_seats": "0",
        "via_place": str(gazetteer["daycare"].id),
        "mobility_needs": ["walking_aid"],
        "mobility_note": "Bitte klingeln",
        "languages": ["ar", "de"],
        "consent": "y",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def token_of(location: str) -> str:
    return re.search(r"/me/([^?]+)", location).group(1)


@pytest.mark.parametrize(("lang", "direction"), [("de", "ltr"), ("ar", "rtl")])
def test_round_trip(client, session, gazetteer, lang, direction):
    page = client.get(f"/register/rider?lang={lang}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'lang="{lang}" dir="{direction}"' in html
    assert 'for="first_name"' in html and 'aria-describedby="phone-hint"' in html
    assert "Kita Sonnenschein" in html and "Pflegezentrum am Drawehn" in html

    sent = client.post("/register/rider", data=form_data(gazetteer))
    assert sent.status_code == 303
    token = token_of(sent.headers["Location"])
    rider = session.scalars(sa.select(Rider).where(Rider.first_name == "Amal")).one()
    assert rider.locale == lang and rider.languages == ["ar", "de"]
    assert rider.mobility_needs == ["walking_aid"] and rider.note == "Bitte klingeln"
    need = rider.needs[0]
    assert need.status == NeedStatus.PENDING and need.via_id == gazetteer["daycare"].id
    assert (need.seats_needed, need.child_seats) == (2, 1)
    assert need.weekday_set == {0, 1, 2, 3, 4}
    mail = session.scalars(sa.select(OutboxMessage)).one()
    assert token in mail.body and mail.locale == lang

    me = client.get(sent.headers["Location"])
    html = me.get_data(as_text=True)
    assert me.status_code == 200
    assert f'dir="{direction}"' in html
    assert "Amal" in html and f"/me/{token}" in html
    assert 'src="data:image/png;base64,' in html  # the QR code
    assert "Pflegezentrum am Drawehn" in html


def test_rotating_shifts_and_dates(client, session, gazetteer):
    data = form_data(
        gazetteer,
        schedule_kind="rotating",
        arrive_by=None,
        pick_up_after=None,
        **{
            "rotation-0-arrive_by": "05:45",
            "rotation-0-pick_up_after": "14:15",
            "rotation-1-arrive_by": "13:45",
            "rotation-1-pick_up_after": "22:15",
            "rotation-2-off": "y",
        },
    )
    assert client.post("/register/rider", data=data).status_code == 303
    need = session.scalars(sa.select(Rider)).one().needs[0]
    assert need.schedule_kind == ScheduleKind.ROTATING
    assert [w.arrive_by for w in need.rotation_weeks] == [dt.time(5, 45), dt.time(13, 45)]

    dated = form_data(
        gazetteer,
        phone="0151 7777 6666",
        schedule_kind="dates",
        weekdays=[],
        dates=f"3.2.{NEXT_YEAR}, {NEXT_YEAR}-02-10",
        valid_from="",
    )
    assert client.post("/register/rider", data=dated).status_code == 303
    rider = session.scalars(sa.select(Rider).where(Rider.phone == "+4915177776666")).one()
    assert [d.day for d in rider.needs[0].dates] == [
        dt.date(NEXT_YEAR, 2, 3),
        dt.date(NEXT_YEAR, 2, 10),
    ]


INVALID = [
    # (overrides, field whose error must show)
    ({"first_name": ""}, "first_name"),
    ({"first_name": "x" * 81}, "first_name"),
    ({"phone": "12345"}, "phone"),
    ({"phone": ""}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"email": 'x"<script>@b.de'}, "email"),  # checked by email-validator
    ({"email": "Amal <amal@example.org>"}, "email"),
    ({"email": "amal@localhost"}, "email"),
    ({"home_street": ""}, "home_street"),
    ({"home_village": ""}, "home_village"),
    ({"home_village": "999999"}, "home_village"),
    ({"destination_place": ""}, "destination_place"),
    ({"destination_place": "", "destination_street": "Am Hafen 1"}, "destination_town"),
    ({"purpose": None}, "purpose"),
    ({"purpose": "holiday"}, "purpose"),
    ({"weekdays": []}, "weekdays"),
    ({"arrive_by": "", "pick_up_after": ""}, "arrive_by"),
    ({"arrive_by": "25:99"}, "arrive_by"),
    ({"valid_from": ""}, "valid_from"),
    ({"valid_until": f"{NEXT_YEAR - 2}-01-01"}, "valid_until"),
    ({"seats_needed": "0"}, "seats_needed"),
    ({"seats_needed": "9"}, "seats_needed"),
    ({"seats_needed": "two"}, "seats_needed"),
    ({"child_seats": "3"}, "child_seats"),
    ({"mobility_note": "x" * 501}, "mobility_note"),
    ({"schedule_kind": "dates", "dates": "someday"}, "dates"),
    ({"schedule_kind": "dates", "dates": ""}, "dates"),
    ({"schedule_kind": "rotating"}, "rotation"),
    ({"consent": None}, "consent"),
]


@pytest.mark.parametrize(("over", "field"), INVALID)
def test_invalid_input_keeps_the_rest(client, session, gazetteer, over, field):
    response = client.post("/register/rider?lang=de", data=form_data(gazetteer, **over))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html, field
    assert f'href="#{field}"' in html  # the summary links to the field
    assert 'class="error-summary"' in html
    if field != "first_name":
        assert 'value="Amal"' in html
    if field != "phone":
        assert 'value="0151 23456789"' in html
    if field != "home_street":
        assert 'value="Lange Straße"' in html
    assert session.scalars(sa.select(Rider)).first() is None


def test_error_in_arabic_page_is_rtl(client, gazetteer):
    response = client.post("/register/rider?lang=ar", data=form_data(gazetteer, phone="1"))
    html = response.get_data(as_text=True)
    assert 'dir="rtl"' in html and 'id="phone-error"' in html and 'aria-invalid="true"' in html


def test_same_phone_twice_is_flagged(client, session, gazetteer):
    client.post("/register/rider", data=form_data(gazetteer))
    client.post("/register/rider", data=form_data(gazetteer, phone="+49 151 23456789"))
    first, second = session.scalars(sa.select(Rider).order_by(Rider.id)).all()
    assert second.possible_duplicate_of_id == first.id


def test_unknown_address_is_saved_with_a_notice(client, session, gazetteer):
    data = form_data(
        gazetteer,
        destination_place="",
        destination_street="Hafenweg 3",
        destination_town="Atlantis",
    )
    sent = client.post("/register/rider?lang=en", data=data)
    assert sent.status_code == 303
    assert session.scalars(sa.select(Rider)).one().location_to_check
    html = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "could not find your address" in html


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}], indirect=False)
def test_csrf_required(app_config, database_url, session, gazetteer, tmp_path):
    from web import create_app

    app = _app(app_config | {"WTF_CSRF_ENABLED": True}, database_url, session, tmp_path)
    response = app.test_client().post("/register/rider", data=form_data(gazetteer))
    assert response.status_code == 400
    assert session.scalars(sa.select(Rider)).first() is None
    assert create_app  # imported for the app factory


def _app(config, database_url, session, tmp_path):
    from sqlalchemy.orm import sessionmaker

    from web import create_app

    base = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "t",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
    }
    application = create_app(base | config, instance_path=str(tmp_path / "instance"))
    application.extensions["matcher.sessions"] = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return application


def test_rate_limit_counts_stored_registrations_only(database_url, session, gazetteer, tmp_path):
    app = _app(
        {"RATELIMIT_ENABLED": True, "RATELIMIT_REGISTRATIONS_PER_ADDRESS": "1 per minute"},
        database_url,
        session,
        tmp_path,
    )
    client = app.test_client()
    codes = [
        client.post("/register/rider", data=form_data(gazetteer, first_name="")).status_code
        for _ in range(4)
    ]
    assert codes == [422, 422, 422, 422]  # mistakes never count (tests/web/test_rate_limits.py)
    assert client.post("/register/rider", data=form_data(gazetteer)).status_code == 303
    again = form_data(gazetteer, phone="0151 9999 0000", email="x@example.org")
    assert client.post("/register/rider", data=again).status_code == 429
    assert client.get("/register/rider").status_code == 200  # reading is not limited


def test_map_point_instead_of_village(database_url, session, gazetteer, tmp_path):
    app = _app(
        {"TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png"}, database_url, session, tmp_path
    )
    client = app.test_client()
    html = client.get("/register/rider").get_data(as_text=True)
    assert 'id="home-map"' in html and "js/home-map.js" in html
    data = form_data(gazetteer, home_village="", home_lat="52.9365", home_lon="10.9571")
    assert client.post("/register/rider", data=data).status_code == 303
    home = session.scalars(sa.select(Rider)).one().home_place
    assert (home.lat, home.lon, home.source.value) == (52.9365, 10.9571, "map")
    far = form_data(
        gazetteer, phone="0151 3333 4444", home_village="", home_lat="40.0", home_lon="10.0"
    )
    response = client.post("/register/rider", data=far)
    assert response.status_code == 422 and 'id="home_village-error"' in response.get_data(
        as_text=True
    )


def test_no_map_without_tiles(client, gazetteer):
    assert 'id="home-map"' not in client.get("/register/rider").get_data(as_text=True)


def test_just_after_midnight_in_berlin_yesterday_is_past(client, session, gazetteer, time_machine):
    """00:30 in Berlin is 23:30 UTC in winter: the district's day decides, not the server's."""
    time_machine.move_to(dt.datetime(2027, 1, 14, 23, 30, tzinfo=dt.UTC))
    one_off = {"schedule_kind": "dates", "weekdays": [], "valid_from": ""}
    yesterday = form_data(gazetteer, dates="14.1.2027", **one_off)
    response = client.post("/register/rider?lang=en", data=yesterday)
    assert response.status_code == 422
    assert 'id="dates-error"' in response.get_data(as_text=True)
    today = form_data(gazetteer, dates="15.1.2027", **one_off)
    assert client.post("/register/rider?lang=en", data=today).status_code == 303


CONTROL_DE = "Hier stehen unsichtbare Steuerzeichen; bitte tippen Sie es noch einmal ein."


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"first_name": "Am\x00al"}, "first_name"),
        ({"home_street": "Lange\tStraße"}, "home_street"),  # a tab in a one-line field
        ({"email": "amal@example.org\x1b"}, "email"),
        ({"seats_needed": "2\x00"}, "seats_needed"),  # said so, not "not a number"
        ({"mobility_note": "Bitte\x00klingeln"}, "mobility_note"),
        ({"schedule_kind": "dates", "dates": f"3.2.{NEXT_YEAR}\x7f"}, "dates"),
        ({"rotation-0-arrive_by": "05:45\x00", "schedule_kind": "rotating"}, "rotation"),
    ],
)
def test_control_characters_are_a_field_error(client, session, gazetteer, over, field):
    response = client.post("/register/rider?lang=de", data=form_data(gazetteer, **over))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and CONTROL_DE in html
    assert html.count(CONTROL_DE) == 2  # at the field and in the summary
    assert session.scalars(sa.select(Rider)).first() is None


def test_a_multi_line_field_keeps_tabs_and_line_ends(client, session, gazetteer):
    note = "Bitte klingeln\r\n\tzweimal"
    sent = client.post("/register/rider", data=form_data(gazetteer, mobility_note=note))
    assert sent.status_code == 303
    assert session.scalars(sa.select(Rider)).one().note == note
