"""The riders' blueprint object, apart from the views so view modules can import it."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.wrappers import Response

bp = Blueprint("riders", __name__)


@bp.after_request
def _no_store(response: Response) -> Response:
    """Personal pages and forms with tokens are never kept in shared caches or history."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response
