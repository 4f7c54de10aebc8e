"""The district report composes every table for one filter, the same figures as each module."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.clock import BERLIN
from matcher.models import NeedPurpose
from matcher.models import PlaceKind
from matcher.models import TripStatus
from matcher.reports.demand import Grouping
from matcher.reports.demand import demand
from matcher.reports.facts import materialised
from matcher.reports.hours import by_weekday_and_hour
from matcher.reports.periods import PeriodKind
from matcher.reports.periods import period_of
from matcher.reports.report import ReportFilter
from matcher.reports.report import demand_section
from matcher.reports.report import district_report
from matcher.reports.report import home_areas
from matcher.reports.report import summary_report
from matcher.reports.report import unmet_section
from matcher.reports.service import extra_ride_time
from matcher.reports.unmet import UnmetBy
from matcher.reports.unmet import unmet as unmet_table
from tests.factories import make_place
from tests.factories import make_published_route
from tests.factories import make_trip

TUESDAY = dt.date(2026, 6, 2)
WEEK = period_of(PeriodKind.WEEK, TUESDAY)


def district(session):
    """Lüchow: 6 job riders served; Dannenberg: 7 course riders unserved (no vehicle in time)."""
    luechow = make_place(session, municipality="Lüchow")
    dannenberg = make_place(session, municipality="Dannenberg")
    school = make_place(session, kind=PlaceKind.COURSE_SITE, name="VHS", municipality="Lüchow")
    served = [make_trip(session, origin=luechow, direct_seconds=900) for _ in range(6)]
    make_published_route(session, day=TUESDAY, trips=served)
    for _ in range(7):
        make_trip(
            session,
            origin=dannenberg,
            destination=school,
            purpose=NeedPurpose.COURSE,
            status=TripStatus.UNSERVED,
            unserved_reason="no_vehicle_in_time",
        )
    session.flush()


def test_the_report_holds_every_table_with_the_modules_figures(session):
    district(session)
    report = district_report(session, ReportFilter(WEEK), BERLIN)
    # The same figures as each module over the facts as SQL, without the materialised table.
    assert report.demand.by_purpose == demand(session, WEEK, Grouping.PURPOSE)
    assert report.demand.by_purpose.total is not None
    assert report.demand.by_purpose.total.requested == 13
    assert [r.key for r in report.demand.by_home.rows] == ["Dannenberg", "Lüchow"]
    assert report.demand.origin_destination.total == 13
    assert report.demand.weekday_hour.cell(2, 8) == 13  # Tuesday, arrive by 08:00
    assert report.demand.weekday_hour == by_weekday_and_hour(session, WEEK, BERLIN)
    assert report.service.series.total.served == 6
    assert report.service.extra_time == extra_ride_time(session, WEEK)
    unmet = report.unmet.by_purpose.total
    assert unmet is not None and unmet.people == 7
    assert report.unmet.by_hour == unmet_table(session, WEEK, UnmetBy.HOUR, BERLIN)
    courses = report.childcare.courses
    assert courses.rows == ["VHS"] and courses.cell("VHS", "unserved") == 7
    assert report.volunteers.drivers == 1 and not report.volunteers.shown


def test_a_section_alone_equals_its_part_of_the_whole_report(session):
    district(session)
    chosen = ReportFilter(WEEK, purpose=NeedPurpose.COURSE)
    whole = district_report(session, chosen, BERLIN)
    assert demand_section(session, chosen, BERLIN) == whole.demand
    assert unmet_section(session, chosen, BERLIN) == whole.unmet


def test_a_filter_narrows_every_rider_table(session):
    district(session)
    chosen = ReportFilter(WEEK, municipality="Dannenberg")
    report = district_report(session, chosen, BERLIN)
    total = report.demand.by_purpose.total
    assert total is not None and total.requested == 7
    assert report.service.series.total.served == 0
    course = district_report(session, ReportFilter(WEEK, purpose=NeedPurpose.COURSE), BERLIN)
    home = course.demand.by_home.total
    assert home is not None and home.requested == 7


def test_an_empty_period_gives_zeros_not_errors(session):
    district(session)
    report = district_report(session, ReportFilter(WEEK.next()), BERLIN)
    total = report.demand.by_purpose.total
    assert total is not None and total.requested == 0
    od = report.demand.origin_destination
    assert od.rows == [] and od.total == 0
    assert report.unmet.by_hour.rows == []


def test_home_areas_are_the_municipalities_riders_travel_from(session):
    district(session)
    assert home_areas(session) == ["Dannenberg", "Lüchow"]


def test_materialised_facts_give_the_same_tables_and_clean_up_after_a_rollback(session):
    district(session)
    plain = by_weekday_and_hour(session, WEEK, BERLIN)
    with materialised(session, WEEK, BERLIN, hours=False):
        # Without hours in the table, the hours come from SQL over the trips again.
        assert by_weekday_and_hour(session, WEEK, BERLIN) == plain
        with pytest.raises(RuntimeError), materialised(session, WEEK.next(), BERLIN):
            pass
    with materialised(session, WEEK, BERLIN):
        assert by_weekday_and_hour(session, WEEK, BERLIN) == plain
    session.rollback()  # SQLite brings a dropped temporary table back with a rollback
    district(session)
    report = district_report(session, ReportFilter(WEEK), BERLIN)
    assert report.demand.weekday_hour == plain


def test_the_summary_holds_the_same_tables_as_the_whole_report(session):
    district(session)
    chosen = ReportFilter(WEEK)
    whole = district_report(session, chosen, BERLIN)
    brief = summary_report(session, chosen, BERLIN)
    assert brief.by_purpose == whole.demand.by_purpose
    assert brief.service == whole.service.series
    assert brief.unmet == whole.unmet and brief.daycare == whole.childcare.daycare
    assert brief.volunteers == whole.volunteers
