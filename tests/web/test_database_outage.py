"""A submission the database cannot take keeps every value; reads survive a dropped connection.

Issue 12: a rider who sent the form while the database was down lost everything, under a
500 page saying nothing was lost. Here the database goes away for the POST (the app's
sessions point at a closed port, or a directory that does not exist on SQLite): the
answer is the same form with every value sent, status 503 with Retry-After, the
translated "We could not save this just now" and nothing stored; when the database is
back the same submission is stored. On PostgreSQL the backends are terminated between
two requests and the next GET is answered (pool pre-ping, or one retry without it).
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from werkzeug.datastructures import MultiDict

from matcher.db import make_engine
from matcher.db import make_session_factory
from matcher.models import Driver
from matcher.models import RideNeed
from matcher.models import Rider
from matcher.people import registration
from tests.web.drivers.test_registration import driver_data
from tests.web.html_forms import form_controls
from tests.web.html_forms import other_choices
from tests.web.riders.test_register import form_data
from tests.web.riders.test_register import token_of

NOT_SAVED = "We could not save this just now. Everything you typed is still here"


def closed_database_url(app, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """A database of the app's kind that cannot be reached."""
    if app.extensions["matcher.engine"].dialect.name == "postgresql":
        return "postgresql+psycopg://postgres@127.0.0.1:9/test?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'no-such-directory' / 'db.sqlite'}"


@dataclasses.dataclass
class Resend:
    """The form of the plain 503 page: where it posts and its hidden fields, in order."""

    action: str = ""
    fields: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def hidden_fields(html: str) -> Resend:
    """The post form of ``html`` with its hidden inputs."""
    found = Resend()

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "form" and a.get("method") == "post":
                found.action = a.get("action") or ""
            elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
                found.fields.append((a["name"] or "", a.get("value") or ""))

    Reader(convert_charrefs=True).feed(html)
    return found


