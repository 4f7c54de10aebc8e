"""The reports area: a page per section, exports of every table, the one-page summary.

Each page computes only its own section (one pass over the period's facts), so
a year's report stays quick; exports of one table compute its section, the
workbook of all tables and the summary compute everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import force_locale
from flask_babel import format_decimal
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from matcher.audit import record_action
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import period_of
from matcher.reports.report import ReportFilter
from matcher.reports.report import Section
from matcher.reports.report import childcare_section
from matcher.reports.report import demand_section
from matcher.reports.report import district_report
from matcher.reports.report import home_areas
from matcher.reports.report import service_section
from matcher.reports.report import summary_report
from matcher.reports.report import unmet_section
from matcher.reports.volunteers import volunteer_figures
from web.auth import coordinator_required
from web.auth import current_account
from web.coordinators.blueprint import bp
from web.coordinators.forms_reports import ReportFilterForm
from web.coordinators.report_charts import report_charts
from web.coordinators.report_exports import CSV_TYPE
from web.coordinators.report_exports import XLSX_TYPE
from web.coordinators.report_exports import hidden_legend
from web.coordinators.report_exports import table_csv
from web.coordinators.report_exports import tables_xlsx
from web.coordinators.report_tables import SECTION_TITLES
from web.coordinators.report_tables import TABLE_SECTIONS
from web.coordinators.report_tables import ReportTable
from web.coordinators.report_tables import childcare_tables
from web.coordinators.report_tables import demand_tables
from web.coordinators.report_tables import period_label
from web.coordinators.report_tables import purpose_label
from web.coordinators.report_tables import report_tables
from web.coordinators.report_tables import service_tables
from web.coordinators.report_tables import summary
from web.coordinators.report_tables import unmet_tables
from web.coordinators.report_tables import volunteer_table
from web.db import get_session
from web.settings import current_settings
from web.settings import today

SUMMARY_LANGUAGES = ("de", "en")
"""The committee's summary is written in German or English, whatever the office reads."""


def _section_tables(section: Section, chosen: ReportFilter) -> list[ReportTable]:
    """Compute one section and lay it out as tables."""
    session, tz = get_session(), current_settings().tz
    builders: dict[Section, Callable[[], list[ReportTable]]] = {
        Section.DEMAND: lambda: demand_tables(demand_section(session, chosen, tz)),
        Section.SERVICE: lambda: service_tables(
            service_section(session, chosen, tz), chosen.period
        ),
        Section.UNMET: lambda: unmet_tables(unmet_section(session, chosen, tz)),
        Section.CHILDCARE: lambda: childcare_tables(childcare_section(session, chosen, tz)),
        Section.VOLUNTEERS: lambda: [volunteer_table(volunteer_figures(session, chosen.period))],
    }
    return builders[section]()


def _chosen() -> tuple[ReportFilterForm, ReportFilter, bool]:
    """The filter from the URL; an invalid one shows its errors over this month's report."""
    form = ReportFilterForm(request.args, municipalities=home_areas(get_session()))
    chosen = form.report_filter(today())
    if chosen is None:
        return form, ReportFilter(period_of(PeriodKind.MONTH, today())), False
    return form, chosen, True


def _query(chosen: ReportFilter) -> dict[str, str]:
    """The URL parameters that give ``chosen`` again (exports, sections, previous, next)."""
    period = chosen.period
    query = {"period": str(period.kind)}
    if period.kind == PeriodKind.CUSTOM:
        query |= {"first": period.first.isoformat(), "last": period.last.isoformat()}
    else:
        query["day"] = period.first.isoformat()
    if chosen.purpose:
        query["purpose"] = str(chosen.purpose)
    if chosen.municipality:
        query["municipality"] = chosen.municipality
    return query


@bp.get("/figures")
@coordinator_required
def figures() -> BaseResponse:
    """The old figures page lives on as the reports area."""
    return redirect(url_for("coordinators.reports_start"), code=301)


@bp.get("/reports")
@coordinator_required
def reports_start() -> tuple[str, int]:
    """The reports area opens on demand."""
    return reports(Section.DEMAND.value)


@bp.get("/reports/<any(demand, service, unmet, childcare, volunteers):section>")
@coordinator_required
def reports(section: str) -> tuple[str, int]:
    """One section of the reports for a period: charts with their tables beside them."""
    form, chosen, valid = _chosen()
    tables = {t.key: t for t in _section_tables(Section(section), chosen)}
    return render_template(
        "coordinators/reports.html",
        form=form,
        section=Section(section),
        sections=SECTION_TITLES,
        chosen=chosen,
        tables=tables,
        charts=report_charts(tables),
        query=_query(chosen),
        period_label=period_label(chosen.period.first, chosen.period.last),
        previous=_query(replace(chosen, period=chosen.period.previous())),
        next=_query(replace(chosen, period=chosen.period.next())),
        legend=hidden_legend(),
    ), (200 if valid else 422)


@bp.get("/reports/export.<any(csv, xlsx):file_format>")
@coordinator_required
def report_export(file_format: str) -> Response:
    """One table as CSV or XLSX, or every table as XLSX; recorded in the audit log."""
    _form, chosen, valid = _chosen()
    if not valid:
        abort(422)
    key = request.args.get("table")
    if key is not None and key not in TABLE_SECTIONS:
        abort(404)
    if key is None and file_format == "csv":
        abort(404)  # a CSV file holds one table
    if key is None:
        tables = list(
            report_tables(district_report(get_session(), chosen, current_settings().tz)).values()
        )
    else:
        tables = [t for t in _section_tables(TABLE_SECTIONS[key], chosen) if t.key == key]
    period = chosen.period
    session = get_session()
    record_action(
        session,
        current_account().id,
        "report.exported",
        "report",
        None,
        table=key or "all",
        format=file_format,
        first=period.first.isoformat(),
        last=period.last.isoformat(),
        purpose=str(chosen.purpose or ""),
        municipality=chosen.municipality or "",
    )
    session.commit()
    name = f"mitfahrnetz-{key or 'report'}-{period.first.isoformat()}-{period.last.isoformat()}"
    if file_format == "csv":
        body, mimetype = table_csv(tables[0]), CSV_TYPE
    else:
        heading = _("Mitfahrnetz, %(period)s", period=period_label(period.first, period.last))
        body, mimetype = tables_xlsx(tables, heading), XLSX_TYPE
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )


@bp.get("/reports/summary/<any(de, en):lang_of_summary>")
@coordinator_required
def report_summary(lang_of_summary: str) -> tuple[str, int]:
    """One page of the period's figures for the district committee, printable."""
    _form, chosen, valid = _chosen()
    report = summary_report(get_session(), chosen, current_settings().tz)
    with force_locale(lang_of_summary):
        page = render_template(
            "coordinators/report_summary.html",
            data=summary(report),
            chosen=chosen,
            query=_query(chosen),
            purpose_name=purpose_label(chosen.purpose) if chosen.purpose else "",
            period_label=period_label(chosen.period.first, chosen.period.last),
            summary_language=lang_of_summary,
            legend=hidden_legend(),
        )
    return page, (200 if valid else 422)


@bp.app_template_filter("report_number")
def report_number(value: float) -> str:
    """A count as the reader writes it (1.234 in German)."""
    return str(format_decimal(value))


@bp.app_template_filter("report_decimal")
def report_decimal(value: float) -> str:
    """A figure with one decimal place as the reader writes it (12,5 in German)."""
    return str(format_decimal(value, format="#,##0.#"))
