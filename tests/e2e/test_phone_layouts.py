"""Phone layouts at 390×844: the admin's users, an event's registrations and its issued awards
are cards with their actions on screen; the live page says when nobody has come yet and names
the day above each day's quarter hours of a multi-day workshop."""
import re
from datetime import datetime, time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp import demo
from eventsapp.awards import services as awards
from eventsapp.checkin import services as checkin
from eventsapp.events.models import Event
from eventsapp.jalali import TEHRAN
from eventsapp.ngos.models import Ngo
from eventsapp.registrations.models import Registration
from tests.conftest import PASSWORD
from tests.e2e.test_login_journeys import log_in

pytestmark = pytest.mark.e2e

OVERFLOWING = """() => [...document.querySelectorAll('main table, main table tbody *, main table:not(.stack) thead *')]
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.width > 0 && (r.right > innerWidth + 1 || r.left < -1); })
  .map(e => e.tagName + ' ' + (e.textContent || '').trim().slice(0, 30))"""


@pytest.fixture
def world(db):
    demo.load(db.session, password=PASSWORD)
    held = db.session.scalar(select(Event).where(Event.title.like("%سمنان%"), Event.kind == "workshop"))
    regs = db.session.scalars(select(Registration).where(Registration.event_id == held.id)).all()
    for day, people in zip(held.days, (regs[:3], regs[:2])):
        for minutes, reg in enumerate(people):
            at = datetime.combine(day.date, time(9, 5 + 20 * minutes), TEHRAN)
            result = checkin.check_in(db.session, held, reg.ticket_code, gate="در اصلی", now=at)
            assert result.verdict.value == "ok", result.message
    ngo = db.session.get(Ngo, regs[0].ngo_id)
    awards.give_award(db.session, held, ngo=ngo, title="لوح تقدیر همکاری در برگزاری کارگاه",
                      allow_other_ngos=True)
    db.session.commit()
    return held


def assert_cards(page, path):
    page.goto(path)
    expect(page.locator("main table.stack").first).to_be_visible()
    assert page.evaluate(OVERFLOWING) == [], f"{path}: table content runs off the screen"
    first_row = page.locator("main table.stack tbody tr").first
    assert first_row.evaluate("e => getComputedStyle(e).display") == "block", "not a card"


def test_tables_are_cards_on_a_phone(page, world):
    log_in(page, "admin", home=None)
    page.wait_for_url("**/admin/")
    assert_cards(page, "/admin/users")
    expect(page.get_by_role("link", name="door2", exact=True)).to_be_in_viewport()

    assert_cards(page, f"/events/{world.id}/registrations")
    cancel = page.locator("main table.stack tbody tr").first.get_by_role("button", name="لغو")
    expect(cancel).to_be_visible()
    cancel.scroll_into_view_if_needed()
    expect(cancel).to_be_in_viewport()

    assert_cards(page, f"/events/{world.id}/awards")
    row = page.locator("main table.stack tbody tr").first
    for action in (row.get_by_role("link", name="چاپ"), row.locator("summary", has_text="ابطال")):
        action.scroll_into_view_if_needed()
        expect(action).to_be_in_viewport()
    page.screenshot(path="/tmp/shots/awards-phone.png", full_page=True)


def test_live_page_names_days_and_says_nobody_yet(page, world, db):
    log_in(page, "admin", home=None)
    page.wait_for_url("**/admin/")
    page.goto(f"/events/{world.id}/live")
    days = page.locator(".q-day")
    expect(days).to_have_count(2)
    expect(days.first).to_contain_text("۱۳۹۸")
    expect(page.locator(".quarter")).to_have_count(5)  # 09:00, 09:15, 09:45 on day one; 09:00, 09:15 on day two
    assert page.evaluate(OVERFLOWING) == []

    empty = db.session.scalar(select(Event).where(Event.id != world.id, Event.status == "published"))
    page.goto(f"/events/{empty.id}/live")
    expect(page.get_by_text("هنوز کسی وارد نشده است.")).to_have_count(2)


def test_occasions_and_the_month_grid_on_a_phone(page, world):
    log_in(page, "admin", home=None)
    page.wait_for_url("**/admin/")
    page.goto("/admin/occasions?y=1405")
    expect(page.get_by_role("heading", name="تعطیلات رسمی ۱۴۰۵")).to_be_visible()
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.goto("/events/calendar?y=1405&m=1")
    nowruz = page.locator('[data-date="2026-03-21"]')
    expect(nowruz).to_have_class(re.compile(r"\bholiday\b"))
    expect(page.locator(".month-list .mark-holiday").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.screenshot(path="/tmp/shots/calendar-holidays-phone.png", full_page=True)
