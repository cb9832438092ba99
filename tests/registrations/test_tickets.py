"""Tickets: the public ticket page, its QR codes (decoded by an independent reader), the print
page and the print sheet with its permissions."""
import io
import re
import xml.etree.ElementTree as ET
from datetime import time, timedelta

import jdatetime
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from eventsapp.events import services as events
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from eventsapp.registrations import qr, services
from eventsapp.registrations.models import RegStatus
from eventsapp.registrations.services import complete_national_id, national_id_ok
from tests.conftest import login

# Written out here, not taken from eventsapp.jalali, so pages are checked against an
# independent statement of how a Jalali date reads.
MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
          "بهمن", "اسفند")
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه", "شنبه", "یکشنبه")  # Monday first
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
SVG_NS = "{http://www.w3.org/2000/svg}"
NID = "0084575948"
MOBILE = "09121234567"


def fa(value) -> str:
    return str(value).translate(FA)


def jalali_long(d) -> str:
    j = jdatetime.date.fromgregorian(date=d)
    return f"{WEEKDAYS[d.weekday()]} {fa(j.day)} {MONTHS[j.month - 1]} {fa(j.year)}"


def nid(n: int) -> str:
    return complete_national_id(f"{n + 100:09d}")


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture
def make_open_event(db, make_body):
    bodies = []

    def make(capacity=10, approval=False, body=None, title="کارگاه توانمندسازی سمن‌های شمیرانات"):
        if body is None:
            bodies or bodies.append(make_body(name="فرمانداری شمیرانات"))
            body = bodies[0]
        first = today() + timedelta(days=10)
        data = events.EventInput(
            kind="workshop", title=title, venue_name="سالن همایش فرمانداری",
            venue_address="تجریش، میدان قدس", province=find_province(db.session, "تهران"),
            days=[events.DayInput(first, time(9), time(12, 30)),
                  events.DayInput(first + timedelta(days=1), time(14), time(17))],
            capacity=capacity, requires_approval=approval)
        event, _ = events.create_event(db.session, body, data)
        event.registration_opens_at = None
        events.publish(event)
        db.session.commit()
        return event
    return make


@pytest.fixture
def register(db):
    def do(event, ngo, *people):
        people = people or [("زهرا احمدی", NID, MOBILE, "دبیر سمن")]
        regs = services.register(db.session, event, ngo, [
            {"full_name": n, "national_id": i, "mobile": m, "role": r} for n, i, m, r in people])
        db.session.commit()
        return regs
    return do


@pytest.fixture
def ticket(make_open_event, make_ngo, register):
    """A confirmed registration for a published two-day workshop."""
    event = make_open_event()
    ngo = make_ngo(name="انجمن حامیان محیط زیست البرز")
    (reg,) = register(event, ngo)
    assert reg.status == RegStatus.confirmed
    return reg


# --- reading QR codes ------------------------------------------------------------------------

def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("RGB"))]


def render_svg(svg: bytes, scale: int = 8) -> Image.Image:
    """Draw an SVG of filled rectangles and axis-aligned paths (all a QR code needs) to pixels:
    cairosvg when it is installed, else this small renderer of M/H/V/L/Z path commands."""
    try:
        import cairosvg
    except ImportError:
        cairosvg = None
    if cairosvg is not None:
        return Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg, scale=scale)))
    root = ET.fromstring(svg)
    _, _, w, h = (float(v) for v in root.get("viewBox").split())
    image = Image.new("L", (round(w * scale), round(h * scale)), 255)
    draw = ImageDraw.Draw(image)
    for el in root.iter():
        tag = el.tag.replace(SVG_NS, "")
        fill = 255 if (el.get("fill") or "#000").lower() in ("#fff", "#ffffff", "white") else 0
        if tag == "rect":
            width = w if el.get("width", "").endswith("%") else float(el.get("width"))
            height = h if el.get("height", "").endswith("%") else float(el.get("height"))
            x, y = float(el.get("x", 0)), float(el.get("y", 0))
            draw.rectangle([x * scale, y * scale, (x + width) * scale - 1, (y + height) * scale - 1],
                           fill=fill)
        elif tag == "path":
            x = y = 0.0
            polygon = []
            for cmd, args in re.findall(r"([MHVLZmhvlz])([^MHVLZmhvlz]*)", el.get("d")):
                nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
                if cmd == "M":
                    x, y = nums[0], nums[1]
                    polygon = [(x, y)]
                elif cmd == "L":
                    x, y = nums[0], nums[1]
                    polygon.append((x, y))
                elif cmd == "H":
                    x = nums[0]
                    polygon.append((x, y))
                elif cmd == "V":
                    y = nums[0]
                    polygon.append((x, y))
                elif cmd in "Zz":
                    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
                    draw.rectangle([min(xs) * scale, min(ys) * scale,
                                    max(xs) * scale - 1, max(ys) * scale - 1], fill=fill)
                    polygon = []
                else:  # pragma: no cover - qrcode writes absolute commands only
                    raise AssertionError(f"unexpected path command {cmd}")
    return image


