"""The partners' blueprint object, apart from the views so view modules can import it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from werkzeug.wrappers import Response

from matcher.models import PartnerOrganisation
from web.auth import current_account
from web.coordinators.presenters import template_helpers
from web.db import get_session

bp = Blueprint("partners", __name__, url_prefix="/partner")
bp.context_processor(template_helpers)  # the same labels and times as the office's pages


@bp.after_request
def _no_store(response: Response) -> Response:
    """Partner pages show riders' data and printed links: never kept in shared caches."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.context_processor
def _partner() -> dict[str, Any]:
    """The logged-in staff member's organisation, named in the page header."""
    account = current_account()
    partner_id = getattr(account, "partner_id", None)
    if not account.is_partner or partner_id is None:
        return {"partner": None}
    return {"partner": get_session().get(PartnerOrganisation, partner_id)}
