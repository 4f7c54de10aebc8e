"""Forms of the drivers' registration, login and availability pages (Flask-WTF, CSRF)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms import DateField
from wtforms import Field
from wtforms import FieldList
from wtforms import FormField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TelField
from wtforms import TimeField
from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp

from matcher.errors import ValidationError as DomainValidationError
from matcher.models import MAX_SEATS
from matcher.models import ExceptionKind
from matcher.people.drivers import MIN_PASSWORD_LENGTH
from matcher.people.drivers import ExceptionInput
from matcher.people.drivers import WindowInput
from matcher.people.phones import normalise_phone
from web.errors import translate_domain_error
from web.forms import EmailAddress
from web.forms import FlaskForm
from web.forms import Form
from web.riders.forms import EMAIL_PATTERN
from web.riders.forms import NOT_A_DATE
from web.riders.forms import NOT_AN_EMAIL
from web.riders.forms import REQUIRED
from web.riders.forms import SPOKEN_LANGUAGES
from web.riders.forms import TOO_LONG
from web.riders.forms import WEEKDAY_CHOICES
from web.riders.forms import MultiCheckboxField
from web.riders.forms import OptionalInt
from web.settings import today

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
DRIVING_MINUTES = [60, 90, 120, 180, 240, 300, 360, 480, 600]
REGISTRATION_WINDOWS = 3
EDIT_WINDOWS = 5


def _hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d} h"


class WindowForm(Form):
    """One weekly window: on these days, from .. to (a row left empty is ignored)."""

    weekdays = MultiCheckboxField(_l("Days"), choices=WEEKDAY_CHOICES, coerce=int)
    start = TimeField(_l("From"), validators=[Optional()], format=TIME_FORMATS)
    end = TimeField(_l("To"), validators=[Optional()], format=TIME_FORMATS)

    def is_empty(self) -> bool:
        """Nothing entered in this row."""
        return not self.weekdays.data and self.start.data is None and self.end.data is None

    def validate_start(self, field: Field) -> None:
        """A used row needs days, a start and an end after it."""
        if self.is_empty():
            return
        if field.data is None or self.end.data is None:
            raise ValidationError(_l("Please give both times, e.g. 05:00 to 08:30."))
        if self.end.data <= field.data:
            raise ValidationError(_l("The end must be after the start (on the same day)."))
        if not self.weekdays.data:
            raise ValidationError(_l("Please choose at least one day."))


class HolidayForm(Form):
    """Days the driver is away (a row left empty is ignored)."""

    first_day = DateField(_l("From"), validators=[Optional()], format="%Y-%m-%d")
    last_day = DateField(_l("Until"), validators=[Optional()], format="%Y-%m-%d")
    note = StringField(
        _l("Note (optional)"), validators=[Optional(), Length(max=200, message=TOO_LONG)]
    )

    def validate_last_day(self, field: Field) -> None:
        """Both days, in order."""
        if self.first_day.data is None and field.data is None:
            return
        if self.first_day.data is None or field.data is None:
            raise ValidationError(_l("Please give both days."))
        if field.data < self.first_day.data:
            raise ValidationError(_l("The last day must not be before the first day."))


class AvailabilityFields(FlaskForm):
    """Weekly windows and the daily driving limit."""

    windows = FieldList(
        FormField(WindowForm), min_entries=REGISTRATION_WINDOWS, max_entries=REGISTRATION_WINDOWS
    )
    max_driving_minutes_per_day = SelectField(
        _l("At most this much driving a day"),
        choices=[SelectChoice(m, _hours(m)) for m in DRIVING_MINUTES],
        coerce=int,
        default=240,
    )

    def validate_windows(self, field: Field) -> None:
        """At least one window."""
        if all(entry.form.is_empty() for entry in field.entries):
            raise ValidationError(_l("Please give at least one time when you can drive."))

    def window_inputs(self) -> tuple[WindowInput, ...]:
        """The filled rows as domain inputs."""
        return tuple(
            WindowInput(frozenset(e.form.weekdays.data), e.form.start.data, e.form.end.data)
            for e in self.windows.entries
            if not e.form.is_empty()
        )


class DriverForm(AvailabilityFields):
    """The volunteer driver's registration."""

    first_name = StringField(
        _l("First name"),
        validators=[DataRequired(message=REQUIRED), Length(max=80, message=TOO_LONG)],
    )
    last_name = StringField(
        _l("Last name"),
        validators=[DataRequired(message=REQUIRED), Length(max=80, message=TOO_LONG)],
    )
    phone = TelField(
        _l("Phone number"),
        validators=[DataRequired(message=REQUIRED), Length(max=40, message=TOO_LONG)],
    )
    email = StringField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=254, message=TOO_LONG),
            EmailAddress(message=NOT_AN_EMAIL),
        ],
    )
    home_street = StringField(
        _l("Street"), validators=[DataRequired(message=REQUIRED), Length(max=120, message=TOO_LONG)]
    )
    home_number = StringField(
        _l("House number"), validators=[Optional(), Length(max=12, message=TOO_LONG)]
    )
    home_village = OptionalInt(_l("Village or town"), choices=[], validate_choice=False)
    car_description = StringField(
        _l("Your car (optional)"), validators=[Optional(), Length(max=120, message=TOO_LONG)]
    )
    seats = IntegerField(
        _l("Free seats for passengers"),
        default=3,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(1, MAX_SEATS, message=_l("Between 1 and %(max)s seats.")),
        ],
    )
    child_seats = IntegerField(
        _l("Child seats or boosters you have"),
        default=0,
        validators=[Optional(), NumberRange(0, MAX_SEATS, message=_l("Between 0 and %(max)s."))],
    )
    languages = MultiCheckboxField(_l("Languages I speak"), choices=SPOKEN_LANGUAGES)
    holidays = FieldList(FormField(HolidayForm), min_entries=2, max_entries=2)
    password = PasswordField(
        _l("Password (optional)"),
        validators=[
            Optional(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("At least %(min)d characters, please."),
            ),
        ],
    )
    consent = BooleanField(
        _l("I agree that Mitfahrnetz stores and uses my information to plan rides."),
        validators=[DataRequired(message=_l("Please agree, otherwise we cannot plan rides."))],
    )

    normalised_phone: str = ""
    field_order = (
        "first_name",
        "last_name",
        "phone",
        "email",
        "languages",
        "home_village",
        "home_street",
        "home_number",
        "car_description",
        "seats",
        "child_seats",
        "windows",
        "max_driving_minutes_per_day",
        "holidays",
        "password",
        "consent",
    )
    """Page order, for the error summary."""

    def validate_phone(self, field: Field) -> None:
        """E.164 now, so the error is next to the field."""
        try:
            self.normalised_phone = normalise_phone(field.data or "")
        except DomainValidationError as error:
            raise ValidationError(translate_domain_error(error)) from None

    def validate_home_village(self, field: Field) -> None:
        """A village from the list."""
        if field.data is None:
            raise ValidationError(_l("Please choose your village or town."))

    def validate_child_seats(self, field: Field) -> None:
        """Child seats sit on passenger seats."""
        if (field.data or 0) > (self.seats.data or 0):
            raise ValidationError(_l("You cannot have more child seats than seats."))

    def holiday_inputs(self) -> tuple[ExceptionInput, ...]:
        """The filled holiday rows."""
        return tuple(
            ExceptionInput(
                e.form.first_day.data, e.form.last_day.data, note=e.form.note.data or None
            )
            for e in self.holidays.entries
            if e.form.first_day.data and e.form.last_day.data
        )