class Outage:
    """Points the app's sessions at a closed database and back."""

    def __init__(self, app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.good = app.extensions["matcher.sessions"]
        self.dead_engine = make_engine(closed_database_url(app, tmp_path))

    def __enter__(self) -> Outage:
        self.app.extensions["matcher.sessions"] = make_session_factory(self.dead_engine)
        return self

    def __exit__(self, *exc: object) -> None:
        self.app.extensions["matcher.sessions"] = self.good
        self.dead_engine.dispose()


def as_multidict(data: dict[str, list[str]]) -> MultiDict[str, str]:
    return MultiDict([(k, v) for k, vs in data.items() for v in vs])


def lists(data: dict) -> dict[str, list[str]]:  # type: ignore[type-arg]
    return {k: v if isinstance(v, list) else [v] for k, v in data.items()}


def filled_in(client, url: str, base: dict, *, other: bool = True) -> dict[str, list[str]]:  # type: ignore[no-untyped-def,type-arg]
    """GET ``url`` and fill its form: ``base``, with ``other`` every choice unlike its default."""
    page = client.get(url)
    assert page.status_code == 200
    controls = form_controls(page.text)
    return {**controls.data(), **(other_choices(controls) if other else {}), **lists(base)}


def assert_form_kept(response, sent: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    """A 503 with Retry-After, the message, and every control as it was sent."""
    assert response.status_code == 503, response.text[:800]
    assert response.headers["Retry-After"] == "60"
    assert NOT_SAVED in response.text
    shown = form_controls(response.text).data()
    assert {k: sorted(shown.get(k, [])) for k in sent if k != "csrf_token"} == {
        k: sorted(v) for k, v in sent.items() if k != "csrf_token"
    }


def test_rider_form_during_an_outage_keeps_every_value_and_stores_nothing(  # type: ignore[no-untyped-def]
    app, client, session, gazetteer, tmp_path
):
    sent = filled_in(
        client, "/register/rider", form_data(gazetteer, mobility_note="Bitte\r\nklingeln")
    )
    with Outage(app, tmp_path):
        response = client.post("/register/rider", data=as_multidict(sent))
    assert_form_kept(response, sent)
    assert session.scalar(sa.select(sa.func.count()).select_from(Rider)) == 0
    # The selects still offer every place, read before the outage.
    assert 'value="{}"'.format(gazetteer["daycare"].id) in response.text
    again = client.post("/register/rider", data=as_multidict(sent))
    assert again.status_code == 303
    assert session.scalar(sa.select(sa.func.count()).select_from(Rider)) == 1


def test_driver_registration_during_an_outage_keeps_every_value(  # type: ignore[no-untyped-def]
    app, client, session, gazetteer, tmp_path
):
    # The empty third availability row stays empty (ticked days without times are a 500 of
    # their own, reported apart from this).
    sent = filled_in(
        client, "/register/driver", {**driver_data(gazetteer), "windows-2-weekdays": []}
    )
    with Outage(app, tmp_path):
        response = client.post("/register/driver", data=as_multidict(sent))
    assert_form_kept(response, sent)
    assert session.scalar(sa.select(sa.func.count()).select_from(Driver)) == 0
    assert client.post("/register/driver", data=as_multidict(sent)).status_code == 303
    assert session.scalar(sa.select(sa.func.count()).select_from(Driver)) == 1


def test_rider_change_form_during_an_outage_keeps_every_value(  # type: ignore[no-untyped-def]
    app, client, session, gazetteer, tmp_path
):
    token = token_of(client.post("/register/rider", data=form_data(gazetteer)).headers["Location"])
    rider = registration.find_rider_by_token(session, token)
    need = rider.needs[0]
    url = f"/me/{token}/needs/{need.id}/edit"
    sent = filled_in(client, url, {"arrive_by": "07:10", "seats_needed": "3"}, other=False)
    with Outage(app, tmp_path):
        response = client.post(url, data=as_multidict(sent))
    assert_form_kept(response, sent)
    session.expire_all()
    assert session.get(RideNeed, need.id).arrive_by.strftime("%H:%M") == "05:45"
    assert client.post(url, data=as_multidict(sent)).status_code == 303
    session.expire_all()
    assert session.get(RideNeed, need.id).arrive_by.strftime("%H:%M") == "07:10"


def test_the_message_is_in_the_readers_language(app, client, gazetteer, tmp_path):  # type: ignore[no-untyped-def]
    sent = filled_in(client, "/register/rider?lang=de", form_data(gazetteer))
    with Outage(app, tmp_path):
        response = client.post("/register/rider?lang=de", data=as_multidict(sent))
    assert response.status_code == 503
    assert "Wir konnten das gerade nicht speichern" in response.text


def test_a_page_never_shown_keeps_what_was_sent_in_a_form_to_send_again(  # type: ignore[no-untyped-def]
    app, client, session, gazetteer, tmp_path
):
    sent = lists(form_data(gazetteer, first_name='Amal "<b>'))
    with Outage(app, tmp_path):  # this process never drew the form: nothing to draw it from
        response = client.post("/register/rider", data=as_multidict(sent))
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert NOT_SAVED in response.text and "<b>" not in response.text
    resend = hidden_fields(response.text)
    assert resend.action == "/register/rider"
    assert sorted(resend.fields) == sorted(as_multidict(sent).items(multi=True))
    assert session.scalar(sa.select(sa.func.count()).select_from(Rider)) == 0
    # The button sends exactly that again, and with the database back it is stored.
    assert client.post(resend.action, data=MultiDict(resend.fields)).status_code == 303


def test_a_json_client_gets_a_503(app, client, gazetteer, tmp_path):  # type: ignore[no-untyped-def]
    with Outage(app, tmp_path):
        response = client.post(
            "/register/rider",
            data=form_data(gazetteer),
            headers={"Accept": "application/json"},
        )
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert response.json["status"] == 503 and "could not save" in response.json["error"]


def test_a_page_read_while_the_database_is_down_says_so(app, client, tmp_path):  # type: ignore[no-untyped-def]
    with Outage(app, tmp_path):
        response = client.get("/register/rider")
    assert response.status_code == 503
    assert "cannot be shown just now" in response.text


def test_the_500_page_says_only_what_is_true(app, client, monkeypatch):  # type: ignore[no-untyped-def]
    from web.riders import views_registration

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    monkeypatch.setattr(views_registration, "fill_choices", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/register/rider")
    assert response.status_code == 500
    assert "Nothing you entered was lost" not in response.text
    assert "Something went wrong on our side" in response.text


# PostgreSQL: connections terminated between two requests.


@pytest.fixture()
def pg_app(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """An app with its own pool on the run's database (not the test's transaction)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("terminating backends needs PostgreSQL")
    from web import create_app

    name = f"outage-{uuid.uuid4().hex[:8]}"
    url = make_url(database_url).update_query_dict({"application_name": name})

    def make(**config: object):  # type: ignore[no-untyped-def]
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": url.render_as_string(hide_password=False),
                "SECRET_KEY": "test",
                "RATELIMIT_ENABLED": False,
                "SERVER_NAME": "localhost",
                "BABEL_DEFAULT_LOCALE": "en",
                **config,
            },
            instance_path=str(tmp_path / "instance"),
        )
        return app, name

    return make


def terminate_backends(database_url: str, application_name: str) -> int:
    """End every server process of connections named ``application_name``; how many."""
    admin = sa.create_engine(database_url)
    try:
        with admin.begin() as conn:
            return len(
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE application_name = :name"
                    ),
                    {"name": application_name},
                ).all()
            )
    finally:
        admin.dispose()


def test_a_get_after_the_backends_were_terminated_is_answered(  # type: ignore[no-untyped-def]
    pg_app, database_url, caplog
):
    app, name = pg_app()
    client = app.test_client()
    assert client.get("/register/rider").status_code == 200
    assert terminate_backends(database_url, name) >= 1
    caplog.set_level(logging.WARNING)
    assert client.get("/register/rider").status_code == 200
    assert "database unavailable" not in caplog.text  # pre-ping replaced the dead connection


def test_without_pre_ping_a_dropped_connection_is_retried_once(  # type: ignore[no-untyped-def]
    pg_app, database_url, caplog
):
    app, name = pg_app(DATABASE_POOL_PRE_PING=False)
    client = app.test_client()
    assert client.get("/register/rider").status_code == 200
    assert terminate_backends(database_url, name) >= 1
    caplog.set_level(logging.WARNING)
    assert client.get("/register/rider").status_code == 200
    assert "database unavailable on GET /register/rider" in caplog.text  # the retry answered
