"""The door scanner in real headless Chromium, on a phone-sized screen, as door staff use it.

With a fake camera that films a ticket's QR code, the page checks the attendee in (green,
«خوش آمدید», name and NGO) and, as the same ticket stays in front of the camera, the next
verdict is «پیش‌تر وارد شده است». Without a camera the page says so in Persian and the
fallbacks work: typing the ticket code, and finding a person by name, mobile or national ID.
The gate is asked for once and remembered. No page loads anything from another host."""
import os
import re
from datetime import time, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
import qrcode
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp.checkin.models import CheckIn, ScanLog, Verdict
from eventsapp.checkin.services import assign_staff
from eventsapp.events import services as events
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from eventsapp.registrations import services as registrations
from tests.conftest import CHROMIUM_ARGS, PASSWORD

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

OK = "خوش آمدید"
ALREADY = "پیش‌تر وارد شده است"
UNKNOWN = "بلیت شناخته نشد"
UNDONE = "ورود لغو شد."
NO_CAMERA_HINT = "کد بلیت را در کادر زیر بنویسید یا شرکت‌کننده را با نام، موبایل یا کد ملی جست‌وجو کنید."
GATE = "شمالی"
NGO_NAME = "کانون همیاری محلهٔ نارمک"


def fa(value) -> str:
    return str(value).translate(FA)


def fresh(db):
    """The test's session, out of its old transaction, to see what the server committed."""
    db.session.rollback()
    db.session.expire_all()
    return db.session


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture
def door_event(db, make_user, make_ngo):
    """A published meeting today (check-in open all day), two confirmed people of one NGO,
    and a door-staff account assigned to it."""
    organizer = make_user("organizer")
    door = make_user("door", username="door-north", full_name="رضا جعفری")
    data = events.EventInput(kind="meeting", title="نشست امروز سمن‌های تهران", venue_name="سالن همایش",
                             province=find_province(db.session, "تهران"),
                             days=[events.DayInput(today(), time(0, 0), time(23, 59))], capacity=10)
    event, _ = events.create_event(db.session, organizer.body, data)
    event.checkin_before = event.checkin_after = 720
    events.publish(event)
    people = [
        {"full_name": "زهرا احمدی", "national_id": registrations.complete_national_id("001234567"),
         "mobile": "09121234567"},
        {"full_name": "علی رضایی", "national_id": registrations.complete_national_id("007654321"),
         "mobile": "09351112233"},
    ]
    regs = registrations.register(db.session, event, make_ngo(name=NGO_NAME), people,
                                  now=events.starts_at(event) - timedelta(days=1))
    assign_staff(db.session, event, door.username)
    db.session.commit()
    assert all(r.status.value == "confirmed" for r in regs)
    return event, door, regs


def ticket_video(path: Path, text: str, frames: int = 20) -> Path:
    """A YUV4MPEG2 (C420) clip of ``text`` as a QR code on a white 640×480 frame, for
    Chromium's fake camera (which plays it in a loop)."""
    width, height = 640, 480
    code = qrcode.make(text, border=4).convert("L")
    side = 400
    code = code.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))  # no colour
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + luma + chroma + chroma)
    return path


def watch_hosts(context, live_server) -> list:
    foreign = []

    def watch(request):
        if not request.url.startswith((live_server, "data:", "blob:")):
            foreign.append(request.url)

    context.on("request", watch)
    return foreign


@pytest.fixture
def camera_phone(browser, live_server, tmp_path):
    """Opens a phone-sized tab in a separate Chromium whose camera films ``text`` as a QR
    code; fails the test on any request to another host."""
    opened = []

    def open_with(text, init_script=None):
        video = ticket_video(tmp_path / "ticket.y4m", text)
        chromium = browser.browser_type.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                                  f"--use-file-for-fake-video-capture={video}"])
        context = chromium.new_context(base_url=live_server, locale="fa-IR", viewport=PHONE,
                                       permissions=["camera"])
        foreign = watch_hosts(context, live_server)
        if init_script:
            context.add_init_script(init_script)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        opened.append((chromium, context, foreign))
        return tab

    yield open_with
    for chromium, context, foreign in opened:
        context.close()
        chromium.close()
        assert not foreign, f"pages requested other hosts: {foreign}"


