"""Where places are and how long it takes between them: the providers that may do network I/O."""

from matcher.geo.osrm import OsrmTableProvider as OsrmTableProvider
