"""The coordinators' blueprint object, apart from the views so view modules can import it."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError

from web.coordinators.presenters import template_helpers

bp = Blueprint("coordinators", __name__, url_prefix="/coordinator")


class IsoDateConverter(BaseConverter):
    """``2026-06-02`` in a URL <-> ``datetime.date``; anything else is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> dt.date:
        """``2026-06-02`` -> a date; anything else is a 404."""
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            raise ValidationError() from error

    def to_url(self, value: dt.date) -> str:  # type: ignore[override]
        """A date -> ``2026-06-02``."""
        return value.isoformat()


def _register_converter(state: BlueprintSetupState) -> None:
    # Recorded before any route, so the converter exists when the rules compile.
    state.app.url_map.converters.setdefault("isodate", IsoDateConverter)


bp.record_once(_register_converter)


bp.context_processor(template_helpers)