def assert_qr_endpoints_decode_to(client, code, url):
    png = client.get(f"/t/{code}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert "private" in png.headers["Cache-Control"]
    assert decode(Image.open(io.BytesIO(png.data))) == [url]
    svg = client.get(f"/t/{code}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "private" in svg.headers["Cache-Control"]
    root = ET.fromstring(svg.data)
    assert root.tag == f"{SVG_NS}svg" and root.get("viewBox")
    assert decode(render_svg(svg.data)) == [url]


# --- the ticket page -------------------------------------------------------------------------

def test_confirmed_ticket_page_shows_the_ticket(client, ticket):
    response = client.get(f"/t/{ticket.ticket_code}")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    event = ticket.event
    for text in ("کارگاه توانمندسازی سمن‌های شمیرانات", "کارگاه توانمندسازی", "زهرا احمدی",
                 "دبیر سمن", "انجمن حامیان محیط زیست البرز", "فرمانداری شمیرانات",
                 "سالن همایش فرمانداری", "تجریش، میدان قدس", "استان تهران", "قطعی", "چاپ بلیت",
                 ticket.ticket_code):
        assert text in html, text
    first, second = event.days
    assert f"{jalali_long(first.date)}</time>، ساعت ۰۹:۰۰ تا ۱۲:۳۰" in html
    assert f"{jalali_long(second.date)}</time>، ساعت ۱۴:۰۰ تا ۱۷:۰۰" in html
    # The national ID and the mobile are masked, in any digits.
    assert "۰۰۸۴***۴۸" in html and "۰۹۱۲***۶۷" in html
    for secret in (NID, fa(NID), NID[2:], fa(NID[2:]), MOBILE, fa(MOBILE), MOBILE[1:], fa(MOBILE[1:])):
        assert secret not in html
    assert f'src="/t/{ticket.ticket_code}/qr.svg"' in html
    assert f'href="/t/{ticket.ticket_code}/print"' in html
    assert 'dir="ltr" class="ticket-code"' in html
    # "Add to calendar" gives this ticket's own calendar file, which carries the ticket's link.
    assert f'href="http://localhost/t/{ticket.ticket_code}.ics" download' in html
    assert f'href="webcal://localhost/t/{ticket.ticket_code}.ics"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline scripts"


def test_unknown_and_malformed_codes_are_404(client, ticket):
    unknown = "A" * 22
    for code in (unknown, "short", "bad$code%with*chars!!", "x" * 60, ticket.ticket_code[:-1] + "!"):
        for suffix in ("", "/qr.svg", "/qr.png", "/print"):
            assert client.get(f"/t/{code}{suffix}").status_code == 404, (code, suffix)
    assert client.get(f"/t/{ticket.ticket_code}/qr.gif").status_code == 404


def test_qr_codes_decode_to_the_ticket_url(client, ticket):
    url = f"http://localhost/t/{ticket.ticket_code}"
    assert qr.ticket_url(ticket.ticket_code, "http://localhost/") == url
    assert_qr_endpoints_decode_to(client, ticket.ticket_code, url)


def test_qr_codes_use_the_public_base_url_when_configured(app, client, ticket, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://events.example.ir")
    url = f"https://events.example.ir/t/{ticket.ticket_code}"
    assert_qr_endpoints_decode_to(client, ticket.ticket_code, url)
    # The print page's inline SVG says the same.
    html = client.get(f"/t/{ticket.ticket_code}/print").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert decode(render_svg(svg.encode())) == [url]


def test_cancelled_ticket_says_so_and_has_no_qr(client, db, ticket):
    services.cancel(db.session, ticket)
    db.session.commit()
    html = client.get(f"/t/{ticket.ticket_code}").get_data(as_text=True)
    assert "لغو" in html and "این بلیت لغو شده است" in html and "ticket-note-danger" in html
    assert 'role="alert"' in html
    assert "qr.svg" not in html and "<svg" not in html and "چاپ بلیت" not in html
    assert ".ics" not in html and "افزودن به تقویم" not in html
    for suffix in ("/qr.svg", "/qr.png"):
        assert client.get(f"/t/{ticket.ticket_code}{suffix}").status_code == 404
    printed = client.get(f"/t/{ticket.ticket_code}/print").get_data(as_text=True)
    assert "این بلیت لغو شده است" in printed and "<svg" not in printed


def test_rejected_ticket_says_so(client, db, make_open_event, make_ngo, register):
    event = make_open_event(approval=True)
    (reg,) = register(event, make_ngo())
    services.reject(db.session, reg, note="سهم سمن پر شده است")
    db.session.commit()
    html = client.get(f"/t/{reg.ticket_code}").get_data(as_text=True)
    assert "این ثبت‌نام رد شده است" in html and "سهم سمن پر شده است" in html
    assert "qr.svg" not in html
    assert client.get(f"/t/{reg.ticket_code}/qr.png").status_code == 404


def test_waitlisted_and_pending_show_status_without_qr(client, make_open_event, make_ngo, register):
    full = make_open_event(capacity=1)
    ngo = make_ngo()
    first, second = register(full, ngo, ("علی رضایی", nid(1), "09120000001", ""),
                             ("مریم کاظمی", nid(2), "09120000002", ""))
    assert (first.status, second.status) == (RegStatus.confirmed, RegStatus.waitlisted)
    approval = make_open_event(approval=True, title="نشست هم‌اندیشی")
    (pending,) = register(approval, ngo, ("سارا محمدی", nid(3), "09120000003", ""))
    assert pending.status == RegStatus.pending
    for reg, label, note in ((second, "فهرست انتظار", "در فهرست انتظار این رویداد هستید"),
                             (pending, "در انتظار تأیید", "در انتظار تأیید برگزارکننده است")):
        response = client.get(f"/t/{reg.ticket_code}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and label in html and note in html
        assert "qr.svg" not in html and "<svg" not in html
        assert "این بلیت لغو شده است" not in html and "ticket-note-danger" not in html
        assert f"/t/{reg.ticket_code}.ics" in html  # the calendar still holds the place
        for suffix in ("/qr.svg", "/qr.png"):
            assert client.get(f"/t/{reg.ticket_code}{suffix}").status_code == 404


def test_a_cancelled_event_hides_the_qr(client, db, ticket):
    events.cancel(ticket.event, "تعطیلی رسمی")
    db.session.commit()
    html = client.get(f"/t/{ticket.ticket_code}").get_data(as_text=True)
    assert "این رویداد لغو شده است" in html and "qr.svg" not in html
    assert client.get(f"/t/{ticket.ticket_code}/qr.svg").status_code == 404


def test_ticket_codes_are_random_long_and_distinct(db, make_open_event, make_ngo, register):
    event = make_open_event(capacity=20)
    regs = register(event, make_ngo(), *[(f"عضو {i}", nid(10 + i), f"0912000{i:04d}", "")
                                         for i in range(12)])
    codes = [r.ticket_code for r in regs]
    assert len(set(codes)) == len(codes)
    for reg in regs:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", reg.ticket_code)
    assert services.by_ticket_code(db.session, codes[0]).id == regs[0].id


def test_national_ids_used_here_are_valid():
    assert national_id_ok(NID) and national_id_ok("0013542419") and not national_id_ok("1111111111")


def test_print_page_is_one_ticket_without_navigation(client, ticket):
    response = client.get(f"/t/{ticket.ticket_code}/print")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<nav" not in html and "site-header" not in html
    assert html.count("<svg") == 1 and 'class="print-page"' in html
    assert "/static/js/print.js" in html and "data-print" in html
    assert "css/ticket.css" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "۰۰۸۴***۴۸" in html and NID not in html


def static_text(client, path) -> str:
    with client.get(path) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_print_js_and_css_are_served(client):
    js = static_text(client, "/static/js/print.js")
    assert "window.print()" in js
    css = static_text(client, "/static/css/ticket.css")
    assert "break-after: page" in css and "@media print" in css


# --- the print sheet -------------------------------------------------------------------------

@pytest.fixture
def sheet(make_open_event, make_ngo, make_user, make_body, register, db):
    """One event; NGO A has two confirmed and one cancelled ticket, NGO B one confirmed."""
    body = make_body(name="دفتر امور اجتماعی استانداری تهران")
    event = make_open_event(body=body)
    a, b = make_ngo(name="سمن الف"), make_ngo(name="سمن ب")
    regs_a = register(event, a, ("نرگس اول", nid(30), "09120000030", ""),
                      ("نادر دوم", nid(31), "09120000031", ""),
                      ("لغوشده سوم", nid(32), "09120000032", ""))
    services.cancel(db.session, regs_a[2])
    db.session.commit()
    register(event, b, ("بهرام چهارم", nid(33), "09120000033", ""))
    return {"event": event, "a": a, "b": b, "body": body,
            "secretary_a": make_user("secretary", ngo=a), "organizer": make_user("organizer", body=body)}


def names_in(html):
    return {n for n in ("نرگس اول", "نادر دوم", "لغوشده سوم", "بهرام چهارم") if n in html}


def test_secretary_prints_only_their_own_ngos_tickets(client, sheet):
    login(client, sheet["secretary_a"])
    url = f"/events/{sheet['event'].id}/tickets/print"
    for query in ("", f"?ngo={sheet['b'].id}"):
        response = client.get(url + query)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert names_in(html) == {"نرگس اول", "نادر دوم"}
        assert html.count('<article class="ticket ticket-stub">') == 2 and html.count("<svg") == 2
        assert html.count('<section class="print-page sheet-page">') == 1  # four to a page
        assert "<nav" not in html


def test_secretary_of_another_ngo_gets_none(client, sheet, make_user):
    login(client, make_user("secretary"))
    response = client.get(f"/events/{sheet['event'].id}/tickets/print?ngo={sheet['a'].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert names_in(html) == set() and "<svg" not in html and "هنوز بلیت قطعی" in html


def test_organizer_prints_one_ngo_or_the_whole_event(client, sheet):
    login(client, sheet["organizer"])
    url = f"/events/{sheet['event'].id}/tickets/print"
    html = client.get(url).get_data(as_text=True)
    assert names_in(html) == {"نرگس اول", "نادر دوم", "بهرام چهارم"}
    html = client.get(f"{url}?ngo={sheet['b'].id}").get_data(as_text=True)
    assert names_in(html) == {"بهرام چهارم"} and html.count("<svg") == 1
    # Every inline QR reads back as its own ticket's URL.
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    (decoded,) = decode(render_svg(svg.encode()))
    assert re.fullmatch(r"http://localhost/t/[A-Za-z0-9_-]{22,}", decoded)
    assert decoded.rsplit("/", 1)[1] in html
    assert client.get(f"{url}?ngo=999999").status_code == 404
    assert client.get(f"{url}?ngo=abc").status_code == 404


def test_others_may_not_print_the_sheet(client, sheet, make_user, make_body):
    url = f"/events/{sheet['event'].id}/tickets/print"
    assert client.get(url).status_code == 302  # to the login page
    login(client, make_user("organizer", body=make_body(name="فرمانداری کرج", province="البرز",
                                                       county="کرج")))
    assert client.get(url).status_code in (403, 404)
    client.post("/logout")
    login(client, make_user("door"))
    assert client.get(url).status_code == 403
    client.post("/logout")
    login(client, make_user("admin"))
    assert names_in(client.get(url).get_data(as_text=True)) == {"نرگس اول", "نادر دوم", "بهرام چهارم"}
    assert client.get("/events/999999/tickets/print").status_code == 404


def test_sheet_css_puts_four_tickets_on_each_page(client):
    css = static_text(client, "/static/css/ticket.css")
    printed = css[css.index("@media print"):]
    rule = re.search(r"\.print-page \{[^}]*\}", printed).group(0)
    assert "break-after: page" in rule
    grid = re.search(r"\.sheet-page \{[^}]*\}", printed).group(0)
    assert "grid-template-columns: 1fr 1fr" in grid and "grid-template-rows: 1fr 1fr" in grid

