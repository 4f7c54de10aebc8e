"""Where a login may send the browser afterwards: only a path on this site (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_target(target: str | None, prefix: str = "/") -> str | None:
    """``target`` if it is a plain path on this site starting with ``prefix``, else None.

    Browsers drop tabs and newlines from a Location header, so ``/<TAB>/evil.example`` arrives
    as ``//evil.example`` (another host); a control character or backslash anywhere refuses
    the target, as does anything with a scheme or host. A newline would also make the
    header invalid (a 500), which this avoids.
    """
    if not target or not target.startswith("/") or not target.startswith(prefix):
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F or char.isspace() for char in target):
        return None
    if "\\" in target or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
