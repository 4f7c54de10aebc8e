"""Forms of the checks the office makes on a registration: a flagged place, a possible duplicate.

Each fix of a place carries the coordinates the page showed (``seen_lat``,
``seen_lon``), so a second coordinator's fix of the same place is refused
instead of silently replacing the first.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms.validators import InputRequired
from wtforms.validators import NumberRange

from web.forms import FlaskForm


class _SeenPlaceForm(FlaskForm):
    """The place's coordinates as the page showed them (empty when it had none)."""

    seen_lat = HiddenField()
    seen_lon = HiddenField()


class PlacePointForm(_SeenPlaceForm):
    """The spot clicked on the map, or typed: latitude and longitude."""

    lat = DecimalField(
        _l("Latitude"), places=6, validators=[InputRequired(), NumberRange(min=-90, max=90)]
    )
    lon = DecimalField(
        _l("Longitude"), places=6, validators=[InputRequired(), NumberRange(min=-180, max=180)]
    )


class GazetteerPlaceForm(_SeenPlaceForm):
    """A place of the district's list instead of the typed address."""

    gazetteer_place = SelectField(_l("Place from the list"), coerce=int, validate_choice=False)


class DuplicateDismissForm(FlaskForm):
    """Two different people: the earlier rider's id as the page showed the pair."""

    earlier_id = IntegerField(validators=[InputRequired()])


class DuplicateMergeForm(DuplicateDismissForm):
    """One person: which of the two to keep."""

    keep = RadioField(_l("Keep"), coerce=int, validate_choice=False, validators=[InputRequired()])
