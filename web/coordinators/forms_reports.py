"""The reports area's filter: a period, a purpose and a home municipality, read from the URL."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from matcher.errors import ValidationError
from matcher.models import NeedPurpose
from matcher.reports.periods import Period
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import custom_period
from matcher.reports.periods import period_of
from matcher.reports.report import ReportFilter
from web.coordinators.forms import PURPOSE_FILTER_CHOICES
from web.errors import translate_domain_error
from web.forms import FlaskForm

PERIOD_CHOICES = [
    SelectChoice(PeriodKind.WEEK.value, _l("Week")),
    SelectChoice(PeriodKind.MONTH.value, _l("Month")),
    SelectChoice(PeriodKind.QUARTER.value, _l("Quarter")),
    SelectChoice(PeriodKind.YEAR.value, _l("Year")),
    SelectChoice(PeriodKind.CUSTOM.value, _l("From … to …")),
]


class ReportFilterForm(FlaskForm):
    """A GET form (no CSRF token): a report's link can be shared and bookmarked."""

    class Meta:
        """Filtering changes nothing."""

        csrf = False

    period = SelectField(_l("Period"), choices=PERIOD_CHOICES, default=PeriodKind.MONTH.value)
    day = DateField(_l("Holding the day"), validators=[Optional()], format="%Y-%m-%d")
    first = DateField(_l("First day"), validators=[Optional()], format="%Y-%m-%d")
    last = DateField(_l("Last day"), validators=[Optional()], format="%Y-%m-%d")
    purpose = SelectField(_l("Purpose"), choices=PURPOSE_FILTER_CHOICES, validators=[Optional()])
    municipality = SelectField(_l("Home municipality"), validators=[Optional()])

    def __init__(self, *args: object, municipalities: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.municipality.choices = [
            SelectChoice("", _l("All municipalities")),
            *(SelectChoice(name, name) for name in municipalities),
        ]

    def report_filter(self, today: dt.date) -> ReportFilter | None:
        """The filter chosen, or None with the errors at their fields (the page shows the month)."""
        if not self.validate():
            return None
        try:
            period = self._period(today)
        except ValidationError as error:
            target = self[error.field] if error.field and error.field in self else self.period
            target.errors = [*target.errors, translate_domain_error(error)]
            return None
        purpose = NeedPurpose(self.purpose.data) if self.purpose.data else None
        return ReportFilter(period, purpose, self.municipality.data or None)

    def _period(self, today: dt.date) -> Period:
        kind = PeriodKind(self.period.data or PeriodKind.MONTH)
        if kind != PeriodKind.CUSTOM:
            return period_of(kind, self.day.data or today)
        first, last = self.first.data, self.last.data
        if first is None or last is None:
            return period_of(kind, today)  # refused with "needs its first and last day"
        return custom_period(first, last)
