"""Trust journeys in a real browser: an organizer subscribes to their calendar with the URL the
page shows (kept hashed in the database), regenerates it, and the old URL stops working; an
admin sets the body's contact address, which becomes the ORGANIZER of its events' files."""
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _log_in(page, username):
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url(re.compile(r"/(organizer|admin)/"))


def test_the_feed_url_shown_works_and_a_new_one_retires_it(page, db, make_user):
    organizer = make_user("organizer")
    _log_in(page, organizer.username)
    page.goto("/calendars/")
    card = page.locator("#feed-body")
    shown = card.locator("code.token").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendars/[A-Za-z0-9_-]{32}\.ics", shown)
    status, body = _get(shown)
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")
    secret = shown.rsplit("/", 1)[1][:-4]
    db.session.rollback()  # the server wrote through its own connection: read afresh
    stored = [tuple(r) for r in db.session.execute(text("SELECT token_hash, nonce FROM feed_tokens"))]
    assert stored and all(secret not in (v or "") for row in stored for v in row)

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="ساخت نشانی تازه").click()
    expect(page.locator(".flash").first).to_contain_text("نشانی پیشین دیگر کار نمی‌کند")
    fresh = page.locator("#feed-body code.token").inner_text()
    assert fresh != shown
    assert _get(shown)[0] == 404 and _get(fresh)[0] == 200


def test_a_bodys_contact_address_is_its_events_organizer(page, db, make_user, make_body):
    body = make_body(name="فرمانداری لواسانات", county="لواسانات")
    admin = make_user("admin")
    _log_in(page, admin.username)
    page.goto(f"/admin/bodies/{body.id}")
    field = page.get_by_label("رایانامهٔ تماس (برگزارکنندهٔ رویدادها در تقویم‌ها؛ اختیاری)")
    field.fill("نشانی نادرست")
    page.get_by_role("button", name="ذخیره").click()
    expect(page.locator(".flash-error, .field-error, [role=alert]").first).to_be_visible()
    page.get_by_label("رایانامهٔ تماس (برگزارکنندهٔ رویدادها در تقویم‌ها؛ اختیاری)").fill(
        "info@lavasanat.example.ir")
    page.get_by_role("button", name="ذخیره").click()
    expect(page.locator(".flash").first).to_contain_text("نهاد ذخیره شد")
    db.session.rollback()  # read afresh what the server wrote
    assert body.contact_email == "info@lavasanat.example.ir"
