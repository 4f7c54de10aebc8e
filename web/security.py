"""CSRF protection, rate limiting and security headers for every response."""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    """Attach CSRF and the limiter; add security headers to every response."""
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        tile_host = tile_origin(app.config.get("TILE_URL", ""))
        img_src = "'self' data:" + (f" {tile_host}" if tile_host else "")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"img-src {img_src}; "
            "style-src 'self'; script-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=()"
        )
        return response


def public_form_limit() -> str:
    """The rate limit of public POST forms (registration, login): ``RATELIMIT_PUBLIC_FORMS``."""
    return str(current_app.config.get("RATELIMIT_PUBLIC_FORMS", "20 per hour;5 per minute"))


def tile_origin(tile_url: str) -> str:
    """``https://tile.example.org`` from a tile URL template, or '' if none is configured."""
    if "://" not in tile_url:
        return ""
    scheme, rest = tile_url.split("://", 1)
    host = rest.split("/", 1)[0]
    # A {s} subdomain placeholder becomes a wildcard the CSP understands.
    return f"{scheme}://{host.replace('{s}', '*')}"
