"""Forms of the office's places: the list's search, a place (add or edit), a merge.

An edit and a merge carry the row versions the page showed, so a colleague's
change in the meantime is refused instead of silently replaced. Latitude and
longitude are plain text fields read here (a comma is accepted as the decimal
mark), so a wrong number gets a message in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms import FieldList
from wtforms import FormField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from matcher.models import HOURS_KINDS
from matcher.models import LISTED_KINDS
from matcher.models import PlaceKind
from matcher.people.place_office import HoursInput
from matcher.people.place_office import PlaceInput
from web.forms import FlaskForm
from web.forms import Form
from web.riders.forms import NOT_A_TIME
from web.riders.forms import REQUIRED
from web.riders.forms import TOO_LONG
from web.riders.forms import WEEKDAY_CHOICES
from web.riders.forms import MultiCheckboxField

HOURS_ROWS = 4
KIND_LABELS = {
    PlaceKind.EMPLOYER: _l("Employer"),
    PlaceKind.COURSE_SITE: _l("Course site"),
    PlaceKind.DAYCARE: _l("Daycare"),
    PlaceKind.STATION: _l("Station"),
    PlaceKind.VILLAGE: _l("Village"),
    PlaceKind.TOWN: _l("Town"),
}
NOT_A_NUMBER = _l("Please give a number such as 52.96712.")


def kind_choices(empty: str | None = None) -> list[SelectChoice]:
    """The kinds of the office's list in the reader's language, optionally after an empty one."""
    head = [SelectChoice("", empty)] if empty is not None else []
    return head + [SelectChoice(kind.value, KIND_LABELS[kind]) for kind in LISTED_KINDS]


class PlaceSearchForm(FlaskForm):
    """The list's search, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        """A search changes nothing, and its links must work when shared."""

        csrf = False

    q = StringField(_l("Name or address"), validators=[Optional(), Length(max=100)])
    kind = SelectField(
        _l("Kind of place"),
        choices=lambda: kind_choices(str(_l("Any kind"))),
        validators=[Optional()],
        validate_choice=False,
    )


class LocalTimeField(TimeField):
    """A time such as 07:30; anything else gets the site's own message."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse ``HH:MM`` (or ``HH:MM:SS``); empty is None."""
        text = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if not text.strip():
            return
        for pattern in ("%H:%M", "%H:%M:%S"):
            try:
                self.data = dt.datetime.strptime(text.strip(), pattern).time()
                return
            except ValueError:
                continue
        raise ValueError(NOT_A_TIME)


class HoursForm(Form):
    """One row of opening hours: on these days, from .. to (a row left empty is ignored)."""

    weekdays = MultiCheckboxField(_l("Days"), choices=WEEKDAY_CHOICES, coerce=int)
    opens = LocalTimeField(_l("From"), validators=[Optional()])
    closes = LocalTimeField(_l("To"), validators=[Optional()])

    def is_empty(self) -> bool:
        """Nothing entered in this row."""
        return not self.weekdays.data and self.opens.data is None and self.closes.data is None

    def validate_opens(self, field: Field) -> None:
        """A used row needs days, an opening time and a closing time after it."""
        if self.is_empty() or self.opens.errors or self.closes.errors:
            return
        if field.data is None or self.closes.data is None:
            raise ValidationError(_l("Please give both times, e.g. 05:00 to 08:30."))
        if self.closes.data <= field.data:
            raise ValidationError(_l("The end must be after the start (on the same day)."))
        if not self.weekdays.data:
            raise ValidationError(_l("Please choose at least one day."))


def _coordinate(field: Field) -> None:
    text = (field.data or "").strip().replace(",", ".")
    if not text:
        field.data = ""
        return
    try:
        Decimal(text)
    except InvalidOperation:
        raise ValidationError(NOT_A_NUMBER) from None
    field.data = text


class PlaceForm(FlaskForm):
    """A place of the office's list: kind, name, address, point and opening hours."""

    kind = SelectField(
        _l("Kind of place"),
        choices=lambda: kind_choices(),
        default=PlaceKind.EMPLOYER.value,
        validate_choice=False,  # the service refuses an unknown kind in the reader's language
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(message=REQUIRED), Length(max=160, message=TOO_LONG)]
    )
    street = StringField(
        _l("Street and number"), validators=[Optional(), Length(max=160, message=TOO_LONG)]
    )
    postcode = StringField(
        _l("Postcode"), validators=[Optional(), Length(max=10, message=TOO_LONG)]
    )
    municipality = StringField(
        _l("Town or village"), validators=[Optional(), Length(max=120, message=TOO_LONG)]
    )
    lat = StringField(_l("Latitude"), validators=[Optional(), Length(max=20, message=TOO_LONG)])
    lon = StringField(_l("Longitude"), validators=[Optional(), Length(max=20, message=TOO_LONG)])
    hours = FieldList(FormField(HoursForm), min_entries=HOURS_ROWS, max_entries=HOURS_ROWS)

    field_order = ("kind", "name", "street", "postcode", "municipality", "lat", "lon", "hours")

    def validate_lat(self, field: Field) -> None:
        """A decimal number (comma or point)."""
        _coordinate(field)

    def validate_lon(self, field: Field) -> None:
        """A decimal number (comma or point)."""
        _coordinate(field)

    def place_input(self) -> PlaceInput:
        """The form as the service's input (call after ``validate``)."""
        return PlaceInput(
            kind=self.kind.data or "",
            name=self.name.data or "",
            street=self.street.data or "",
            postcode=self.postcode.data or "",
            municipality=self.municipality.data or "",
            lat=float(self.lat.data) if self.lat.data else None,
            lon=float(self.lon.data) if self.lon.data else None,
            hours=tuple(
                HoursInput(frozenset(e.form.weekdays.data), e.form.opens.data, e.form.closes.data)
                for e in self.hours.entries
                if not e.form.is_empty()
            ),
        )

    def fill_hours(self, rows: list[HoursInput]) -> None:
        """Put stored hours into the rows (as many as fit; the form has ``HOURS_ROWS``)."""
        for entry, row in zip(self.hours.entries, rows, strict=False):
            entry.form.weekdays.data = sorted(row.weekdays)
            entry.form.opens.data = row.opens
            entry.form.closes.data = row.closes


HOURS_KIND_VALUES = tuple(kind.value for kind in HOURS_KINDS)


class PlaceEditForm(PlaceForm):
    """An edit: the row version the page showed."""

    row_version = HiddenField(validators=[InputRequired()])


class MergeForm(FlaskForm):
    """Merge two places: the other one, which to keep, and both row versions as shown."""

    other_id = IntegerField(validators=[InputRequired()])
    row_version = HiddenField(validators=[InputRequired()])
    other_row_version = HiddenField(validators=[InputRequired()])
    keep = RadioField(_l("Keep"), coerce=int, validate_choice=False, validators=[InputRequired()])


class MergeChoiceForm(FlaskForm):
    """Which place to compare with (a GET form: no CSRF token)."""

    class Meta:
        """Choosing changes nothing."""

        csrf = False

    other = SelectField(_l("The other place"), coerce=int, validate_choice=False)
