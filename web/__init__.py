"""The Flask app of Mitfahrnetz: ``create_app`` wires config, database, i18n and blueprints."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from matcher.settings import Settings
from web.config import DefaultConfig

SECRET_KEY_FILE = "secret_key"


def create_app(
    test_config: Mapping[str, Any] | None = None, instance_path: str | None = None
) -> Flask:
    """Build the app.

    Configuration, later wins: the domain's defaults (``Settings``), the web's
    (``DefaultConfig``), instance/config.py, ``MATCHER_*`` env, ``test_config``.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=instance_path or os.environ.get("MATCHER_INSTANCE_PATH") or None,
    )
    configure(app, test_config)
    configure_logging(app)
    configure_extensions(app)
    register_blueprints(app)
    return app


def configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Load configuration in precedence order and fill in derived defaults."""
    app.config.from_mapping(Settings.config_defaults())
    app.config.from_object(DefaultConfig)
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("MATCHER")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance_path / 'mitfahrnetz.sqlite'}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(instance_path)
    # Served over HTTPS: the session and remember cookies never travel over plain HTTP.
    if str(app.config.get("BASE_URL", "")).lower().startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def load_or_create_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it (mode 0600) on first run."""
    path = instance_path / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def configure_logging(app: Flask) -> None:
    """Log to stderr at the configured level unless the host already configured logging."""
    level = app.config.get("LOG_LEVEL", "INFO")
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app.logger.setLevel(level)
    # Alembic logs every plugin it loads at INFO; migrations still report at WARNING.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLevelName(level)))


def configure_extensions(app: Flask) -> None:
    """Attach the database, i18n, CSRF, rate limiting, security headers and error pages."""
    from web import auth
    from web import db
    from web import errors
    from web import i18n
    from web import outages
    from web import rate_limits
    from web import scheduler
    from web import security

    db.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    outages.init_app(app)  # after errors: its handler is the more specific one
    rate_limits.init_app(app)
    scheduler.init_app(app)  # only with SCHEDULER_ENABLED, never in tests


def register_blueprints(app: Flask) -> None:
    """Mount every blueprint and the CLI commands."""
    from web import cli
    from web.coordinators import bp as coordinators_bp
    from web.drivers import bp as drivers_bp
    from web.health import bp as health_bp
    from web.main import bp as main_bp
    from web.partners import bp as partners_bp
    from web.riders import bp as riders_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(coordinators_bp)
    app.register_blueprint(riders_bp)
    app.register_blueprint(drivers_bp)
    app.register_blueprint(partners_bp)
    cli.init_app(app)
