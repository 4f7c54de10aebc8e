"""Where places are and how long it takes between them: the providers that may do network I/O.

Public modules: ``geocoding`` (a typed address to coordinates: the offline gazetteer, or
Nominatim behind a cache and a rate limit), ``travel_times`` (the solver's matrices: the
offline geodesic model, or OSRM where configured), ``osrm`` (the road router's client).
"""

from matcher.geo.osrm import OsrmTableProvider as OsrmTableProvider

__all__ = [
    "geocoding",
    "travel_times",
    "osrm",
    "OsrmTableProvider",
]
