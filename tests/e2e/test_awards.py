"""Awards in a real browser, done the way a new organizer does them.

At the end of the demo Government Week meeting in Shemiranat the governor honours the county's
active NGOs: the organizer ticks three NGOs (the two that came and one of the county that did
not) and gives each a plaque in one step, prints them (A4 landscape, one a page), and the QR on
a printed plaque — read back by an independent decoder — opens a verification page that says
genuine; after the organizer revokes it with a reason, the same page says revoked. At the
two-day Semnan workshop, certificates of attendance go to exactly those let in at the door."""
import io
import os
import re
from datetime import time, timezone
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp import demo
from eventsapp.awards.models import Award, AwardKind
from eventsapp.checkin import services as checkin
from eventsapp.events.models import Event
from eventsapp.jalali import local_datetime
from eventsapp.ngos.models import Ngo
from eventsapp.places.services import find_county, find_province
from eventsapp.registrations.models import Registration

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
PASSWORD = "x-pass-123"
MEETING = "نشست فرماندار با سمن‌ها و خیریه‌های شمیرانات"
WORKSHOP = "کارگاه توانمندسازی سمن‌های استان سمنان"
THIRD_NGO = "کانون نیکوکاری دربند"
CITATION = "به پاس همکاری ارزشمند با فرمانداری و حضور مؤثر در فعالیت‌های داوطلبانهٔ شهرستان"
A4_LANDSCAPE = {"width": 1280, "height": 905}  # 297:210


@pytest.fixture
def demo_data(db):
    demo.load(db.session, password=PASSWORD)
    db.session.commit()


def fresh(db):
    """The test's session, out of its old transaction, to see what the server committed."""
    db.session.rollback()
    db.session.expire_all()
    return db.session


def url(page, path):
    return re.match(r"https?://[^/]+", page.url).group(0) + path


def expected_verify_url(live_server, code):
    base = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/") or live_server
    return f"{base}/awards/verify/{code}"


def read_qr(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("RGB"))]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def log_in(page, username):
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url(url(page, "/organizer/"))


def shoot(page, name, sizes=((390, 844), (1280, 900))):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"awards_{name}_{width}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def flash_texts(page) -> list[str]:
    return [re.sub(r"\s+", " ", t).strip() for t in page.locator(".flash").all_inner_texts()]


