"""One rule for the office's buttons: run the change, commit and say so, or roll back and say why.

Post/Redirect/Get: the answer is always the redirect back to the page the button
was on, with the outcome as a flash message in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from flask import flash
from werkzeug.wrappers import Response

from matcher.errors import MatcherError
from matcher.errors import NotFound
from web.db import get_session
from web.errors import translate_domain_error


def commit_or_explain(
    action: Callable[[], object], done: str, back: Response, *, missing_is_404: bool = False
) -> Response:
    """Run ``action``; on success commit and flash ``done``, on a refusal roll back and flash why.

    With ``missing_is_404`` a ``NotFound`` (the page's rider or driver is gone)
    answers 404 instead of a message.
    """
    session = get_session()
    try:
        action()
    except MatcherError as error:
        session.rollback()
        if missing_is_404 and isinstance(error, NotFound):
            abort(404)
        flash(translate_domain_error(error), "error")
    else:
        session.commit()
        flash(done, "success")
    return back
