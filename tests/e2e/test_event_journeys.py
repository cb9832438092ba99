"""Event journeys in a real browser, on a phone-sized screen, done the way a new user does them:
an organizer makes a two-day workshop with the Jalali picker and by typing, publishes it and
finds it on the month calendar; bad input is refused in Persian and saves nothing; a visitor
browses the demo events; an organizer cancels a published event."""
import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from eventsapp import demo
from eventsapp.accounts.models import BodyKind
from eventsapp.events import services
from eventsapp.events.models import Event, EventKind, EventStatus
from eventsapp.jalali import from_jalali, to_jalali, today
from eventsapp.places.services import find_county, find_province
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Written out here rather than taken from eventsapp.jalali, so the pages are checked against
# an independent statement of how a Jalali date reads.
MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
          "بهمن", "اسفند")
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنج‌شنبه", "جمعه", "شنبه", "یکشنبه")  # Monday first
FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

SEMNAN_OFFICE = "دفتر امور اجتماعی و فرهنگی استانداری سمنان"
SEMNAN_WORKSHOP = "کارگاه توانمندسازی سمن‌های استان سمنان"


def fa(value) -> str:
    return str(value).translate(FA)


def long_date(jy: int, jm: int, jd: int) -> str:
    """«چهارشنبه ۲۳ مرداد ۱۳۹۸» for 1398/05/23."""
    weekday = WEEKDAYS[from_jalali(jy, jm, jd).weekday()]
    return f"{weekday} {fa(jd)} {MONTHS[jm - 1]} {fa(jy)}"


def next_jalali_month() -> tuple[int, int]:
    j = to_jalali(today())
    return (j.year + 1, 1) if j.month == 12 else (j.year, j.month + 1)


# --- fixtures --------------------------------------------------------------------------------

@pytest.fixture
def semnan_organizer(make_user, make_body):
    body = make_body(name=SEMNAN_OFFICE, kind=BodyKind.social_affairs_office, province="سمنان",
                     county=None)
    return make_user("organizer", full_name="مریم احمدی", body=body)


@pytest.fixture
def demo_data(db):
    demo.load(db.session, password="x-pass-123")
    db.session.commit()


def fresh(db):
    """The test's session, out of its old transaction, to see what the server committed."""
    db.session.rollback()
    db.session.expire_all()
    return db.session


def event_count(db) -> int:
    return fresh(db).query(Event).count()


# --- what a user does ------------------------------------------------------------------------

def url(page, path):
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    return origin + path


