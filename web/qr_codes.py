"""QR codes drawn on the server (segno), so a page needs no script and the CSP stays strict."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(text: str, title: str) -> Markup:
    """A QR code of ``text`` as inline SVG (sized by CSS), titled ``title`` for screen readers.

    Error correction "M" survives a crease or a smudge on a printed slip.
    """
    code = segno.make(text, error="m")
    # segno escapes the title; the SVG holds only paths, no text of ours.
    svg = code.svg_inline(scale=4, border=2, omitsize=True, svgclass="qr-code", title=title)
    return Markup(svg)  # noqa: S704
