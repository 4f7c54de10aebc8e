"""The rider form's soft warnings and the rotation weeks the rider chose (issue 12).

Legal but probably wrong input (a way back before the arrival, a start date in the
past) is not stored at once: the form comes back with the warning above it, in the
rider's language, and a tick "Yes, this is right" that sends it as it is. A rotating
pattern has as many weeks as the rider says; the weeks after them are hidden (CSS
``:has``, all shown where a browser lacks it) and not used.
"""

from __future__ import annotations

import sqlalchemy as sa

from matcher.models import Rider
from matcher.people import registration
from tests.web.html_forms import form_controls
from tests.web.riders.test_register import NEXT_YEAR
from tests.web.riders.test_register import form_data
from tests.web.riders.test_register import token_of

PAST = "2020-01-06"


def riders(session) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return len(session.scalars(sa.select(Rider)).all())


def test_a_way_back_before_the_arrival_asks_and_the_tick_sends(client, session, gazetteer):  # type: ignore[no-untyped-def]
    sent = form_data(gazetteer, arrive_by="14:00", pick_up_after="08:00")
    first = client.post("/register/rider?lang=en", data=sent)
    assert first.status_code == 422 and riders(session) == 0
    assert 'class="doubts"' in first.text and "error-summary" not in first.text
    assert "at 08:00, before you arrive at 14:00" in first.text
    assert 'href="#pick_up_after"' in first.text and "Yes, this is right" in first.text
    back = form_controls(first.text).data()
    assert back["doubts_seen"] == ["return_before_arrival"]
    assert back["pick_up_after"] == ["08:00"] and back["first_name"] == ["Amal"]
    # Sent again without the tick: asked again. With it: stored as typed (the next morning).
    assert client.post("/register/rider", data={**sent, **back}).status_code == 422
    done = client.post("/register/rider", data={**sent, **back, "confirm_doubts": "y"})
    assert done.status_code == 303 and riders(session) == 1
    need = session.scalars(sa.select(Rider)).one().needs[0]
    assert need.return_next_day


def test_the_tick_confirms_only_what_was_shown(client, session, gazetteer):  # type: ignore[no-untyped-def]
    shown = {"doubts_seen": "return_before_arrival", "confirm_doubts": "y"}
    sent = form_data(gazetteer, arrive_by="14:00", pick_up_after="08:00", valid_from=PAST)
    response = client.post("/register/rider?lang=en", data={**sent, **shown})
    assert response.status_code == 422 and riders(session) == 0
    assert "is in the past" in response.text
    back = form_controls(response.text).data()
    assert back["doubts_seen"] == ["return_before_arrival start_in_the_past"]
    assert back.get("confirm_doubts", []) == []  # the tick is not carried over


def test_a_start_date_in_the_past_warns_in_the_riders_language(client, session, gazetteer):  # type: ignore[no-untyped-def]
    response = client.post("/register/rider?lang=de", data=form_data(gazetteer, valid_from=PAST))
    assert response.status_code == 422 and riders(session) == 0
    assert "liegt in der Vergangenheit" in response.text and "Ja, das stimmt so" in response.text
    arabic = client.post("/register/rider?lang=ar", data=form_data(gazetteer, valid_from=PAST))
    assert "نعم، هذا صحيح" in arabic.text and '<html lang="ar" dir="rtl">' in arabic.text


def test_a_night_shift_and_a_start_today_raise_nothing(client, session, gazetteer):  # type: ignore[no-untyped-def]
    sent = form_data(gazetteer, arrive_by="21:45", pick_up_after="06:15")
    assert client.post("/register/rider", data=sent).status_code == 303


def test_changing_a_need_that_started_long_ago_does_not_ask_about_its_start(  # type: ignore[no-untyped-def]
    client, session, gazetteer
) -> None:
    token = token_of(client.post("/register/rider", data=form_data(gazetteer)).headers["Location"])
    rider = registration.find_rider_by_token(session, token)
    need = rider.needs[0]
    need.valid_from = registration.dt.date(2020, 1, 6)
    session.flush()
    url = f"/me/{token}/needs/{need.id}/edit"
    data = form_controls(client.get(url).text).data()
    assert data["valid_from"] == [PAST]
    assert client.post(url, data={**data, "seats_needed": "1"}).status_code == 303
    swapped = client.post(url, data={**data, "arrive_by": "15:00", "pick_up_after": "07:00"})
    assert swapped.status_code == 422 and 'class="doubts"' in swapped.text


def rotating(gazetteer, **over):  # type: ignore[no-untyped-def]
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
        },
    )
    return {**data, **over}


def stored_weeks(session) -> list[tuple]:  # type: ignore[type-arg,no-untyped-def]
    need = session.scalars(sa.select(Rider)).one().needs[0]
    return [(w.week_index, w.off, w.arrive_by) for w in need.rotation_weeks]


def test_two_weeks_chosen_use_two_weeks_and_ignore_the_third(client, session, gazetteer):  # type: ignore[no-untyped-def]
    page = client.get("/register/rider").text
    assert form_controls(page).chosen()["rotation_length"] == ["2"]  # early week / late week
    assert 'class="fieldset week"' not in page and page.count('<fieldset class="week">') == 3
    # Week 3 left empty is no error when the cycle has two weeks.
    sent = client.post("/register/rider", data=rotating(gazetteer, rotation_length="2"))
    assert sent.status_code == 303
    assert [i for i, _, _ in stored_weeks(session)] == [0, 1]


def test_three_weeks_chosen_need_the_third(client, session, gazetteer):  # type: ignore[no-untyped-def]
    missing = client.post("/register/rider", data=rotating(gazetteer, rotation_length="3"))
    assert missing.status_code == 422 and 'id="rotation-2-arrive_by-error"' in missing.text
    assert form_controls(missing.text).chosen()["rotation_length"] == ["3"]
    off = rotating(gazetteer, rotation_length="3", **{"rotation-2-off": "y"})
    assert client.post("/register/rider", data=off).status_code == 303
    assert [(i, o) for i, o, _ in stored_weeks(session)] == [(0, False), (1, False), (2, True)]


def test_an_older_page_without_the_choice_keeps_the_old_rule(client, session, gazetteer):  # type: ignore[no-untyped-def]
    data = rotating(gazetteer, **{"rotation-2-off": "y"})
    assert client.post("/register/rider", data=data).status_code == 303
    assert len(stored_weeks(session)) == 2  # the trailing week off is no part of the cycle


def test_the_change_form_shows_the_stored_number_of_weeks(client, session, gazetteer):  # type: ignore[no-untyped-def]
    data = rotating(gazetteer, rotation_length="3", **{"rotation-2-arrive_by": "21:45"})
    token = token_of(client.post("/register/rider", data=data).headers["Location"])
    rider = registration.find_rider_by_token(session, token)
    page = client.get(f"/me/{token}/needs/{rider.needs[0].id}/edit").text
    assert form_controls(page).chosen()["rotation_length"] == ["3"]


def test_the_hiding_rule_is_in_the_stylesheet(app) -> None:  # type: ignore[no-untyped-def]
    css = (app.static_folder + "/css/app.css") if app.static_folder else ""
    with open(css, encoding="utf-8") as sheet:
        text = sheet.read()
    assert "#rotation_length-0:checked) .rotation .week:nth-of-type(n+3)" in text
    assert str(NEXT_YEAR)  # the form data's start lies ahead
