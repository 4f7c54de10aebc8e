"""The reports area's sections for one filter, each computed from one pass over the facts.

The web pages, the exports and the one-page summary all read these objects,
so a figure is the same wherever it is shown. A section alone is what a page
needs; :func:`district_report` holds them all (exports, summary).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matcher.models import NeedPurpose
from matcher.models import Place
from matcher.models import Trip
from matcher.models import TripDirection
from matcher.reports.childcare import courses_out_of_reach
from matcher.reports.childcare import daycare_stops
from matcher.reports.crosstab import CrossTable
from matcher.reports.demand import DemandTable
from matcher.reports.demand import Grouping
from matcher.reports.demand import demand
from matcher.reports.facts import materialised
from matcher.reports.hours import by_weekday_and_hour
from matcher.reports.od import origin_destination
from matcher.reports.periods import Period
from matcher.reports.service import ExtraRideTime
from matcher.reports.service import RegularRiders
from matcher.reports.service import ServiceSeries
from matcher.reports.service import extra_ride_time
from matcher.reports.service import regular_riders
from matcher.reports.service import service_over_time
from matcher.reports.unmet import UnmetBy
from matcher.reports.unmet import UnmetTable
from matcher.reports.unmet import unmet
from matcher.reports.volunteers import VolunteerFigures
from matcher.reports.volunteers import volunteer_figures


class Section(StrEnum):
    """The pages of the reports area."""

    DEMAND = "demand"
    SERVICE = "service"
    UNMET = "unmet"
    CHILDCARE = "childcare"
    VOLUNTEERS = "volunteers"


@dataclass(frozen=True)
class ReportFilter:
    """The period and, optionally, one purpose and one home municipality."""

    period: Period
    purpose: NeedPurpose | None = None
    municipality: str | None = None


@dataclass(frozen=True)
class DemandSection:
    """Who asks for rides, from where to where, and when."""

    by_purpose: DemandTable
    by_home: DemandTable
    by_destination: DemandTable
    origin_destination: CrossTable
    weekday_hour: CrossTable


@dataclass(frozen=True)
class ServiceSection:
    """What was served over time and why not, how reliably, how long the rides took."""

    series: ServiceSeries
    regular: RegularRiders
    extra_time: ExtraRideTime


@dataclass(frozen=True)
class UnmetSection:
    """People and ride-days not served: what a bus line or on-demand service would carry."""

    by_purpose: UnmetTable
    by_home: UnmetTable
    by_hour: UnmetTable


@dataclass(frozen=True)
class ChildcareSection:
    """Rides with a daycare stop, and course sites riders name."""

    daycare: CrossTable
    courses: CrossTable


@dataclass(frozen=True)
class DistrictReport:
    """Every section; each table already suppressed."""

    filter: ReportFilter
    demand: DemandSection
    service: ServiceSection
    unmet: UnmetSection
    childcare: ChildcareSection
    volunteers: VolunteerFigures
    """District-wide: drivers are not split by the riders' purpose or home."""


def demand_section(session: Session, chosen: ReportFilter, tz: dt.tzinfo) -> DemandSection:
    """Demand by purpose, home and destination, origin-destination, weekday x hour."""
    period, purpose, municipality = chosen.period, chosen.purpose, chosen.municipality
    with materialised(session, period, tz):
        return DemandSection(
            by_purpose=demand(
                session, period, Grouping.PURPOSE, purpose=purpose, municipality=municipality
            ),
            by_home=demand(
                session, period, Grouping.HOME, purpose=purpose, municipality=municipality
            ),
            by_destination=demand(
                session, period, Grouping.DESTINATION, purpose=purpose, municipality=municipality
            ),
            origin_destination=origin_destination(
                session, period, purpose=purpose, municipality=municipality
            ),
            weekday_hour=by_weekday_and_hour(
                session, period, tz, purpose=purpose, municipality=municipality
            ),
        )


def service_section(session: Session, chosen: ReportFilter, tz: dt.tzinfo) -> ServiceSection:
    """Served and not served over time, regular riders, extra ride time."""
    period, purpose, municipality = chosen.period, chosen.purpose, chosen.municipality
    with materialised(session, period, tz, hours=False):
        return ServiceSection(
            series=service_over_time(session, period, purpose=purpose, municipality=municipality),
            regular=regular_riders(session, period, purpose=purpose, municipality=municipality),
            extra_time=extra_ride_time(session, period, purpose=purpose, municipality=municipality),
        )


def unmet_section(session: Session, chosen: ReportFilter, tz: dt.tzinfo) -> UnmetSection:
    """Unmet need by purpose, home area and hour."""
    period, purpose, municipality = chosen.period, chosen.purpose, chosen.municipality
    with materialised(session, period, tz):
        return UnmetSection(
            by_purpose=unmet(
                session, period, UnmetBy.PURPOSE, tz, purpose=purpose, municipality=municipality
            ),
            by_home=unmet(
                session, period, UnmetBy.HOME, tz, purpose=purpose, municipality=municipality
            ),
            by_hour=unmet(
                session, period, UnmetBy.HOUR, tz, purpose=purpose, municipality=municipality
            ),
        )


def childcare_section(session: Session, chosen: ReportFilter, tz: dt.tzinfo) -> ChildcareSection:
    """Daycare stops and course sites (the purpose filter does not apply: courses are courses)."""
    period, municipality = chosen.period, chosen.municipality
    with materialised(session, period, tz, hours=False):
        return ChildcareSection(
            daycare=daycare_stops(session, period, municipality=municipality),
            courses=courses_out_of_reach(session, period, municipality=municipality),
        )


def district_report(session: Session, chosen: ReportFilter, tz: dt.tzinfo) -> DistrictReport:
    """Every section over one materialisation of the facts."""
    with materialised(session, chosen.period, tz):
        return DistrictReport(
            filter=chosen,
            demand=demand_section(session, chosen, tz),
            service=service_section(session, chosen, tz),
            unmet=unmet_section(session, chosen, tz),
            childcare=childcare_section(session, chosen, tz),
            volunteers=volunteer_figures(session, chosen.period),
        )


@dataclass(frozen=True)
class SummaryReport:
    """What the one-page summary states: only the tables it reads, computed together."""

    filter: ReportFilter
    by_purpose: DemandTable
    service: ServiceSeries
    unmet: UnmetSection
    daycare: CrossTable
    volunteers: VolunteerFigures


def summary_report(session: Session, chosen: ReportFilter, tz: dt.tzinfo) -> SummaryReport:
    """The summary's tables over one materialisation of the facts."""
    period, purpose, municipality = chosen.period, chosen.purpose, chosen.municipality
    with materialised(session, period, tz):
        return SummaryReport(
            filter=chosen,
            by_purpose=demand(
                session, period, Grouping.PURPOSE, purpose=purpose, municipality=municipality
            ),
            service=service_over_time(session, period, purpose=purpose, municipality=municipality),
            unmet=unmet_section(session, chosen, tz),
            daycare=daycare_stops(session, period, municipality=municipality),
            volunteers=volunteer_figures(session, period),
        )


def home_areas(session: Session) -> list[str]:
    """The municipalities riders travel from, by name: the choices of the report filter."""
    home_id = sa.case(
        (Trip.direction == TripDirection.OUTBOUND, Trip.origin_id), else_=Trip.destination_id
    )
    area = sa.func.coalesce(Place.municipality, Place.name)
    names = session.scalars(
        sa.select(area).join(Trip, Place.id == home_id).group_by(area).order_by(area)
    )
    return [name for name in names if name]
