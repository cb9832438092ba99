"""Login journeys in a real browser, on a phone-sized screen, done the way a new user does them:
by the visible labels and buttons, with CSRF on."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventsapp import demo
from eventsapp.accounts import services as accounts
from eventsapp.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")
BAD_CREDENTIALS = "نام کاربری یا گذرواژه درست نیست."

# username → (home path, h1 of the home page, full name from the demo data)
HOMES = {
    "admin": ("/admin/", "مدیریت سامانه", "مدیر سامانه"),
    "organizer": ("/organizer/", "میز کار برگزارکننده", "مریم احمدی"),
    "secretary": ("/secretary/", "میز کار دبیر سمن", "فاطمه موسوی"),
    "door": ("/door/", "پذیرش در ورودی", "رضا جعفری"),
}


@pytest.fixture
def demo_data(db):
    demo.load(db.session, password=PASSWORD)
    db.session.commit()


@pytest.fixture
def other_phone(browser, live_server):
    """A second person's tab, with its own cookies."""
    context = browser.new_context(base_url=live_server, locale="fa-IR",
                                  viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


# --- what a user does ------------------------------------------------------------------------

def url(page, path):
    """The full address of ``path`` on the live server (the tab's base URL)."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    return origin + path


def open_menu(page):
    """On a phone the nav sits behind the ☰ button."""
    toggle = page.get_by_role("button", name="منو")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    return page.get_by_role("navigation", name="منوی اصلی")


def go_to_login(page):
    page.goto("/")
    page.get_by_role("link", name="ورود برگزارکنندگان و دبیران سمن").click()
    page.wait_for_url("**/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("ورود به سامانه")


def fill_login(page, username, password):
    page.get_by_label("نام کاربری", exact=True).fill(username)
    page.get_by_label("گذرواژه", exact=True).fill(password)
    page.get_by_role("button", name="ورود", exact=True).click()


def log_in(page, username, password=PASSWORD, home="/home"):
    go_to_login(page)
    fill_login(page, username, password)
    if home:
        page.wait_for_url(url(page, home))


def log_out(page):
    nav = open_menu(page)
    nav.get_by_role("button", name="خروج").click()
    page.wait_for_url(url(page, "/"))
    expect(page.get_by_text("از سامانه خارج شدید.")).to_be_visible()


def assert_logged_out(page):
    nav = open_menu(page)
    expect(nav.get_by_role("link", name="ورود", exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="خروج")).to_have_count(0)
    page.goto("/home")
    page.wait_for_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("ورود به سامانه")


# --- journeys --------------------------------------------------------------------------------

@pytest.mark.parametrize("username", list(HOMES))
def test_demo_user_logs_in_to_their_home_and_out(page, demo_data, username):
    home, title, full_name = HOMES[username]
    go_to_login(page)
    fill_login(page, username, PASSWORD)

    page.wait_for_url(url(page, home))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("status")).to_contain_text(f"{full_name} عزیز، خوش آمدید.")

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{username}.png"), full_page=True)

    nav = open_menu(page)
    expect(nav.get_by_role("link", name=full_name)).to_be_visible()

    log_out(page)
    assert_logged_out(page)


def test_wrong_password_is_refused_on_the_login_page(page, demo_data):
    go_to_login(page)
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        fill_login(page, "organizer", PASSWORD + "-wrong")
    assert posted.value.status == 400

    expect(page.get_by_role("alert")).to_have_text(BAD_CREDENTIALS)
    assert page.url == url(page, "/login")
    expect(page.get_by_label("نام کاربری", exact=True)).to_have_value("organizer")
    expect(page.get_by_label("گذرواژه", exact=True)).to_have_value("")


def test_user_deactivated_by_admin_is_refused(page, other_phone, demo_data, db):
    # The organizer is signed in on their own phone…
    organizer = other_phone
    log_in(organizer, "organizer", home="/organizer/")

    # …when the admin switches the account off in the admin pages.
    log_in(page, "admin", home="/admin/")
    open_menu(page).get_by_role("link", name="کاربران").click()
    page.wait_for_url(url(page, "/admin/users"))
    page.get_by_role("link", name="organizer", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/users/\d+$"))
    active = page.get_by_label("فعال", exact=True)
    expect(active).to_be_checked()
    active.uncheck()
    page.get_by_role("button", name="ذخیره").click()
    expect(page.get_by_role("status")).to_contain_text("تغییرات ذخیره شد.")
    expect(page.get_by_label("فعال", exact=True)).not_to_be_checked()
    log_out(page)

    # Deactivation ends the organizer's open session at once.
    organizer.reload()
    organizer.wait_for_url(re.compile(r"/login\?next="))
    expect(organizer.get_by_text("برای دیدن این صفحه وارد شوید.")).to_be_visible()

    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.username == "organizer")).active is False

    go_to_login(page)
    fill_login(page, "organizer", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("این حساب غیرفعال شده است")
    assert page.url == url(page, "/login")
    assert_logged_out(page)


def test_deactivated_user_is_refused_even_with_the_right_password(page, make_user, db):
    # The same refusal when the account is switched off through the service (no admin UI).
    user = make_user("door", username="doorkeeper", full_name="دربان")
    accounts.update_user(db.session, user, full_name=user.full_name, role=user.role, active=False)
    db.session.commit()

    go_to_login(page)
    fill_login(page, "doorkeeper", PASSWORD)
    expect(page.get_by_role("alert")).to_have_text(
        "این حساب غیرفعال شده است. با مدیر سامانه تماس بگیرید.")
    assert page.url == url(page, "/login")


def test_forged_csrf_token_is_refused_and_does_not_log_in(page, demo_data):
    go_to_login(page)
    token = page.locator('input[name="csrf_token"]')
    token.evaluate("el => { el.value = 'forged-' + el.value.split('').reverse().join(''); }")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        fill_login(page, "organizer", PASSWORD)
    assert posted.value.status == 400

    # Today the global CSRF check answers with the 400 error page; the login form's own
    # message says the same words, so either way the user reads «درخواست نامعتبر».
    expect(page.locator("main")).to_contain_text("درخواست نامعتبر")
    assert_logged_out(page)


def test_admin_creates_an_organizer_who_can_then_log_in(page, demo_data):
    log_in(page, "admin", home="/admin/")
    page.get_by_role("link", name="کاربر تازه").click()
    page.wait_for_url(url(page, "/admin/users/new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("کاربر تازه")

    body_select = page.get_by_label("نهاد برگزارکننده", exact=True)
    page.get_by_label("نام کاربری", exact=True).fill("neworganizer")
    page.get_by_label("نام و نام خانوادگی", exact=True).fill("سارا محمدی")
    page.get_by_label("شماره همراه", exact=True).fill("09121234567")
    expect(body_select).to_be_hidden()  # the default role is admin: no body to choose
    page.get_by_label("نقش", exact=True).select_option(label="برگزارکننده")
    expect(body_select).to_be_visible()
    body_select.select_option(label="فرمانداری شمیرانات")
    page.get_by_label("گذرواژه", exact=True).fill("a-new-pass-456")
    page.get_by_role("button", name="ذخیره").click()

    page.wait_for_url(re.compile(r"/admin/users/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("کاربر «neworganizer» ساخته شد.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("neworganizer")
    log_out(page)

    log_in(page, "neworganizer", "a-new-pass-456", home="/organizer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("میز کار برگزارکننده")
    expect(page.get_by_role("heading", level=2).first).to_have_text("فرمانداری شمیرانات")
    expect(open_menu(page).get_by_role("link", name="سارا محمدی")).to_be_visible()
