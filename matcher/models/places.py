"""Places: the district gazetteer, rider addresses, and the geocoder's cache.

Every stop of a route is a place. Gazetteer entries (villages, employers,
course sites, daycare centres, stations) carry a stable ``key`` so that loading
a gazetteer twice does not duplicate it; addresses typed by riders are places
of kind ``address`` whose coordinates may be missing until a coordinator
checks them (a registration is never lost because an address is not found).
Daycares and course sites keep their opening hours (``OpeningHours``, one row per
weekday and time span). ``row_version`` guards the office's edits and merges.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship
from sqlalchemy.orm import validates

from matcher.clock import utcnow
from matcher.db import Base
from matcher.db import UTCDateTime
from matcher.errors import N_
from matcher.models.common import Timestamped
from matcher.models.common import check_int_range
from matcher.models.common import check_text
from matcher.models.common import enum_type
from matcher.models.common import fail


class PlaceKind(StrEnum):
    """What a place is; the forms offer destinations by kind."""

    VILLAGE = "village"
    TOWN = "town"
    EMPLOYER = "employer"
    COURSE_SITE = "course_site"
    DAYCARE = "daycare"
    STATION = "station"
    ADDRESS = "address"


LISTED_KINDS = (
    PlaceKind.EMPLOYER,
    PlaceKind.COURSE_SITE,
    PlaceKind.DAYCARE,
    PlaceKind.STATION,
    PlaceKind.VILLAGE,
    PlaceKind.TOWN,
)
"""The kinds of the office's gazetteer; typed addresses belong to their riders."""
HOURS_KINDS = (PlaceKind.DAYCARE, PlaceKind.COURSE_SITE)
"""The kinds of place whose opening hours the office keeps."""


class PlaceSource(StrEnum):
    """Where the coordinates came from, so a coordinator knows how far to trust them."""

    GAZETTEER = "gazetteer"
    GEOCODER = "geocoder"
    MANUAL = "manual"
    MAP = "map"


class Place(Timestamped, Base):
    """A point riders are picked up at or taken to."""

    __tablename__ = "places"
    __table_args__ = (
        sa.CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        sa.CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
        sa.CheckConstraint("(lat IS NULL) = (lon IS NULL)", name="lat_lon_together"),
        sa.CheckConstraint("NOT confirmed OR lat IS NOT NULL", name="confirmed_has_coords"),
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
        sa.CheckConstraint("row_version >= 1", name="row_version_positive"),
        sa.Index("ix_places_kind_name", "kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    """Stable gazetteer key (e.g. ``village:clenze``); NULL for addresses typed by people."""
    kind: Mapped[PlaceKind] = mapped_column(enum_type(PlaceKind, "place_kind"))
    name: Mapped[str] = mapped_column(sa.String(160))
    street: Mapped[str | None] = mapped_column(sa.String(160))
    postcode: Mapped[str | None] = mapped_column(sa.String(10))
    municipality: Mapped[str | None] = mapped_column(sa.String(120))
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lon: Mapped[float | None] = mapped_column(sa.Float)
    source: Mapped[PlaceSource] = mapped_column(
        enum_type(PlaceSource, "place_source"), default=PlaceSource.MANUAL
    )
    confirmed: Mapped[bool] = mapped_column(default=False)
    """A coordinator (or the gazetteer) vouches for the coordinates."""
    is_demo: Mapped[bool] = mapped_column(default=False)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}

    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="place",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: (OpeningHours.weekday, OpeningHours.opens),
    )

    @property
    def has_coordinates(self) -> bool:
        """True if the place can be routed to."""
        return self.lat is not None and self.lon is not None

    @validates("name")
    def _validate_name(self, _key: str, value: str) -> str:
        return check_text("name", value, 160, required=True)

    @validates("street", "municipality", "postcode")
    def _validate_text(self, key: str, value: str | None) -> str | None:
        return check_text(key, value, 160) or None

    @validates("lat")
    def _validate_lat(self, _key: str, value: float | None) -> float | None:
        if value is not None and not -90 <= value <= 90:
            fail(N_("Latitude must be between -90 and 90."), "lat")
        return value

    @validates("lon")
    def _validate_lon(self, _key: str, value: float | None) -> float | None:
        if value is not None and not -180 <= value <= 180:
            fail(N_("Longitude must be between -180 and 180."), "lon")
        return value

    def check_consistency(self) -> None:
        """Coordinates come in pairs; only located places can be confirmed."""
        if (self.lat is None) != (self.lon is None):
            fail(N_("Latitude and longitude must be given together."), "lat")
        if self.confirmed and self.lat is None:
            fail(N_("A place without coordinates cannot be confirmed."), "confirmed")

    def __repr__(self) -> str:
        return f"<Place {self.id} {self.kind} {self.name!r}>"


class OpeningHours(Base):
    """A place is open every ``weekday`` (0 = Monday) from ``opens`` to ``closes`` (local time)."""

    __tablename__ = "place_opening_hours"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        sa.CheckConstraint("closes > opens", name="closes_after_opens"),
        sa.Index("ix_place_opening_hours_place_weekday", "place_id", "weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("places.id", ondelete="CASCADE"))
    weekday: Mapped[int]
    opens: Mapped[dt.time] = mapped_column(sa.Time)
    closes: Mapped[dt.time] = mapped_column(sa.Time)

    place: Mapped[Place] = relationship(back_populates="opening_hours")

    @validates("weekday")
    def _validate_weekday(self, key: str, value: int) -> int:
        return check_int_range(key, value, 0, 6)

    def check_consistency(self) -> None:
        """Closing is after opening, on the same day."""
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            fail(N_("The closing time must be after the opening time."), "hours")


class GeocodeStatus(StrEnum):
    """Outcome of one geocoder query."""

    FOUND = "found"
    NOT_FOUND = "not_found"


class GeocodeCacheEntry(Base):
    """A remembered geocoder answer, so each address is looked up once (Nominatim's 1 req/s)."""

    __tablename__ = "geocode_cache"
    __table_args__ = (
        sa.UniqueConstraint("provider", "query", name="uq_geocode_cache_provider_query"),
        sa.CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat_range"),
        sa.CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon_range"),
        sa.CheckConstraint(
            "status <> 'found' OR (lat IS NOT NULL AND lon IS NOT NULL)", name="found_has_coords"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(40))
    query: Mapped[str] = mapped_column(sa.String(400))
    """The normalised query text (lower case, single spaces)."""
    status: Mapped[GeocodeStatus] = mapped_column(enum_type(GeocodeStatus, "geocode_status"))
    lat: Mapped[float | None] = mapped_column(sa.Float)
    lon: Mapped[float | None] = mapped_column(sa.Float)
    display_name: Mapped[str | None] = mapped_column(sa.String(400))
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
