"""Forms of what the office does for a rider: her needs, her link, her erasure.

Each change of a need carries the need's ``row_version`` as the page showed it,
so a second page open on the same need is refused instead of overwriting.
The edit itself is the public form (``web.riders.forms.NeedForm``) with that
version added, so the office is held to the rider's own validation.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import HiddenField
from wtforms import StringField
from wtforms.validators import AnyOf
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired

from web.forms import FlaskForm
from web.riders.forms import NOT_A_DATE
from web.riders.forms import NeedForm


class NeedActionForm(FlaskForm):
    """Pause, resume or cancel a need: the row version the page showed."""

    row_version = HiddenField(validators=[InputRequired()])


class NeedDayForm(NeedActionForm):
    """Pause one day of a need, or undo a paused day."""

    day = DateField(validators=[InputRequired(message=NOT_A_DATE)], format="%Y-%m-%d")


class OfficeNeedForm(NeedForm):
    """The rider's own need form, with the row version the office's page showed."""

    row_version = HiddenField(validators=[InputRequired()])


class EraseRiderForm(FlaskForm):
    """Erase a rider: the coordinator confirms that the rider asked for it."""

    confirm = BooleanField(
        _l("The rider asked us to delete their data."),
        validators=[DataRequired(message=_l("Please confirm that the rider asked for this."))],
    )


class LinkForm(FlaskForm):
    """Send the personal link again, or a new one: by SMS or by e-mail."""

    channel = StringField(validators=[InputRequired(), AnyOf(("sms", "email"))])
    """``sms`` or ``email`` (the page's radio buttons)."""
    then = HiddenField()
    """``slip``: after a new link, show the slip to print (from the slip page)."""


def row_version_of(form: NeedActionForm | OfficeNeedForm) -> int:
    """The row version the page showed (-1 if missing or forged: refused as stale)."""
    try:
        return int(form.row_version.data or "")
    except ValueError:
        return -1
