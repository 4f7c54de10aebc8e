"""The app factory: configuration precedence, the secret key, /healthz, error pages, headers."""

from __future__ import annotations

import stat
from pathlib import Path

import flask
import pytest

from web import create_app


def write_instance_config(instance: Path, text: str) -> None:
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text(text, encoding="utf-8")


def test_defaults_apply_without_any_configuration(tmp_path: Path) -> None:
    app = create_app(instance_path=str(tmp_path / "inst"))
    assert app.config["TIMEZONE"] == "Europe/Berlin"
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'mitfahrnetz.sqlite'}"


def test_instance_file_overrides_defaults(tmp_path: Path) -> None:
    instance = tmp_path / "inst"
    write_instance_config(instance, "TIMEZONE = 'Europe/Vienna'\nLOG_LEVEL = 'WARNING'\n")
    app = create_app(instance_path=str(instance))
    assert app.config["TIMEZONE"] == "Europe/Vienna"
    assert app.config["LOG_LEVEL"] == "WARNING"


def test_environment_overrides_instance_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "inst"
    write_instance_config(instance, "TIMEZONE = 'Europe/Vienna'\nDATABASE_URL = 'sqlite:///a'\n")
    monkeypatch.setenv("MATCHER_TIMEZONE", "Europe/Zurich")
    monkeypatch.setenv("MATCHER_DATABASE_URL", "sqlite:///b")
    monkeypatch.setenv("MATCHER_PLANNER_TIME_LIMIT_SECONDS", "45")
    app = create_app(instance_path=str(instance))
    assert app.config["TIMEZONE"] == "Europe/Zurich"
    assert app.config["DATABASE_URL"] == "sqlite:///b"
    assert app.config["PLANNER_TIME_LIMIT_SECONDS"] == 45


def test_test_config_overrides_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MATCHER_TIMEZONE", "Europe/Zurich")
    app = create_app({"TIMEZONE": "UTC"}, instance_path=str(tmp_path / "inst"))
    assert app.config["TIMEZONE"] == "UTC"


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    instance = tmp_path / "inst"
    first = create_app(instance_path=str(instance)).config["SECRET_KEY"]
    second = create_app(instance_path=str(instance)).config["SECRET_KEY"]
    key_file = instance / "secret_key"
    assert first == second
    assert len(first) == 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_configured_secret_key_is_not_written(tmp_path: Path) -> None:
    instance = tmp_path / "inst"
    app = create_app({"SECRET_KEY": "from-config"}, instance_path=str(instance))
    assert app.config["SECRET_KEY"] == "from-config"
    assert not (instance / "secret_key").exists()


def test_healthz_reports_the_migrated_database(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["revision"]


def test_healthz_fails_on_an_unmigrated_database(fresh_database_url: str, tmp_path: Path) -> None:
    app = create_app(
        {"TESTING": True, "DATABASE_URL": fresh_database_url}, instance_path=str(tmp_path)
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def test_healthz_fails_when_the_database_is_unreachable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/missing-dir/db.sqlite"
    app = create_app({"TESTING": True, "DATABASE_URL": url}, instance_path=str(tmp_path))
    assert app.test_client().get("/healthz").status_code == 503


def test_unknown_page_gets_a_friendly_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no-such-page", headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert "<html" in response.text
    assert "Startseite" in response.text or "start page" in response.text


def test_crash_gets_a_friendly_500_without_details(app) -> None:  # type: ignore[no-untyped-def]
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "<html" in response.text


def test_every_response_has_security_headers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("accept", "query", "lang", "direction"),
    [
        ("de-DE,de;q=0.9", "", "de", "ltr"),
        ("ar", "", "ar", "rtl"),
        ("fa-IR", "", "fa", "rtl"),
        ("de", "?lang=uk", "uk", "ltr"),
        ("xx", "", "en", "ltr"),  # unknown: the default (English in the test config)
    ],
)
def test_language_comes_from_the_browser_or_the_switch(
    client, accept: str, query: str, lang: str, direction: str
) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/" + query, headers={"Accept-Language": accept})
    assert f'lang="{lang}" dir="{direction}"' in response.text


def test_service_speaks_german_by_default(tmp_path: Path, database_url: str) -> None:
    app = create_app({"DATABASE_URL": database_url}, instance_path=str(tmp_path))
    response = app.test_client().get("/")
    assert 'lang="de" dir="ltr"' in response.text


def test_chosen_language_is_remembered(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/?lang=ps")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert 'lang="ps" dir="rtl"' in response.text


def test_cookies_are_secure_when_the_site_is_served_over_https(tmp_path: Path) -> None:
    app = create_app({"BASE_URL": "https://fahrten.example.org"}, instance_path=str(tmp_path / "a"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.test_request_context():
        session = app.session_interface.open_session(app, flask.request)
        assert session is not None
        session["k"] = "v"
        response = app.make_response("x")
        app.session_interface.save_session(app, session, response)
    assert "Secure" in response.headers["Set-Cookie"]
    plain = create_app({"BASE_URL": "http://127.0.0.1:5000"}, instance_path=str(tmp_path / "b"))
    assert not plain.config["SESSION_COOKIE_SECURE"]