def log_in(page, user, home="/organizer/"):
    page.goto("/")
    page.get_by_role("link", name="ورود برگزارکنندگان و دبیران سمن").click()
    page.wait_for_url("**/login")
    page.get_by_label("نام کاربری", exact=True).fill(user.username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url(url(page, home))


def open_new_event_form(page):
    page.get_by_role("link", name="رویداد تازه").click()
    page.wait_for_url(url(page, "/events/new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("رویداد تازه")


def day_rows(page):
    return page.locator('[data-rows="days"] [data-row]')


def fill_day(page, row, date_text=None, start=None, end=None):
    """Type a day's date and hours. Focusing the date opens the picker, which (on a phone)
    sits over the page as a bottom sheet; typing still works, and a tap outside closes it."""
    if date_text is not None:
        row.get_by_label("تاریخ", exact=True).fill(date_text)
        close_picker(page)
    if start is not None:
        row.get_by_label("ساعت آغاز", exact=True).fill(start)
    if end is not None:
        row.get_by_label("ساعت پایان", exact=True).fill(end)


def picker_opened(page):
    """The open picker, once its 300 ms opening animation is over: until then it ignores taps
    outside it, and a day chosen during it is shown again by the picker's own timer."""
    picker = page.locator("jdp-container")
    expect(picker).to_be_visible()
    picker.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")
    return picker


def close_picker(page):
    """Tap outside the open picker: on the dimmed overlay at the top of a phone screen."""
    picker = picker_opened(page)
    page.locator("jdp-overlay").click(position={"x": 20, "y": 20})
    expect(picker).to_be_hidden()


def pick_date(page, field, jy, jm, jd):
    """Open the Jalali picker from ``field`` and choose jy/jm/jd with its own controls."""
    field.click()
    picker = picker_opened(page)
    picker.locator(".jdp-year select").select_option(str(jy))
    picker.locator(".jdp-month select").select_option(str(jm))
    expect(picker.locator(".jdp-month select")).to_have_value(str(jm))
    picker.locator(".jdp-day:not(.not-in-month)").filter(
        has_text=re.compile(rf"^\s*{jd}\s*$")).click()
    expect(picker).to_be_hidden()  # hideAfterChange


def fill_basic_event(page, title, *, capacity="50", quota="2"):
    """Everything but the days, by visible labels. (Counts in Latin digits: see
    test_counts_can_be_typed_in_persian_digits.)"""
    page.get_by_label("نوع رویداد", exact=True).select_option(label="کارگاه توانمندسازی")
    page.get_by_label("عنوان", exact=True).fill(title)
    page.get_by_label("محل برگزاری", exact=True).fill("مجتمع گردشگری دامنهٔ مهدیشهر")
    page.get_by_label("استان", exact=True).select_option(label="سمنان")
    page.get_by_label("شهرستان", exact=True).select_option(label="مهدیشهر")
    page.get_by_label("ظرفیت کل (نفر)", exact=True).fill(capacity)
    page.get_by_label("سهم هر سمن (نفر)", exact=True).fill(quota)


def save_form(page):
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="ذخیره به صورت پیش‌نویس").click()
    page.wait_for_load_state()
    return posted.value


def shoot(page, name):
    """Full-page screenshots at phone and desktop width (for people to look at)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"e2e_{name}_390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"e2e_{name}_1280.png"), full_page=True)
    page.set_viewport_size(PHONE)


def calendar_dates_of(page, title) -> list[str]:
    cells = page.locator('[role="cell"][data-date]').filter(
        has=page.get_by_role("link", name=title))
    return sorted(cells.evaluate_all("cells => cells.map(c => c.dataset.date)"))


# --- journeys --------------------------------------------------------------------------------

def test_organizer_creates_a_two_day_workshop_publishes_it_and_finds_it_on_the_calendar(
        page, semnan_organizer, db):
    jy, jm = next_jalali_month()
    first_day, second_day = 15, 16
    first_g, second_g = from_jalali(jy, jm, first_day), from_jalali(jy, jm, second_day)
    title = "کارگاه مستندسازی فعالیت سمن‌های سمنان"

    log_in(page, semnan_organizer)
    expect(page.get_by_role("heading", level=1)).to_have_text("میز کار برگزارکننده")
    open_new_event_form(page)

    # The organizer's province is filled in; the county list follows the province by script.
    province = page.get_by_label("استان", exact=True)
    county = page.get_by_label("شهرستان", exact=True)
    expect(province.locator("option:checked")).to_have_text("سمنان")
    expect(county.locator("option", has_text="مهدیشهر")).to_have_count(1)
    province.select_option(label="تهران")
    expect(county.locator("option", has_text="شمیرانات")).to_have_count(1)
    expect(county.locator("option", has_text="مهدیشهر")).to_have_count(0)

    fill_basic_event(page, title)
    expect(county.locator("option", has_text="شمیرانات")).to_have_count(0)
    expect(county.locator("option:checked")).to_have_text("مهدیشهر")

    # First day: chosen with the Jalali picker, in next month.
    rows = day_rows(page)
    expect(rows).to_have_count(2)
    first = rows.nth(0)
    pick_date(page, first.get_by_label("تاریخ", exact=True), jy, jm, first_day)
    expect(first.get_by_label("تاریخ", exact=True)).to_have_value(f"{jy:04d}/{jm:02d}/{first_day:02d}")
    fill_day(page, first, start="۹:۳۰", end="۱۶")

    # Second day: a new row, the date typed in Persian digits.
    page.get_by_role("button", name="+ افزودن روز").click()
    expect(rows).to_have_count(3)
    added = rows.nth(2)
    expect(added.get_by_label("تاریخ", exact=True)).to_be_focused()
    expect(added.get_by_label("تاریخ", exact=True)).to_have_attribute("name", "days-2-date")
    fill_day(page, added, fa(f"{jy}/{jm:02d}/{second_day:02d}"), "۸", "۱۲:۳۰")
    # The field turns the digits Latin as they are typed: the picker reads only those.
    expect(added.get_by_label("تاریخ", exact=True)).to_have_value(f"{jy}/{jm:02d}/{second_day:02d}")

    shoot(page, "form_filled")
    assert event_count(db) == 0
    assert save_form(page).status == 302

    # The event page: success, both days in long Jalali with Persian digits.
    page.wait_for_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_role("status")).to_contain_text(
        "رویداد به صورت پیش‌نویس ذخیره شد. پس از بازبینی، آن را منتشر کنید.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    days = page.locator("ul.days li")
    expect(days).to_have_text([
        f"{long_date(jy, jm, first_day)}، ساعت ۰۹:۳۰ تا ۱۶:۰۰",
        f"{long_date(jy, jm, second_day)}، ساعت ۰۸:۰۰ تا ۱۲:۳۰",
    ])
    expect(days.locator("time").nth(0)).to_have_attribute("datetime", first_g.isoformat())
    expect(days.locator("time").nth(1)).to_have_attribute("datetime", second_g.isoformat())
    expect(page.locator("article.event")).to_contain_text(
        "مجتمع گردشگری دامنهٔ مهدیشهر، مهدیشهر، استان سمنان")
    expect(page.locator("article.event")).to_contain_text(SEMNAN_OFFICE)
    expect(page.locator("dl.facts")).to_contain_text("۵۰ نفر")
    expect(page.locator("dl.facts")).to_contain_text("۲ نفر")
    expect(page.locator(".event-meta")).to_contain_text("کارگاه توانمندسازی")
    expect(page.locator(".event-meta .badge")).to_have_text("پیش‌نویس")
    assert not re.search(r"[0-9]", page.locator("ul.days").inner_text()), "Latin digits in the days"

    event = fresh(db).query(Event).one()
    assert event.status == EventStatus.draft
    assert [(d.date, d.start_time, d.end_time) for d in event.days] == [
        (first_g, time(9, 30), time(16, 0)), (second_g, time(8, 0), time(12, 30))]
    assert (event.starts_on, event.ends_on) == (first_g, second_g)
    assert event.kind == EventKind.workshop and event.capacity == 50 and event.per_ngo_quota == 2
    assert event.venue.county.name == "مهدیشهر"

    # Publish.
    page.get_by_role("button", name="انتشار", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("رویداد منتشر شد و برای همه دیده می‌شود.")
    expect(page.locator(".event-meta .badge")).to_have_text("منتشرشده")
    expect(page.get_by_text("پیش‌نویس: فقط برگزارکنندگان")).to_have_count(0)
    shoot(page, "event_page")

    # The month calendar: the title in exactly the two cells of its days.
    page.goto(f"/events/calendar?y={jy}&m={jm}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"تقویم رویدادها: {MONTHS[jm - 1]} {fa(jy)}")
    expect(page.locator('[role="cell"][data-date]')).to_have_count(
        (from_jalali(*((jy, jm + 1) if jm < 12 else (jy + 1, 1)), 1) - from_jalali(jy, jm, 1)).days)
    assert calendar_dates_of(page, title) == [first_g.isoformat(), second_g.isoformat()]
    cell = page.locator(f'[data-date="{first_g.isoformat()}"]')
    expect(cell.locator(".day-n")).to_have_text(fa(first_day))
    shoot(page, "calendar")

    # …and the link takes a visitor back to the event.
    cell.get_by_role("link", name=title).click()
    page.wait_for_url(url(page, f"/events/{event.id}"))


def test_bad_input_is_refused_in_persian_and_saves_nothing(page, semnan_organizer, db):
    jy, jm = next_jalali_month()
    day = fa(f"{jy}/{jm:02d}/10")
    log_in(page, semnan_organizer)
    open_new_event_form(page)
    assert event_count(db) == 0

    # 1. The end of the day before its start: the service's rule, on that day's row.
    fill_basic_event(page, "کارگاه با ساعت وارونه")
    fill_day(page, day_rows(page).nth(0), day, "۱۶", "۹:۳۰")
    assert save_form(page).status == 400
    expect(day_rows(page).nth(0)).to_contain_text(
        f"در روز {fa(10)} {MONTHS[jm - 1]} {fa(jy)}، ساعت پایان باید پس از ساعت آغاز باشد.")
    expect(page.get_by_role("alert")).to_contain_text("۱ خطا در فرم هست")
    expect(day_rows(page)).to_have_count(1)  # no extra empty row when the form comes back
    expect(page.get_by_role("heading", level=1)).to_have_text("رویداد تازه")
    # What was typed is still there to correct.
    expect(page.get_by_label("عنوان", exact=True)).to_have_value("کارگاه با ساعت وارونه")
    expect(day_rows(page).nth(0).get_by_label("تاریخ", exact=True)).to_have_value(f"{jy}/{jm:02d}/10")
    assert event_count(db) == 0

    # 2. A date that does not exist: 1404 is not a leap year, so Esfand has 29 days.
    fill_day(page, day_rows(page).nth(0), "۱۴۰۴/۱۲/۳۰", "۹:۳۰", "۱۶")
    assert save_form(page).status == 400
    expect(page.get_by_role("alert")).to_have_text("۱ خطا در فرم هست؛ هر کدام کنار خانهٔ خودش آمده است.")
    date_field = day_rows(page).nth(0).get_by_label("تاریخ", exact=True)
    expect(date_field).to_have_attribute("aria-invalid", "true")
    error = page.locator("#days-0-date-error")
    expect(error).to_contain_text("وجود ندارد")
    expect(error).to_have_text("تاریخ ۱۴۰۴/۱۲/۳۰ وجود ندارد؛ اسفند ۱۴۰۴ ۲۹ روز دارد.")
    assert event_count(db) == 0

    # 3. More seats per NGO than the whole event has.
    fill_day(page, day_rows(page).nth(0), day)
    page.get_by_label("ظرفیت کل (نفر)", exact=True).fill("20")
    page.get_by_label("سهم هر سمن (نفر)", exact=True).fill("25")
    assert save_form(page).status == 400
    expect(page.locator("#per_ngo_quota-error")).to_have_text(
        "سهم هر سمن نمی‌تواند از ظرفیت کل رویداد بیشتر باشد.")
    expect(page.locator("#days-0-date-error")).to_have_count(0)
    shoot(page, "form_refused")
    assert event_count(db) == 0

    # Put right, the same form saves.
    page.get_by_label("سهم هر سمن (نفر)", exact=True).fill("2")
    assert save_form(page).status == 302
    expect(page.get_by_role("status")).to_contain_text("رویداد به صورت پیش‌نویس ذخیره شد.")
    assert event_count(db) == 1


def test_visitor_finds_the_semnan_workshop_on_the_calendar_and_filters_the_list(page, demo_data, db):
    page.goto("/events/calendar?y=1398&m=5")
    expect(page.get_by_role("heading", level=1)).to_have_text("تقویم رویدادها: مرداد ۱۳۹۸")
    assert calendar_dates_of(page, SEMNAN_WORKSHOP) == ["2019-08-14", "2019-08-15"]
    shoot(page, "calendar_demo")

    page.get_by_role("link", name=SEMNAN_WORKSHOP).first.click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEMNAN_WORKSHOP)
    expect(page.locator("ul.days li").nth(0)).to_contain_text("چهارشنبه ۲۳ مرداد ۱۳۹۸")
    expect(page.locator("ul.days li").nth(1)).to_contain_text("پنج‌شنبه ۲۴ مرداد ۱۳۹۸")
    expect(page.locator("ul.days")).to_have_text(re.compile(r"ساعت ۰۹:۰۰ تا ۱۳:۰۰"))
    expect(page.locator(".event-meta .badge")).to_have_text("برگزار شده")
    # A visitor sees no organizer controls.
    expect(page.get_by_role("button", name="انتشار")).to_have_count(0)
    expect(page.get_by_role("heading", name="مدیریت رویداد")).to_have_count(0)
    expect(page.locator("summary", has_text="لغو رویداد")).to_have_count(0)

    # The upcoming list, narrowed to one province with the filter form.
    page.goto("/events/")
    expect(page.get_by_role("heading", level=1)).to_have_text("رویدادهای پیش رو")
    cards = page.locator("article.event-card")
    everywhere = cards.count()
    assert everywhere >= 4, "the demo has upcoming events in several provinces"
    filters = page.get_by_role("form", name="پالایش رویدادها")
    filters.get_by_label("استان", exact=True).select_option(label="تهران")
    filters.get_by_role("button", name="نمایش").click()
    page.wait_for_url(re.compile(r"/events/\?.*province=\d+"))
    expect(filters.get_by_label("استان", exact=True).locator("option:checked")).to_have_text("تهران")

    expected = {"نشست دبیرخانه‌های منطقه‌ای سمن‌های شهر تهران", "کارگاه داوطلبی جوانان در شمیرانات"}
    expect(cards).to_have_count(len(expected))
    assert {t.strip() for t in cards.locator("h3").all_inner_texts()} == expected
    for where in cards.locator(".event-where").all_inner_texts():
        assert "استان تهران" in where
    expect(page.get_by_text(f"{fa(len(expected))} رویداد", exact=True)).to_be_visible()
    for elsewhere in ("کارگاه جذب منابع مردمی برای سمن‌های اصفهان",
                      "آیین گشایش دفتر تسهیلگری و توسعهٔ محلی سیدآباد"):
        expect(page.get_by_role("link", name=elsewhere)).to_have_count(0)
    shoot(page, "list_tehran")


def test_organizer_cancels_a_published_event_with_a_reason(page, semnan_organizer, db):
    when = today() + timedelta(days=12)
    semnan = find_province(db.session, "سمنان")
    event, _ = services.create_event(db.session, semnan_organizer.body, services.EventInput(
        kind=EventKind.meeting, title="نشست هم‌اندیشی سمن‌های شاهرود", venue_name="تالار شهر شاهرود",
        province=semnan, county=find_county(db.session, "شاهرود", semnan),
        days=[services.DayInput(when, time(10, 0), time(12, 0))], capacity=40))
    services.publish(event)
    db.session.commit()
    event_id, title = event.id, event.title
    reason = "هم‌زمانی با برنامهٔ استانی"

    log_in(page, semnan_organizer)
    page.get_by_role("link", name=title).click()
    page.wait_for_url(url(page, f"/events/{event_id}"))
    expect(page.locator(".event-meta .badge")).to_have_text("منتشرشده")

    cancel = page.locator("details.status-action").filter(
        has=page.locator("summary", has_text="لغو رویداد"))
    reason_field = cancel.get_by_label("علت (به ثبت‌نام‌کنندگان نشان داده می‌شود)")
    expect(reason_field).to_be_hidden()
    cancel.locator("summary").click()
    expect(reason_field).to_be_visible()
    reason_field.fill(reason)

    # Saying «no» to the confirmation changes nothing.
    messages = []
    page.once("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    cancel.get_by_role("button", name="لغو رویداد").click()
    expect(reason_field).to_have_value(reason)
    assert messages == ["لغو رویداد انجام شود؟"]
    assert fresh(db).get(Event, event_id).status == EventStatus.published

    page.once("dialog", lambda d: (messages.append(d.message), d.accept()))
    cancel.get_by_role("button", name="لغو رویداد").click()
    expect(page.get_by_role("status")).to_contain_text("رویداد لغو شد.")
    expect(page.get_by_role("alert")).to_have_text(f"این رویداد لغو شده است. علت: {reason}")
    expect(page.locator(".event-meta .badge")).to_have_text("لغو شده")
    expect(page.locator("details.status-action")).to_have_count(0)
    expect(page.get_by_role("link", name="ویرایش")).to_have_count(0)
    assert len(messages) == 2
    cancelled = fresh(db).get(Event, event_id)
    assert (cancelled.status, cancelled.status_reason) == (EventStatus.cancelled, reason)

    # Still on the public calendar, marked cancelled, for a visitor too.
    page.context.clear_cookies()
    j = to_jalali(when)
    page.goto(f"/events/calendar?y={j.year}&m={j.month}")
    assert calendar_dates_of(page, re.compile(re.escape(title))) == [when.isoformat()]
    link = page.locator(f'[data-date="{when.isoformat()}"] a.cal-event')
    expect(link).to_have_text(f"{title} (لغو شده)")
    expect(link).to_have_class(re.compile(r"\bstatus-cancelled\b"))
    shoot(page, "calendar_cancelled")


def test_counts_can_be_typed_in_persian_digits(page, semnan_organizer, db):
    jy, jm = next_jalali_month()
    log_in(page, semnan_organizer)
    open_new_event_form(page)
    fill_basic_event(page, "کارگاه با ظرفیت به رقم فارسی", capacity="", quota="")
    fill_day(page, day_rows(page).nth(0), fa(f"{jy}/{jm:02d}/12"), "۹", "۱۲")
    capacity = page.get_by_label("ظرفیت کل (نفر)", exact=True)
    capacity.press_sequentially("۵۰")  # as typed on a Persian keyboard
    page.get_by_label("سهم هر سمن (نفر)", exact=True).press_sequentially("۲")
    expect(capacity).to_have_value(re.compile(r"^(۵۰|50)$"), timeout=2_000)
    assert save_form(page).status == 302
    assert fresh(db).query(Event.capacity, Event.per_ngo_quota).one() == (50, 2)


def test_picker_opens_on_a_date_typed_in_persian_digits(page, semnan_organizer):
    log_in(page, semnan_organizer)
    open_new_event_form(page)
    row = day_rows(page).nth(0)
    fill_day(page, row, "۱۴۰۶/۰۳/۱۶")
    row.get_by_label("تاریخ", exact=True).click()  # to check the day on the calendar
    picker = picker_opened(page)
    expect(picker.locator(".jdp-year select")).to_have_value("1406", timeout=2_000)
    expect(picker.locator(".jdp-month select")).to_have_value("3", timeout=2_000)
    expect(picker.locator(".jdp-day.selected")).to_have_text("16", timeout=2_000)


def test_a_date_typed_in_arabic_digits_without_padding_is_tidied_for_the_picker(page, semnan_organizer):
    log_in(page, semnan_organizer)
    open_new_event_form(page)
    field = day_rows(page).nth(0).get_by_label("تاریخ", exact=True)
    field.press_sequentially("١٤٠٦/٣/٧")  # Arabic-Indic digits, no zero padding
    expect(field).to_have_value("1406/3/7")
    field.dispatch_event("change")
    expect(field).to_have_value("1406/03/07")
    close_picker(page)
    field.click()
    picker = picker_opened(page)
    expect(picker.locator(".jdp-month select")).to_have_value("3", timeout=2_000)
    expect(picker.locator(".jdp-day.selected")).to_have_text("7", timeout=2_000)