def test_plaques_for_three_ngos_printed_verified_and_revoked(page, browser, live_server, demo_data, db):
    session = fresh(db)
    meeting = session.scalar(select(Event).where(Event.title == MEETING))
    registered = session.scalars(select(Ngo).join(Registration, Registration.ngo_id == Ngo.id)
                                 .where(Registration.event_id == meeting.id).distinct()
                                 .order_by(Ngo.name)).all()
    registered = [n.name for n in registered][:3]
    other = None
    if len(registered) < 3:  # the demo registers two: the third is one of the county that did not
        tehran = find_province(session, "تهران")
        third = Ngo(registration_no="10901", province=tehran, county=find_county(session, "شمیرانات", tehran))
        third.set_name(THIRD_NGO)
        session.add(third)
        session.commit()
        other = THIRD_NGO
    honoured = registered + ([other] if other else [])
    assert len(honoured) == 3

    # The organizer opens the meeting's awards page.
    log_in(page, "organizer2")
    page.goto(f"/events/{meeting.id}/awards")
    expect(page.get_by_role("heading", level=1)).to_have_text("لوح‌ها و گواهی‌ها")
    bulk = page.locator("#bulk")
    expect(bulk.get_by_role("heading", name="اعطای لوح به چند سمن")).to_be_visible()
    shoot(page, "page")

    # Three NGOs ticked: those that came, and (if need be) one more of the county from the
    # list of the others.
    for name in registered:
        bulk.get_by_role("checkbox", name=re.compile(re.escape(name))).check()
    if other:
        bulk.get_by_text("سمن‌های دیگر شهرستان شمیرانات").click()
        bulk.get_by_role("checkbox", name=other).check()
    expect(bulk.get_by_label("نوع", exact=True).locator("option:checked")).to_have_text("لوح تقدیر")
    expect(bulk.get_by_label("اهداکننده", exact=True).locator("option:checked")).to_have_text(
        "محمود توکلی، فرماندار شمیرانات")
    bulk.get_by_label("متن", exact=True).fill(CITATION)
    bulk.get_by_role("button", name="اعطای لوح به سمن‌های انتخاب‌شده").click()
    page.wait_for_url(re.compile(r"/awards\?batch="))
    flashes = flash_texts(page)
    assert "«لوح تقدیر» به ۳ سمن داده شد." in flashes
    if other:
        assert any(f.startswith("هشدار") and other in f for f in flashes)
    plaques = fresh(db).scalars(select(Award).where(Award.event_id == meeting.id).order_by(Award.id)).all()
    assert sorted(a.ngo.name for a in plaques) == sorted(honoured)
    assert {(a.kind, a.citation, a.presented_by_name) for a in plaques} == {
        (AwardKind.plaque, CITATION, "محمود توکلی")}
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "awards_given_1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})

    # The organizer prints the three: one A4 landscape page each.
    page.locator("#batch").get_by_role("link", name="چاپ همین‌ها").click()
    page.wait_for_url(re.compile(r"/awards/print\?ids="))
    sheets = page.locator(".certificate")
    expect(sheets).to_have_count(3)
    expect(page.get_by_role("button", name="چاپ")).to_be_visible()  # shown by awards.js
    page.evaluate("document.fonts.ready.then(() => true)")
    shoot(page, "print")
    page.evaluate("document.fonts.ready.then(() => true)")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf_pages(pdf) == 3
    assert re.search(rb"/MediaBox\s*\[\s*0 0 84[12]\.\d+ 59[45]\.\d+\s*\]", pdf), "A4 landscape pages"

    page.set_viewport_size(A4_LANDSCAPE)
    first = sheets.first
    expect(first).to_contain_text("لوح تقدیر")
    expect(first).to_contain_text(CITATION)
    expect(first).to_contain_text("محمود توکلی")
    expect(first).to_contain_text("۵ شهریور ۱۴۰۴")
    page.evaluate("document.fonts.ready.then(() => true)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    first.screenshot(path=str(SHOTS / "awards_certificate_1280x905.png"))
    box = first.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (1280, 905)

    # The QR on the printed plaque, read by an independent decoder, is its verification page.
    decoded = read_qr(first.locator(".cert-qr").screenshot())
    recipient = first.locator(".cert-recipient").inner_text().strip()
    award = next(a for a in plaques if a.ngo.name == recipient)
    assert decoded == [expected_verify_url(live_server, award.verification_code)]

    # Anyone who scans it sees that it is genuine.
    visitor = browser.new_context(base_url=live_server, locale="fa-IR", viewport={"width": 390, "height": 844})
    try:
        scanner = visitor.new_page()
        scanner.goto(decoded[0])
        expect(scanner.get_by_text("معتبر", exact=True)).to_be_visible()
        expect(scanner.locator(".facts")).to_contain_text(recipient)
        expect(scanner.locator(".facts")).to_contain_text(MEETING)
        scanner.screenshot(path=str(SHOTS / "awards_verify_genuine_390.png"), full_page=True)

        # The organizer revokes it, with a reason, from the awards page.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"/events/{meeting.id}/awards")
        row = page.locator(f"#award-{award.id}")
        row.get_by_text("ابطال", exact=True).first.click()
        row.get_by_label("علت ابطال").fill("نام سمن روی لوح نادرست چاپ شده بود")
        row.get_by_role("button", name="ابطال").click()
        page.wait_for_load_state()
        assert any("باطل شد" in f for f in flash_texts(page))
        kept = fresh(db).get(Award, award.id)
        assert kept.is_revoked and kept.revoke_reason == "نام سمن روی لوح نادرست چاپ شده بود"
        assert kept.revoked_by.username == "organizer2"

        # The same QR now says revoked, with the date, and not valid.
        scanner.goto(decoded[0])
        expect(scanner.get_by_text("باطل شده", exact=True)).to_be_visible()
        expect(scanner.get_by_role("alert")).to_contain_text("دیگر معتبر نیست")
        expect(scanner.get_by_text("معتبر", exact=True)).to_have_count(0)
        scanner.screenshot(path=str(SHOTS / "awards_verify_revoked_390.png"), full_page=True)

        # A made-up code is not found.
        response = scanner.goto("/awards/verify/ABCDEFGHJKLMNPQRSTUV")
        assert response.status == 404
        expect(scanner.get_by_text("یافت نشد", exact=True)).to_be_visible()
    finally:
        visitor.close()


def at(d, hh, mm=0):
    return local_datetime(d, time(hh, mm)).astimezone(timezone.utc)


def test_certificates_of_attendance_go_to_exactly_those_let_in(page, demo_data, db):
    session = fresh(db)
    workshop = session.scalar(select(Event).where(Event.title == WORKSHOP))
    regs = session.scalars(select(Registration).where(Registration.event_id == workshop.id)
                           .order_by(Registration.id)).all()
    assert len(regs) >= 5 and len(workshop.days) == 2
    day1, day2 = (d.date for d in workshop.days)
    both, first_only, second_only, undone = regs[:4]
    for reg, when in ((both, at(day1, 9)), (both, at(day2, 9)), (first_only, at(day1, 9, 20)),
                      (second_only, at(day2, 10)), (undone, at(day1, 9, 30))):
        assert checkin.check_in(session, workshop, reg.ticket_code, now=when).verdict.value == "ok"
    mistaken = session.scalar(select(checkin.CheckIn).where(checkin.CheckIn.registration_id == undone.id))
    mistaken.undone_at = at(day1, 9, 31)
    session.commit()

    log_in(page, "organizer")
    page.goto(f"/events/{workshop.id}/awards")
    form = page.locator("#certificates")
    expect(form).to_contain_text("۳ نفر در این رویداد پذیرش شده‌اند (۱ نفر در هر ۲ روز)")
    expect(form.get_by_label("کمینهٔ روزهای حضور")).to_have_value("2")
    form.get_by_role("button", name="صدور گواهی حضور").click()
    page.wait_for_load_state()
    assert "۱ گواهی حضور صادر شد؛ ۲ نفر کمتر از ۲ روز حاضر بودند." in flash_texts(page)

    form = page.locator("#certificates")
    form.get_by_label("کمینهٔ روزهای حضور").fill("۱")
    form.get_by_role("button", name="صدور گواهی حضور").click()
    page.wait_for_load_state()
    assert "۲ گواهی حضور صادر شد؛ ۱ نفر پیش‌تر گواهی داشتند." in flash_texts(page)
    certified = {a.registration_id for a in fresh(db).scalars(
        select(Award).where(Award.event_id == workshop.id, Award.kind == AwardKind.certificate))}
    assert certified == {both.id, first_only.id, second_only.id}

    page.get_by_role("link", name=re.compile("^چاپ همه")).click()
    expect(page.locator(".certificate")).to_have_count(3)
    expect(page.locator(".certificate").first).to_contain_text("گواهی حضور")
    page.set_viewport_size(A4_LANDSCAPE)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.locator(".certificate").first.screenshot(path=str(SHOTS / "awards_attendance_1280x905.png"))