# --- what door staff do ------------------------------------------------------------------------

def url(page, path):
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    return origin + path


def log_in(page, user):
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(user.username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url(url(page, "/door/"))


def open_scanner(page, event):
    """From the door home, as door staff do: the event's «شروع پذیرش» button. Returns the
    list of script errors and console errors (CSP refusals among them) the page shows."""
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    card = page.locator(".event-card").filter(has_text=event.title)
    card.get_by_role("link", name="شروع پذیرش").click()
    page.wait_for_url(url(page, f"/events/{event.id}/scan"))
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    return errors


def choose_gate(page, gate=GATE):
    page.get_by_label("نام در ورودی").fill(gate)
    page.get_by_role("button", name="ذخیره").click()
    expect(page.locator("[data-gate-show]")).to_contain_text(gate)
    expect(page.get_by_label("نام در ورودی")).to_be_hidden()


def verdict(page):
    return page.locator("[data-verdict]")


def expect_verdict(page, kind, message, name=None, timeout=10_000):
    overlay = verdict(page)
    expect(overlay).to_have_attribute("data-verdict", kind, timeout=timeout)
    expect(overlay).to_be_visible()
    expect(overlay.locator("[data-verdict-message]")).to_have_text(message)
    if name:
        expect(overlay.locator("[data-verdict-name]")).to_have_text(name)
    return overlay


def dismiss(page):
    verdict(page).click()
    expect(verdict(page)).to_be_hidden()


def type_code(page, text):
    box = page.get_by_label("کد یا نشانی بلیت")
    box.fill(text)
    page.get_by_role("button", name="بررسی", exact=True).click()


def search_for(page, text):
    """Type into the search box and wait for the (debounced) answer."""
    with page.expect_response(lambda r: "/scan/search?" in r.url and unquote(r.url).endswith(text)):
        page.get_by_label("نام، موبایل یا کد ملی").fill(text)


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"scan_{name}.png"))


def checkins(db, reg=None):
    query = select(CheckIn)
    if reg is not None:
        query = query.where(CheckIn.registration_id == reg.id)
    return fresh(db).scalars(query).all()


# --- journeys ----------------------------------------------------------------------------------

def test_camera_checks_the_attendee_in_then_shows_already_checked_in(camera_phone, live_server, db,
                                                                    door_event):
    event, door, (zahra, _) = door_event
    page = camera_phone(f"{live_server}/t/{zahra.ticket_code}")
    log_in(page, door)
    errors = open_scanner(page, event)

    # First use: the gate is asked for, and nothing scans until it is chosen.
    expect(page.get_by_label("نام در ورودی")).to_be_visible()
    expect(page.locator("[data-scan-main]")).to_be_hidden()
    choose_gate(page)

    # The fake camera films Zahra's ticket: green, «خوش آمدید», her name, NGO and the time.
    overlay = expect_verdict(page, "ok", OK, "زهرا احمدی", timeout=20_000)
    shoot(page, "ok")
    expect(overlay).to_have_class(re.compile(r"\bverdict-green\b"))
    expect(overlay.locator("[data-verdict-ngo]")).to_have_text(NGO_NAME)
    expect(overlay.locator("[data-verdict-time]")).to_contain_text("ساعت")
    expect(overlay.get_by_role("button", name="لغو این ورود")).to_be_visible()
    assert page.locator("[data-scanner]").get_attribute("data-decoder") == (
        "barcode-detector" if page.evaluate("'BarcodeDetector' in window") else "jsqr")

    rows = checkins(db, zahra)
    assert len(rows) == 1 and rows[0].gate == GATE and rows[0].staff_id == door.id
    assert rows[0].undone_at is None

    # The verdict closes by itself and scanning resumes; the same ticket is still in front of
    # the camera, so once the repeat window is over the next verdict is «already checked in».
    expect(overlay).to_be_hidden(timeout=5_000)
    expect(page.locator("[data-count]")).to_have_text("۱")
    overlay = expect_verdict(page, "already_checked_in", ALREADY, "زهرا احمدی", timeout=15_000)
    shoot(page, "already")
    expect(overlay).to_have_class(re.compile(r"\bverdict-amber\b"))
    expect(overlay.locator("[data-verdict-detail]")).to_contain_text(GATE)
    expect(overlay.get_by_role("button", name="لغو این ورود")).to_be_hidden()
    expect(page.locator("[data-count]")).to_have_text("۱")
    expect(overlay).to_be_hidden(timeout=5_000)
    shoot(page, "camera")  # scanning again, the ticket still in view, within the repeat window

    assert len(checkins(db, zahra)) == 1
    verdicts = fresh(db).scalars(select(ScanLog.verdict).where(ScanLog.registration_id == zahra.id)
                                 .order_by(ScanLog.id)).all()
    assert verdicts[:2] == [Verdict.ok, Verdict.already_checked_in]

    # The gate is remembered: after a reload nothing is asked, and scanning goes on.
    page.reload()
    expect(page.locator("[data-gate-show]")).to_contain_text(GATE)
    expect(page.get_by_label("نام در ورودی")).to_be_hidden()
    expect_verdict(page, "already_checked_in", ALREADY, "زهرا احمدی", timeout=15_000)
    assert not errors, errors


