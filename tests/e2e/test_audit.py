"""The audit log in a real browser: an organizer changes an event's capacity on a phone and
finds the change, before and after, in the event's history and in the body's log (without
another body's events); an admin filters the whole log by type and a Jalali day typed in Persian
digits, on a phone and on a desktop, right to left and without sideways scrolling."""
import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventsapp.events import services as events
from eventsapp.jalali import format_date, today
from eventsapp.places.services import find_county, find_province
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _event(db, body, actor, title, province="تهران", county="شمیرانات"):
    p = find_province(db.session, province)
    data = events.EventInput(kind="workshop", title=title, venue_name="سالن همایش", province=p,
                             county=find_county(db.session, county, p), capacity=30,
                             days=[events.DayInput(today() + timedelta(days=12), time(9), time(12))])
    event, _ = events.create_event(db.session, body, data, actor=actor)
    events.publish(event, actor=actor)
    db.session.commit()
    return event


@pytest.fixture
def two_bodies(db, make_user, make_body):
    own = make_user("organizer", full_name="مریم احمدی", body=make_body(name="فرمانداری شمیرانات"))
    other = make_user("organizer", full_name="حسن کرجی",
                      body=make_body(name="شهرداری کرج", province="البرز", county="کرج"))
    mine = _event(db, own.body, own, "کارگاه مستندسازی شمیرانات")
    theirs = _event(db, other.body, other, "نشست سمن‌های کرج", province="البرز", county="کرج")
    return own, other, mine, theirs


def log_in(page, user, home):
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(user.username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url(re.compile(re.escape(home) + "$"))


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_organizer_finds_their_change_in_the_events_history_and_the_bodys_log(page, db, two_bodies):
    own, other, mine, theirs = two_bodies
    log_in(page, own, "/organizer/")
    page.goto(f"/events/{mine.id}/edit")
    capacity = page.get_by_label("ظرفیت کل (نفر)", exact=True)
    capacity.fill("")
    capacity.press_sequentially("۴۵")
    page.get_by_role("button", name="ذخیرهٔ تغییرات").click()
    page.wait_for_url(re.compile(rf"/events/{mine.id}$"))

    history = page.locator("#history")
    expect(history.get_by_role("heading", name="تاریخچهٔ تغییرات")).to_be_visible()
    first = history.locator("tbody tr").first
    expect(first).to_contain_text("ویرایش رویداد")
    expect(first).to_contain_text("مریم احمدی")
    expect(first.locator("del")).to_have_text("۳۰")
    expect(first.locator("ins")).to_have_text("۴۵")

    page.goto("/organizer/")
    page.get_by_role("link", name="گزارش تغییرات نهاد").click()
    page.wait_for_url(re.compile(r"/organizer/audit$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    table = page.locator("table.audit")
    expect(table).to_contain_text("کارگاه مستندسازی شمیرانات")
    expect(table).not_to_contain_text("نشست سمن‌های کرج")
    expect(table).not_to_contain_text("حسن کرجی")
    no_sideways_scroll(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "audit-organizer-phone.png"), full_page=True)


@pytest.mark.parametrize("viewport, name", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_an_admin_filters_the_log_by_type_and_a_jalali_day_in_persian_digits(
        browser, live_server, db, two_bodies, make_user, viewport, name):
    own, other, mine, theirs = two_bodies
    admin = make_user("admin", full_name="مدیر سامانه")
    context = browser.new_context(base_url=live_server, locale="fa-IR", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, admin, "/admin/")
        page.goto("/admin/audit")
        page.get_by_label("نوع موضوع").select_option(label="رویداد")
        page.get_by_label("از تاریخ").fill(format_date(today(), "short"))  # ۱۴۰۵/۰۹/۱۳
        page.get_by_label("تا تاریخ").fill(format_date(today(), "short"))
        page.get_by_label("تا تاریخ").press("Enter")  # as on a phone keyboard (the picker is open)
        page.wait_for_url(re.compile(r"/admin/audit\?.*type=event"))
        rows = page.locator("table.audit tbody tr")
        expect(rows).to_have_count(4)  # two events, each created and published
        expect(page.locator("table.audit")).to_contain_text("نشست سمن‌های کرج")
        expect(page.locator("table.audit")).to_contain_text("کارگاه مستندسازی شمیرانات")
        expect(rows.first).to_contain_text("انتشار رویداد")
        expect(rows.first.locator("ins")).to_have_text("منتشرشده")
        when = rows.first.locator("time")
        assert re.search(r"[۰-۹]{4}، ساعت [۰-۹]{2}:[۰-۹]{2}$", when.inner_text())
        no_sideways_scroll(page)
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"audit-admin-{name}.png"), full_page=True)

        page.goto("/admin/audit?from=۱۴۰۵/۱۳/۰۱")
        expect(page.get_by_role("alert")).to_contain_text("از تاریخ")
    finally:
        context.close()
