"""Switching the language on a form page keeps everything typed (issue 12).

The switcher's script sends the page's form with ``switch_language=<code>``; the
view shows its page again in that language with every value, no field marked
wrong, nothing stored, status 200, and the choice remembered in the cookie.
Without a switch the same form still validates and stores as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from matcher.db import Base
from matcher.models import Rider
from matcher.people import registration
from tests.factories import make_coordinator
from tests.factories import make_need
from tests.factories import make_plan
from tests.factories import make_rider
from tests.web.coordinators.conftest import log_in
from tests.web.drivers.test_registration import driver_data
from tests.web.html_forms import form_controls
from tests.web.html_forms import other_choices
from tests.web.riders.test_register import form_data
from tests.web.riders.test_register import token_of
from tests.web.test_rate_limits import make_app

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def _multi(data: dict) -> MultiDict:  # type: ignore[type-arg]
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    return MultiDict(pairs)


def _as_lists(data: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    return {k: v if isinstance(v, list) else [v] for k, v in data.items()}


def _row_counts(session) -> dict[str, int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_rider_form_switched_to_arabic_keeps_every_value(client, session, gazetteer):  # type: ignore[no-untyped-def]
    sent = form_data(gazetteer, dates="03.12.2099", valid_until="2099-12-31")
    client.get("/register/rider?lang=de")
    before = _row_counts(session)
    response = client.post("/register/rider", data=_multi({**sent, "switch_language": "ar"}))
    html = response.text
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "error-summary" not in html and "field-error" not in html
    back = form_controls(html, "/register/rider").data()
    for name, value in _as_lists(sent).items():
        assert sorted(back[name]) == sorted(value), name
    assert _row_counts(session) == before
    assert "lang=ar" in response.headers["Set-Cookie"]
    # The page now speaks Arabic (the send button), and the next send registers her in Arabic.
    assert "إرسال" in html
    stored = client.post("/register/rider", data=_multi(sent))
    assert stored.status_code == 303
    rider = session.scalars(sa.select(Rider).where(Rider.first_name == "Amal")).one()
    assert rider.locale == "ar"


def test_a_switch_with_wrong_input_marks_nothing_and_a_send_then_does(client, gazetteer):  # type: ignore[no-untyped-def]
    wrong = form_data(gazetteer, phone="1", first_name="")
    switched = client.post("/register/rider", data=_multi({**wrong, "switch_language": "uk"}))
    assert switched.status_code == 200 and '<html lang="uk" dir="ltr">' in switched.text
    assert "error-summary" not in switched.text
    sent = client.post("/register/rider", data=_multi(wrong))
    assert sent.status_code == 422 and "error-summary" in sent.text


@pytest.mark.parametrize("url", ["/register/rider", "/register/driver", "/my-link"])
def test_an_empty_form_switched_shows_no_error(client, url):  # type: ignore[no-untyped-def]
    response = client.post(url, data={"switch_language": "ps", "schedule_kind": "weekly"})
    assert response.status_code == 200 and '<html lang="ps" dir="rtl">' in response.text
    assert "error-summary" not in response.text and "field-error" not in response.text


def test_an_unknown_language_is_an_ordinary_send(client, gazetteer):  # type: ignore[no-untyped-def]
    response = client.post(
        "/register/rider", data=_multi({**form_data(gazetteer), "switch_language": "xx"})
    )
    assert response.status_code == 303


def _rider_edit(client, session, gazetteer) -> str:  # type: ignore[no-untyped-def]
    token = token_of(
        client.post("/register/rider", data=_multi(form_data(gazetteer))).headers["Location"]
    )
    rider = registration.find_rider_by_token(session, token)
    return f"/me/{token}/needs/{rider.needs[0].id}/edit"


def _office_need_edit(client, session, gazetteer) -> str:  # type: ignore[no-untyped-def]
    log_in(client, "coordinator", make_coordinator(session).id)
    rider = make_rider(session, first_name="Amal", home_place=gazetteer["village"])
    need = make_need(session, rider=rider, destination=gazetteer["employer"])
    return f"/coordinator/riders/{rider.id}/needs/{need.id}/edit"


def _new_place(client, session, gazetteer) -> str:  # type: ignore[no-untyped-def]
    log_in(client, "coordinator", make_coordinator(session).id)
    return "/coordinator/places/new"


def _one_off(client, session, gazetteer) -> str:  # type: ignore[no-untyped-def]
    log_in(client, "coordinator", make_coordinator(session).id)
    make_rider(session, first_name="Amal", home_place=gazetteer["village"])
    return f"/coordinator/plans/{make_plan(session).id}/one-off"


PAGES: dict[str, Callable[..., str]] = {
    "rider registration": lambda client, session, gazetteer: "/register/rider",
    "driver registration": lambda client, session, gazetteer: "/register/driver",
    "link request": lambda client, session, gazetteer: "/my-link",
    "rider's change": _rider_edit,
    "office's change": _office_need_edit,
    "new place": _new_place,
    "one-off ride": _one_off,
}
BASE_DATA = {"rider registration": form_data, "driver registration": driver_data}


@pytest.mark.parametrize("name", PAGES)
def test_every_form_page_keeps_its_values_across_a_switch(client, session, gazetteer, name):  # type: ignore[no-untyped-def]
    url = PAGES[name](client, session, gazetteer)
    page = client.get(url)
    assert page.status_code == 200 and "data-language-switch" in page.text
    controls = form_controls(page.text)
    base = _as_lists(BASE_DATA[name](gazetteer)) if name in BASE_DATA else {}
    sent = {**controls.data(), **other_choices(controls), **base}
    sent = {k: v for k, v in sent.items() if k != "csrf_token"}
    for key, values in sent.items():  # every text typed, so nothing shows as a default
        if key in controls.texts and not values[0]:
            sent[key] = ["Zwölf 12"]
    before = _row_counts(session)
    response = client.post(controls.action or url, data=_multi({**sent, "switch_language": "fa"}))
    assert response.status_code == 200, response.text[:400]
    assert '<html lang="fa" dir="rtl">' in response.text
    assert "error-summary" not in response.text and "field-error" not in response.text
    back = form_controls(response.text).data()
    # A password is never shown again (the driver's form): the only field not kept.
    kept = {k: sorted(v) for k, v in sent.items() if "password" not in k}
    assert {k: sorted(back.get(k, [])) for k in kept} == kept
    assert _row_counts(session) == before


def test_the_switch_is_on_every_page_and_the_marked_forms_are_known():  # type: ignore[no-untyped-def]
    base = (TEMPLATES / "base.html").read_text()
    assert "js/language-switch.js" in base and 'hreflang="{{ code }}"' in base
    marked = sorted(
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if re.search(r"<form[^>]*data-language-switch", p.read_text())
    )
    assert len(marked) == len(PAGES)


def test_a_switch_is_not_counted_by_the_rate_limits(app_config, session):  # type: ignore[no-untyped-def]
    config = app_config | {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_KEY_PREFIX": "language-switch",
        "RATELIMIT_LINK_REQUESTS_PER_ADDRESS": "1 per minute",
    }
    client = make_app(config, session).test_client()
    contact = {"contact": "0151 23456789"}
    for language in ("ar", "de", "ru"):
        switched = client.post("/my-link", data={**contact, "switch_language": language})
        assert switched.status_code == 200 and "switch" not in switched.headers.get("Location", "")
    assert client.post("/my-link", data=contact).status_code == 303
    assert client.post("/my-link", data=contact).status_code == 429