# A stand-in for the Shape Detection API (which this Linux Chromium lacks, as do Firefox and
# desktop Safari): a BarcodeDetector that reads QR codes with its own copy of jsQR.
FAKE_BARCODE_DETECTOR = """
(function () {
  %s
  var decode = window.jsQR;
  delete window.jsQR;
  window.BarcodeDetector = class {
    constructor(options) { window.__detectorFormats = options.formats; }
    static getSupportedFormats() { return Promise.resolve(["qr_code", "ean_13"]); }
    detect(canvas) {
      window.__detections = (window.__detections || 0) + 1;
      var ctx = canvas.getContext("2d");
      var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var found = decode(image.data, image.width, image.height);
      return Promise.resolve(found ? [{ rawValue: found.data, format: "qr_code" }] : []);
    }
  };
})();
"""
JSQR = Path(__file__).resolve().parents[2] / "eventsapp/static/vendor/jsqr/jsQR.js"


def test_the_browsers_barcode_detector_is_used_where_it_reads_qr(camera_phone, live_server, db,
                                                                door_event):
    event, door, (zahra, _) = door_event
    page = camera_phone(f"{live_server}/t/{zahra.ticket_code}",
                        init_script=FAKE_BARCODE_DETECTOR % JSQR.read_text())
    vendor = []
    page.on("request", lambda r: vendor.append(r.url) if "/vendor/jsqr/" in r.url else None)
    log_in(page, door)
    errors = open_scanner(page, event)
    choose_gate(page)
    expect_verdict(page, "ok", OK, "زهرا احمدی", timeout=20_000)
    assert page.locator("[data-scanner]").get_attribute("data-decoder") == "barcode-detector"
    assert page.evaluate("window.__detectorFormats") == ["qr_code"]
    assert page.evaluate("window.__detections") >= 1
    assert vendor == []  # jsQR is fetched only where the browser cannot read QR codes itself
    assert len(checkins(db, zahra)) == 1
    assert not errors, errors


