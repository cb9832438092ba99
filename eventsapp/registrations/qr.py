"""Ticket URLs and their QR codes: pure functions, no Flask, no database.

A ticket's QR encodes the absolute URL of its page (``/t/<code>``), so a phone camera opens
the ticket and the door scanner finds the code in the URL. Error correction M and the
standard quiet zone of 4 modules keep it readable on paper and on a cracked screen.
"""
import io
import re
from functools import lru_cache
from urllib.parse import quote

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage

QUIET_ZONE = 4
PNG_BOX_SIZE = 10


def public_base(configured: str | None, host_url: str) -> str:
    """The site's base URL: the configured ``PUBLIC_BASE_URL`` when set, else the request's."""
    return (configured or host_url).rstrip("/")


def ticket_path(code: str) -> str:
    return "/t/" + quote(code, safe="")


def ticket_url(code: str, base: str) -> str:
    """The absolute URL of a ticket's page, e.g. ``https://events.example.ir/t/<code>``."""
    return base.rstrip("/") + ticket_path(code)


def _qr(text: str, box_size: int = 10) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=box_size)
    qr.add_data(text)
    qr.make(fit=True)
    return qr


class _TicketSvg(SvgPathImage):
    """One black path on a white square (the quiet zone stays white on any background)."""

    background = "#ffffff"

    def process(self):
        super().process()
        # Many codes share one page on the print sheet: no fixed element ids.
        self.path.attrib.pop("id", None)


@lru_cache(maxsize=1024)
def qr_svg(text: str) -> bytes:
    """A standalone SVG document (1 mm a module) of the QR code of ``text``."""
    img = _qr(text).make_image(image_factory=_TicketSvg, **{"shape-rendering": "crispEdges"})
    out = io.BytesIO()
    img.save(out)
    return out.getvalue()


_XML_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>\s*")


def qr_svg_markup(text: str) -> str:
    """The same SVG without its XML declaration, to embed in an HTML page."""
    return _XML_DECLARATION.sub(b"", qr_svg(text)).decode("utf-8")


@lru_cache(maxsize=256)
def qr_png(text: str, box_size: int = PNG_BOX_SIZE) -> bytes:
    """A black-on-white PNG of the QR code of ``text``, ``box_size`` pixels a module."""
    img = _qr(text, max(1, min(int(box_size), 40))).make_image(image_factory=PilImage)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()
