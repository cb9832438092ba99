"""Tickets in a real browser: the QR code that Chromium draws on a phone's screen and on the
print page reads back (with an independent decoder) as the ticket's address on the server; the
print page has no navigation; a cancelled ticket says so in red."""
import io
import os
import re
from datetime import time, timedelta
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from eventsapp.events import services as events
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from eventsapp.registrations import services
from eventsapp.registrations.models import RegStatus
from eventsapp.registrations.services import complete_national_id
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def tickets(db, make_body, make_ngo):
    """A published two-day workshop with one confirmed and one cancelled registration."""
    body = make_body(name="دفتر امور اجتماعی و فرهنگی استانداری تهران")
    first = today() + timedelta(days=12)
    data = events.EventInput(
        kind="workshop", title="کارگاه توانمندسازی سمن‌های حوزهٔ زنان و خانواده",
        venue_name="تالار اندیشه", venue_address="خیابان انقلاب، نبش خیابان فلسطین",
        province=find_province(db.session, "تهران"),
        days=[events.DayInput(first, time(9), time(12, 30)),
              events.DayInput(first + timedelta(days=1), time(14), time(17))],
        capacity=20)
    event, _ = events.create_event(db.session, body, data)
    event.registration_opens_at = None
    events.publish(event)
    ngo = make_ngo(name="انجمن حمایت از زنان سرپرست خانوار")
    confirmed, cancelled, _ = services.register(db.session, event, ngo, [
        {"full_name": "فاطمه موسوی", "national_id": "0084575948", "mobile": "09121234567",
         "role": "مدیرعامل"},
        {"full_name": "سارا کریمی", "national_id": "0013542419", "mobile": "09127654321"},
        {"full_name": "مهدی رضایی", "national_id": complete_national_id("123456789"),
         "mobile": "09351112233", "role": "عضو هیئت مدیره"}])
    services.cancel(db.session, cancelled)
    db.session.commit()
    assert confirmed.status == RegStatus.confirmed
    return confirmed, cancelled


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def expected_url(live_server, code):
    base = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/") or live_server
    return f"{base}/t/{code}"


def read_qr(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("RGB"))]


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"ticket_{name}_390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"ticket_{name}_1280.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_the_qr_on_a_phone_screen_reads_as_the_ticket_url(page, live_server, tickets):
    reg, _ = tickets
    page.goto(f"/t/{reg.ticket_code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(reg.event.title)
    expect(page.get_by_text("فاطمه موسوی")).to_be_visible()
    expect(page.locator(".ticket-status .badge")).to_have_text("قطعی")
    qr = page.get_by_role("img", name="کد QR بلیت فاطمه موسوی")
    expect(qr).to_be_visible()
    qr.evaluate("img => img.decode()")  # drawn, not just requested
    # On a phone the code fills the width of the screen.
    box = qr.bounding_box()
    assert box["width"] >= 0.8 * PHONE["width"] and abs(box["width"] - box["height"]) < 2
    assert read_qr(qr.screenshot()) == [expected_url(live_server, reg.ticket_code)]
    expect(page.get_by_role("link", name="چاپ بلیت")).to_be_visible()
    shoot(page, "confirmed")
    # On a wide screen it sits beside the details and still reads.
    page.set_viewport_size(DESKTOP)
    assert read_qr(qr.screenshot()) == [expected_url(live_server, reg.ticket_code)]
    page.set_viewport_size(PHONE)


def test_the_print_page_has_no_navigation_and_its_qr_reads(page, live_server, tickets):
    reg, _ = tickets
    page.goto(f"/t/{reg.ticket_code}")
    page.get_by_role("link", name="چاپ بلیت").click()
    page.wait_for_url(f"**/t/{reg.ticket_code}/print")
    expect(page.locator("nav")).to_have_count(0)
    expect(page.locator(".site-header")).to_have_count(0)
    expect(page.get_by_role("button", name="چاپ")).to_be_visible()  # shown by print.js
    qr = page.get_by_role("img", name="کد QR بلیت فاطمه موسوی")
    assert read_qr(qr.screenshot()) == [expected_url(live_server, reg.ticket_code)]
    shoot(page, "print")
    # As the printer sees it: no toolbar, black on white, the code still reads.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="چاپ")).to_be_hidden()
    assert read_qr(qr.screenshot()) == [expected_url(live_server, reg.ticket_code)]
    colour = page.locator(".ticket-name").evaluate("el => getComputedStyle(el).color")
    assert colour == "rgb(0, 0, 0)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ticket_print_media_390.png"), full_page=True)
    page.emulate_media(media="screen")


def test_a_cancelled_ticket_says_so_in_red_without_a_qr(page, tickets):
    _, cancelled = tickets
    page.goto(f"/t/{cancelled.ticket_code}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("این بلیت لغو شده است")
    assert alert.evaluate("el => getComputedStyle(el).color") == "rgb(179, 38, 30)"  # --danger
    expect(page.locator(".ticket-qr")).to_have_count(0)
    expect(page.get_by_role("link", name="چاپ بلیت")).to_have_count(0)
    shoot(page, "cancelled")


def test_the_secretary_prints_a_sheet_four_tickets_a_page(page, live_server, tickets, make_user):
    reg, cancelled = tickets
    secretary = make_user("secretary", ngo=reg.ngo)
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(secretary.username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url("**/secretary/")
    page.goto(f"/events/{reg.event_id}/tickets/print")
    expect(page.locator("nav")).to_have_count(0)
    stubs = page.locator(".ticket-stub")
    expect(stubs).to_have_count(2)  # the cancelled ticket is not printed
    expect(page.get_by_text(cancelled.full_name)).to_have_count(0)
    for i in range(2):
        assert len(read_qr(stubs.nth(i).locator(".ticket-qr-svg").screenshot())) == 1
    shoot(page, "sheet")
    # On paper: up to four tickets a page, so both fit on one A4 sheet.
    page.emulate_media(media="print")
    a4 = page.pdf(format="A4", print_background=True)
    (SHOTS / "ticket_sheet_a4.pdf").write_bytes(a4)
    assert pdf_pages(a4) == 1
    page.goto(f"/t/{reg.ticket_code}/print")
    pdf = page.pdf(format="A5", print_background=True)
    (SHOTS / "ticket_print_a5.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1
