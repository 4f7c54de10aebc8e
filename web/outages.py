"""What a request does when the database cannot be reached: nobody loses what they typed.

One error handler serves every view, so no view has code for it:

- A read-only request (GET, HEAD) whose connection was dropped in use is run once
  more on a fresh connection (the pool pre-pings, so this is the rare drop mid-request).
- A submission that cannot be stored (the database refused or dropped the connection,
  or the pool had none in time) is answered by its own page again, status 503 with
  ``Retry-After``: the view runs once more with its forms held
  (:func:`web.forms.hold_submission`), so it shows every value that was sent and
  stores nothing, under "We could not save this just now ...". The page's reads come
  from the database if it is back, else from the last time this page was shown
  (:mod:`web.read_snapshots`).
- If that page cannot be drawn either (never shown by this process, or not a form),
  the 503 page carries what was sent in a form of its own: one button sends it again.

JSON clients get a 503 error with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask import current_app
from flask import flash
from flask import g
from flask import make_response
from flask import render_template
from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from matcher.db import connection_dropped
from matcher.db import database_unavailable
from web import db
from web.errors import render_error
from web.errors import unexpected_error
from web.forms import hold_submission
from web.read_snapshots import ReadSnapshots

RETRY_AFTER_SECONDS = 60
READ_ONLY = frozenset({"GET", "HEAD"})
EXTENSION = "mitfahrnetz.read_snapshots"


def init_app(app: Flask) -> None:
    """Keep the form pages' reads and answer an unreachable database as described above."""
    app.extensions[EXTENSION] = ReadSnapshots()
    app.register_error_handler(sa.exc.SQLAlchemyError, _database_error)


def snapshots() -> ReadSnapshots | None:
    """The app's kept reads, for the sessions of form requests (``web.db``)."""
    kept: ReadSnapshots | None = current_app.extensions.get(EXTENSION)
    return kept


def records_reads() -> bool:
    """Whether this request's session keeps its reads: a request to a view that takes POST."""
    rule = request.url_rule
    return rule is not None and "POST" in (rule.methods or ()) and "db_outage" not in g


def replays_reads() -> bool:
    """Whether this request's session may answer reads from the kept ones (the held re-run)."""
    return g.get("db_outage") == "replay"


def not_saved_message() -> str:
    """What a held submission's page says, in the reader's language."""
    return _(
        "We could not save this just now. Everything you typed is still here;"
        " please try again in a minute."
    )


def _database_error(error: sa.exc.SQLAlchemyError) -> Any:
    if not database_unavailable(error) or "db_outage" in g:
        return unexpected_error(error)  # a wrong statement: a 500 as for any other bug
    current_app.logger.warning(
        "database unavailable on %s %s: %s", request.method, request.path, error
    )
    db.discard_session()
    if request.method in READ_ONLY:
        return _read_again(error)
    if db.committed():  # stored, then the page could not be drawn: do not say it was not
        return _unavailable(render_error(503, "")[0])
    if request.accept_mimetypes.best == "application/json":
        return _unavailable_json(not_saved_message())
    return _held_page()


def _read_again(error: sa.exc.SQLAlchemyError) -> Any:
    if connection_dropped(error):
        g.db_outage = "retry"
        try:
            return _run_view()
        except sa.exc.SQLAlchemyError as again:
            if not database_unavailable(again):
                return unexpected_error(again)
            db.discard_session()
    return _unavailable(render_error(503, "")[0])


def _held_page() -> Response:
    """The view's page for what was sent, nothing stored; else the values in a form to resend."""
    g.db_outage = "replay"
    hold_submission()
    flash(not_saved_message(), "error")
    try:
        response = make_response(_run_view())
    except (sa.exc.SQLAlchemyError, HTTPException) as error:
        if isinstance(error, sa.exc.SQLAlchemyError) and not database_unavailable(error):
            return make_response(unexpected_error(error))
        db.discard_session()
        response = None
    if response is None or not 200 <= response.status_code < 500 or response.is_streamed:
        _drop_flashes()
        page = render_template(
            "errors/unsaved.html",
            title=not_saved_message(),
            action=request.full_path if request.query_string else request.path,
            fields=[(key, value) for key, value in request.form.items(multi=True)],
        )
        response = make_response(page)
    return _unavailable(response)


def _run_view() -> Any:
    assert request.url_rule is not None and request.url_rule.endpoint is not None
    view = current_app.view_functions[request.url_rule.endpoint]
    return current_app.ensure_sync(view)(**(request.view_args or {}))


def _drop_flashes() -> None:
    from flask import session

    session.pop("_flashes", None)


def _unavailable(body: Any) -> Response:
    response = make_response(body)
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unavailable_json(message: str) -> Response:
    return _unavailable({"error": message, "detail": "", "status": 503})