class AvailabilityForm(AvailabilityFields):
    """Editing the windows after login: a few more rows."""

    windows = FieldList(FormField(WindowForm), min_entries=EDIT_WINDOWS, max_entries=EDIT_WINDOWS)


class ExceptionForm(FlaskForm):
    """Add one dated exception: away, or an extra time."""

    kind = RadioField(
        _l("What changes?"),
        choices=[
            SelectChoice(ExceptionKind.UNAVAILABLE.value, _l("I am away (holidays, sick)")),
            SelectChoice(ExceptionKind.EXTRA.value, _l("I can drive at an extra time")),
        ],
        default=ExceptionKind.UNAVAILABLE.value,
        validators=[InputRequired(message=REQUIRED)],
    )
    first_day = DateField(
        _l("From"), validators=[InputRequired(message=NOT_A_DATE)], format="%Y-%m-%d"
    )
    last_day = DateField(
        _l("Until"), validators=[InputRequired(message=NOT_A_DATE)], format="%Y-%m-%d"
    )
    start = TimeField(_l("From (time, optional)"), validators=[Optional()], format=TIME_FORMATS)
    end = TimeField(_l("To (time, optional)"), validators=[Optional()], format=TIME_FORMATS)
    note = StringField(
        _l("Note (optional)"), validators=[Optional(), Length(max=200, message=TOO_LONG)]
    )

    def validate_last_day(self, field: Field) -> None:
        """Not before the first day, not in the past."""
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day must not be before the first day."))
        if field.data and field.data < today():
            raise ValidationError(_l("This day is in the past."))

    def validate_start(self, field: Field) -> None:
        """Both times or none; an extra time needs them."""
        if (field.data is None) != (self.end.data is None):
            raise ValidationError(_l("Please give both times, or neither."))
        if field.data is not None and self.end.data is not None and self.end.data <= field.data:
            raise ValidationError(_l("The end must be after the start (on the same day)."))
        if self.kind.data == ExceptionKind.EXTRA.value and field.data is None:
            raise ValidationError(_l("An extra time needs a start and an end."))

    def exception_input(self) -> ExceptionInput:
        """As a domain input."""
        return ExceptionInput(
            self.first_day.data,
            self.last_day.data,
            ExceptionKind(self.kind.data),
            self.start.data,
            self.end.data,
            self.note.data or None,
        )


class LinkLoginForm(FlaskForm):
    """Ask for a login link by e-mail."""

    email = StringField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=254, message=TOO_LONG),
            Regexp(EMAIL_PATTERN, message=NOT_AN_EMAIL),
        ],
    )


class PasswordLoginForm(FlaskForm):
    """E-mail and password."""

    email = StringField(
        _l("E-mail address"),
        validators=[DataRequired(message=REQUIRED), Length(max=254, message=TOO_LONG)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=REQUIRED), Length(max=200, message=TOO_LONG)],
    )


class ButtonForm(FlaskForm):
    """Only the CSRF token (log in with a link, log out, delete an exception)."""


def window_rows(windows: list[Any]) -> list[dict[str, Any]]:
    """Stored windows grouped back into form rows: same times -> one row with several days."""
    groups: dict[tuple[dt.time, dt.time], list[int]] = {}
    for window in sorted(windows, key=lambda w: (w.start_time, w.weekday)):
        groups.setdefault((window.start_time, window.end_time), []).append(window.weekday)
    return [{"weekdays": days, "start": start, "end": end} for (start, end), days in groups.items()]
