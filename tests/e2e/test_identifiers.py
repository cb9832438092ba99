"""Identifiers look like what people type: a username with Latin digits keeps them in the
browser (the body's Persian-digit feature is off for identifiers), and a registration number
is shown as it is stored, while Persian text around it keeps Persian digits."""
import pytest
from playwright.sync_api import expect

from tests.e2e.test_login_journeys import log_in

pytestmark = pytest.mark.e2e


def features(locator):
    return locator.evaluate("e => getComputedStyle(e).fontFeatureSettings")


def test_usernames_and_registration_numbers_keep_latin_digits(page, make_user, make_ngo):
    make_user("admin", username="boss1")
    make_user("door", username="door2")
    ngo = make_ngo(name="انجمن یاوران", registration_no="4521")
    log_in(page, "boss1", home=None)
    page.wait_for_url("**/admin/")

    page.goto("/admin/users")
    cell = page.get_by_role("link", name="door2", exact=True)
    expect(cell).to_be_visible()
    assert features(cell) == "normal"
    assert features(page.locator("body")) != "normal", "the body no longer draws Persian digits"

    page.goto(f"/ngos/{ngo.id}")
    number = page.locator("bdi.ident", has_text="4521").first
    expect(number).to_be_visible()
    assert features(number) == "normal"
    page.screenshot(path="/tmp/shots/identifiers.png", full_page=True)
