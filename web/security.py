"""CSRF protection, the trusted proxy, and security headers for every response.

The rate limits themselves are :mod:`web.rate_limits`.
"""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Attach CSRF and the trusted proxy; add security headers to every response."""
    csrf.init_app(app)
    trust_proxies(app, app.config["TRUSTED_PROXY_HOPS"])

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


def trust_proxies(app: Flask, hops: object) -> None:
    """Take the client's address and scheme from the last ``hops`` proxies' headers.

    With 0 (the default) ``X-Forwarded-For`` is ignored, so a client cannot pose as
    another address; behind the TLS proxy set ``TRUSTED_PROXY_HOPS = 1``, else every
    user has the proxy's address and shares its rate limits.
    """
    count = int(str(hops))
    if count < 0:
        raise ValueError(f"TRUSTED_PROXY_HOPS must be 0 or more, not {hops!r}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def tile_origin(tile_url: str) -> str:
    """``https://tile.example.org`` from a tile URL template, or '' if none is configured."""
    if "://" not in tile_url:
        return ""
    scheme, rest = tile_url.split("://", 1)
    host = rest.split("/", 1)[0]
    # A {s} subdomain placeholder becomes a wildcard the CSP understands.
    return f"{scheme}://{host.replace('{s}', '*')}"
