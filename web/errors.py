"""Error pages and the mapping of domain errors to HTTP statuses, in one place."""

from __future__ import annotations

from flask import Flask
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from matcher import errors as domain

STATUS_BY_ERROR: dict[type[domain.MatcherError], int] = {
    domain.NotFound: 404,
    domain.Conflict: 409,
    domain.ValidationError: 422,
    domain.InvalidTransition: 409,
}


def init_app(app: Flask) -> None:
    """Register friendly pages for HTTP errors and domain errors."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        return render_error(error.code or 500, error.description or "")

    @app.errorhandler(domain.MatcherError)
    def _domain_error(error: domain.MatcherError):  # type: ignore[no-untyped-def]
        status = next(
            (code for cls, code in STATUS_BY_ERROR.items() if isinstance(error, cls)), 400
        )
        return render_error(status, translate_domain_error(error))

    app.register_error_handler(Exception, unexpected_error)


def unexpected_error(error: Exception) -> tuple[str, int]:
    """A bug: logged with its traceback, and a page that says only that it went wrong."""
    current_app.logger.error(
        "unhandled error on %s %s", request.method, request.path, exc_info=error
    )
    return render_error(500, "")


def translate_domain_error(error: domain.MatcherError) -> str:
    """The error's message in the reader's language, parameters filled in after translating."""
    try:
        return _(error.template).format(**error.params)
    except (KeyError, IndexError, ValueError):
        return error.message


def render_error(status: int, detail: str) -> tuple[str, int]:
    """The error page for ``status``; JSON clients get JSON."""
    titles = {
        400: _("The request could not be understood."),
        403: _("You are not allowed to see this page."),
        404: _("This page does not exist."),
        409: _("Someone else changed this in the meantime."),
        422: _("Some of the information is not valid."),
        429: _("Too many attempts. Please wait a little and try again."),
        500: _("Something went wrong on our side. Please try again later or call the office."),
        503: _("This page cannot be shown just now. Please try again in a minute."),
    }
    title = titles.get(status, _("Something went wrong."))
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "detail": detail, "status": status}, status  # type: ignore[return-value]
    return render_template("errors/error.html", status=status, title=title, detail=detail), status