def test_without_a_camera_the_code_can_be_typed_and_a_check_in_undone(page, db, door_event):
    event, door, (zahra, _) = door_event
    log_in(page, door)
    errors = open_scanner(page, event)
    choose_gate(page, "  جنوب   شرقی ")
    expect(page.locator("[data-gate-name]")).to_have_text("جنوب شرقی")

    # This browser has no camera: the page says so in Persian and points to the fallbacks.
    problem = page.locator("[data-camera-problem]")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text(NO_CAMERA_HINT)
    expect(page.locator("[data-viewfinder]")).to_be_hidden()
    shoot(page, "no_camera")

    # The ticket URL typed (or pasted) in, with the CSRF header from the page.
    type_code(page, url(page, f"/t/{zahra.ticket_code}"))
    overlay = expect_verdict(page, "ok", OK, "زهرا احمدی")
    expect(overlay.locator("[data-verdict-ngo]")).to_have_text(NGO_NAME)
    dismiss(page)
    expect(page.get_by_label("کد یا نشانی بلیت")).to_have_value("")
    expect(page.locator("[data-count]")).to_have_text("۱")
    assert checkins(db, zahra)[0].gate == "جنوب شرقی"

    # The bare code a second time: already checked in; nonsense: not a ticket (red).
    type_code(page, zahra.ticket_code)
    overlay = expect_verdict(page, "already_checked_in", ALREADY, "زهرا احمدی")
    expect(overlay.locator("[data-verdict-detail]")).to_contain_text("جنوب شرقی")
    dismiss(page)
    type_code(page, "not-a-ticket")
    overlay = expect_verdict(page, "unknown", UNKNOWN)
    shoot(page, "unknown")
    expect(overlay).to_have_class(re.compile(r"\bverdict-red\b"))
    expect(overlay.locator("[data-verdict-name]")).to_be_hidden()
    dismiss(page)

    # A mistaken check-in is undone from the list of last scans; the count follows.
    recent = page.locator("[data-recent]")
    expect(recent.locator("li")).to_have_count(3)
    recent.get_by_role("button", name="لغو ورود زهرا احمدی").click()
    expect_verdict(page, "undone", UNDONE, "زهرا احمدی")
    dismiss(page)
    expect(page.locator("[data-count]")).to_have_text("۰")
    assert checkins(db, zahra)[0].undone_at is not None

    type_code(page, zahra.ticket_code)
    expect_verdict(page, "ok", OK, "زهرا احمدی")
    assert len([c for c in checkins(db, zahra) if c.undone_at is None]) == 1
    assert not errors, errors


def test_search_by_name_mobile_or_national_id_and_check_in_from_the_result(page, db, door_event):
    event, door, (zahra, ali) = door_event
    log_in(page, door)
    errors = open_scanner(page, event)
    choose_gate(page)
    results = page.locator("[data-search-results] li")

    # Arabic yeh and kaf typed (as many phone keyboards do) still find «علی رضایی».
    search_for(page, "علي رضا")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("علی رضایی")
    expect(results.first).to_contain_text(NGO_NAME)
    expect(results.first).to_contain_text("موبایل …" + fa(ali.mobile[-4:]))
    expect(results.first).to_contain_text("کد ملی …" + fa(ali.national_id[-4:]))

    # Mobile in Persian digits, then the national ID.
    search_for(page, fa("0935111"))
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("علی رضایی")
    search_for(page, zahra.national_id[:6])
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("زهرا احمدی")
    search_for(page, "کسی-که-نیست")
    expect(results).to_have_count(0)
    expect(page.locator("[data-search-status]")).to_have_text("کسی با این مشخصات پیدا نشد.")

    search_for(page, "علی")
    page.get_by_role("button", name="ورود علی رضایی", exact=True).click()
    expect_verdict(page, "ok", OK, "علی رضایی")
    shoot(page, "search_ok")
    dismiss(page)
    assert len(checkins(db, ali)) == 1 and checkins(db, ali)[0].gate == GATE
    page.get_by_role("button", name="ورود علی رضایی", exact=True).click()
    expect_verdict(page, "already_checked_in", ALREADY, "علی رضایی")
    dismiss(page)
    shoot(page, "search")
    assert len(checkins(db)) == 1
    assert not errors, errors


def test_changing_the_gate(page, door_event):
    event, door, _ = door_event
    log_in(page, door)
    errors = open_scanner(page, event)
    choose_gate(page)
    page.get_by_role("button", name="تغییر").click()
    expect(page.get_by_label("نام در ورودی")).to_have_value(GATE)
    choose_gate(page, "غربی")
    page.reload()
    expect(page.locator("[data-gate-name]")).to_have_text("غربی")
    assert not errors, errors
