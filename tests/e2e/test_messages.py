"""Messages in a real browser on a phone-sized screen, against an app that sends SMS to a
real local gateway: a secretary sends all of an event's tickets again and watches them go;
a forgotten password comes back by an SMS code."""
import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from eventsapp import create_app
from eventsapp.extensions import db as _db
from eventsapp.notifications import worker
from eventsapp.registrations import services as registrations
from tests.conftest import CHROMIUM_ARGS, PASSWORD  # noqa: F401
from tests.notifications.conftest import delivering, gateway, make_event, person, smtpd  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def sending_server(database_url, gateway, smtpd):
    """The app on a real port, CSRF on, sending SMS to the local gateway."""
    served = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "e2e-messages",
        "RATELIMIT_ENABLED": False, "SMS_BACKEND": "http", "SMS_GATEWAY_URL": gateway.url,
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtpd.port,
    })
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with served.app_context():
        _db.engine.dispose()


@pytest.fixture
def phone(browser, sending_server):
    context = browser.new_context(base_url=sending_server, locale="fa-IR",
                                  viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def sign_in(page, username, password):
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(username)
    page.get_by_label("گذرواژه", exact=True).fill(password)
    page.get_by_role("button", name="ورود").click()


def test_a_secretary_sends_all_tickets_again_and_sees_them_go(
        db, phone, delivering, make_event, make_user):
    gateway, _ = delivering
    secretary = make_user("secretary", username="sec-msgs")
    event = make_event(title="کارگاه پیام‌ها")
    regs = registrations.register(db.session, event, secretary.ngo, [person(1), person(2), person(3)])
    db.session.commit()
    worker.deliver_once()  # the first tickets
    assert len(gateway.by_key) == 3

    sign_in(phone, "sec-msgs", PASSWORD)
    phone.goto(f"/events/{event.id}/my-registrations")
    phone.get_by_role("link", name="پیام‌ها و ارسال دوبارهٔ بلیت‌ها").click()
    expect(phone.get_by_role("heading", name=re.compile("پیام‌های"))).to_be_visible()
    expect(phone.locator("tr[data-status='sent']")).to_have_count(3)
    phone.get_by_role("button", name="فرستادن دوبارهٔ همهٔ بلیت‌ها").click()
    expect(phone.get_by_text("۳ پیام بلیت در صف ارسال است.")).to_be_visible()
    expect(phone.locator("tr[data-status='queued']")).to_have_count(3)
    phone.screenshot(path="/tmp/shots/messages-secretary-queued.png", full_page=True)

    worker.deliver_once()
    phone.reload()
    expect(phone.locator("tr[data-status='sent']")).to_have_count(6)
    expect(phone.locator("tr[data-status='queued']")).to_have_count(0)
    expect(phone.get_by_text("فرستاده شد").first).to_be_visible()
    phone.screenshot(path="/tmp/shots/messages-secretary-sent.png", full_page=True)
    assert len(gateway.by_key) == 6, "the second copies are new messages the gateway sends"
    assert all(r.short_code[:4] in "".join(gateway.texts) for r in regs)


def test_a_forgotten_password_comes_back_by_sms_on_a_phone(db, phone, delivering, make_user):
    gateway, _ = delivering
    make_user("secretary", username="forgetful", mobile="09121230000")
    phone.goto("/login")
    phone.get_by_role("link", name="گذرواژه را فراموش کرده‌اید؟").click()
    phone.get_by_label("نام کاربری", exact=True).fill("forgetful")
    phone.get_by_label("راه فرستادن").select_option("sms")
    phone.get_by_role("button", name="فرستادن").click()
    expect(phone.get_by_role("heading", name="گذرواژهٔ تازه با کد پیامک")).to_be_visible()
    expect(phone.get_by_label("نام کاربری", exact=True)).to_have_value("forgetful")

    worker.deliver_once()
    sms, = gateway.by_key.values()
    assert sms["to"] == "+989121230000"
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", sms["text"]).group(1)
    phone.get_by_label("کد پیامک‌شده").fill(code)
    phone.get_by_label("گذرواژهٔ تازه").fill("back-again-1405")
    phone.screenshot(path="/tmp/shots/password-reset-code.png", full_page=True)
    phone.get_by_role("button", name="ذخیرهٔ گذرواژه").click()
    expect(phone.get_by_text(re.compile("گذرواژه تغییر کرد"))).to_be_visible()

    sign_in(phone, "forgetful", "back-again-1405")
    expect(phone.get_by_role("heading", name="میز کار دبیر سمن")).to_be_visible()
