"""Every select, radio and tick comes back as it was sent after a failed submit (issue 12).

Each public form (rider, driver, the rider's change form and the office's edit of
it) is read as a browser reads it, every control is set unlike its default (the
last option, every box ticked), one field is made wrong, and the page that comes
back must show every control as it was sent. A unit check over every form class
of the web package pins the cause: a choice field's ``coerce`` must map what the
browser sends back to the data it holds, or the option is never marked selected.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form as WTForm
from wtforms.fields.choices import SelectChoice
from wtforms.fields.choices import SelectFieldBase
from wtforms.fields.core import UnboundField

import web
from matcher.people import registration
from tests.factories import make_coordinator
from tests.factories import make_need
from tests.factories import make_rider
from tests.web.coordinators.conftest import log_in
from tests.web.drivers.test_registration import driver_data
from tests.web.html_forms import form_controls
from tests.web.html_forms import other_choices
from tests.web.riders.test_register import form_data
from tests.web.riders.test_register import token_of


def _as_lists(data: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    return {k: v if isinstance(v, list) else [v] for k, v in data.items()}


def post_back(client, url: str, base: dict, wrong: dict):  # type: ignore[no-untyped-def,type-arg]
    """GET ``url``, choose every control unlike its default, post with ``wrong``; both states."""
    page = client.get(url)
    assert page.status_code == 200
    controls = form_controls(page.text)
    sent = {**controls.data(), **_as_lists(base), **other_choices(controls), **_as_lists(wrong)}
    response = client.post(url, data=MultiDict([(k, v) for k, vs in sent.items() for v in vs]))
    assert response.status_code == 422, response.text[:500]
    back = form_controls(response.text).chosen()
    expected = {k: sent[k] for k in back}
    return expected, back


def test_rider_form_keeps_every_choice(client, gazetteer):  # type: ignore[no-untyped-def]
    expected, back = post_back(client, "/register/rider", form_data(gazetteer), {"phone": "1"})
    assert back == expected
    # The three selects of the report, each with a real choice.
    assert back["home_village"] == [str(gazetteer["town"].id)]
    assert back["destination_place"] != [""] and back["via_place"] == [str(gazetteer["daycare"].id)]


def test_driver_form_keeps_every_choice(client, gazetteer):  # type: ignore[no-untyped-def]
    expected, back = post_back(client, "/register/driver", driver_data(gazetteer), {"phone": "1"})
    assert back == expected
    assert back["home_village"] == [str(gazetteer["town"].id)]
    assert back["max_driving_minutes_per_day"] == ["600"]


def test_rider_change_form_keeps_every_choice(client, session, gazetteer):  # type: ignore[no-untyped-def]
    token = token_of(client.post("/register/rider", data=form_data(gazetteer)).headers["Location"])
    rider = registration.find_rider_by_token(session, token)
    url = f"/me/{token}/needs/{rider.needs[0].id}/edit"
    stored = form_controls(client.get(url).text).chosen()
    # Shown as stored: the destination and the stop on the way are selected.
    assert stored["destination_place"] == [str(rider.needs[0].destination_id)]
    assert stored["via_place"] == [str(rider.needs[0].via_id)]
    expected, back = post_back(client, url, {}, {"seats_needed": "0"})
    assert back == expected


def test_office_edit_keeps_every_choice(client, session, gazetteer):  # type: ignore[no-untyped-def]
    log_in(client, "coordinator", make_coordinator(session).id)
    rider = make_rider(session, first_name="Amal", home_place=gazetteer["village"])
    need = make_need(session, rider=rider, destination=gazetteer["employer"])
    url = f"/coordinator/riders/{rider.id}/needs/{need.id}/edit"
    assert form_controls(client.get(url).text).chosen()["destination_place"] == [
        str(gazetteer["employer"].id)
    ]
    expected, back = post_back(client, url, {}, {"seats_needed": "0"})
    assert back == expected


def _form_classes() -> list[type[WTForm]]:
    for module in pkgutil.walk_packages(web.__path__, "web."):
        importlib.import_module(module.name)
    found = []
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("web."):
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, WTForm) and cls.__module__ == module_name:
                found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def _choice_fields() -> list[tuple[str, SelectFieldBase]]:
    """Every select, radio group and checkbox list declared on a form class, bound alone."""
    out = []
    for cls in _form_classes():
        for name in dir(cls):
            unbound = getattr(cls, name, None)
            if isinstance(unbound, UnboundField) and issubclass(
                unbound.field_class, SelectFieldBase
            ):
                probe = type("Probe", (WTForm,), {name: unbound})()
                out.append((f"{cls.__module__}.{cls.__name__}.{name}", probe[name]))
    return out


def test_every_choice_field_marks_what_was_sent_as_selected(app):  # type: ignore[no-untyped-def]
    wrong = []
    with app.test_request_context():
        fields = _choice_fields()
        assert len(fields) > 20  # the walk found the forms
        for name, field in fields:
            choices = list(field.choices or []) or [SelectChoice(7, "seven"), SelectChoice(8, "8")]
            field.choices = choices
            for choice in choices:
                value = choice.value if isinstance(choice, SelectChoice) else choice[0]
                if value in ("", None):
                    continue
                field.process(MultiDict([(field.name, str(value))]))
                if not any(option.checked for option in field):
                    wrong.append(f"{name}={value!r}")
    assert not wrong, wrong


@pytest.mark.parametrize("value", ["", None])
def test_an_empty_optional_select_selects_choose(app, value):  # type: ignore[no-untyped-def]
    from web.riders.forms import RiderForm

    with app.test_request_context():
        form = RiderForm(formdata=None, meta={"csrf": False})
        form.home_village.choices = [SelectChoice("", "choose"), SelectChoice(3, "Clenze")]
        form.home_village.process(MultiDict([("home_village", value)] if value is not None else []))
        assert [o.checked for o in form.home_village] == [True, False]
