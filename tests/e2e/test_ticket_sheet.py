"""The NGO's ticket sheet printed by a real browser: four tickets to an A4 page, in the
members' Persian name order, each QR code whole on its page."""
import re

import pytest
from playwright.sync_api import expect

from eventsapp.registrations import services
from tests.e2e.test_login_journeys import log_in
from tests.registrations.test_tickets import make_open_event, nid  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

# Typed in this order; the sheet must list them alphabetically (چ, ژ, ک, گ after code point order
# would put them last).
MEMBERS = ["یاسمن رحیمی", "گلاره نوری", "کاوه صالحی", "ژیلا کریمی", "چنگیز امینی", "پریسا مرادی",
           "بهار کاظمی", "آرش نیکو"]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_secretary_prints_four_tickets_to_a_page(page, db, make_open_event, make_ngo, make_user):  # noqa: F811
    event = make_open_event(capacity=20)
    ngo = make_ngo(name="انجمن یاوران")
    services.register(db.session, event, ngo, [
        {"full_name": name, "national_id": nid(60 + i), "mobile": f"0912000006{i}", "role": ""}
        for i, name in enumerate(MEMBERS)])
    db.session.commit()
    make_user("secretary", username="sheet-secretary", ngo=ngo)

    log_in(page, "sheet-secretary", home=None)
    page.goto(f"/events/{event.id}/tickets/print")
    stubs = page.locator("article.ticket-stub")
    expect(stubs).to_have_count(len(MEMBERS))
    names = [stubs.nth(i).locator(".ticket-name").inner_text() for i in range(len(MEMBERS))]
    assert names == ["آرش نیکو", "بهار کاظمی", "پریسا مرادی", "چنگیز امینی", "ژیلا کریمی",
                     "کاوه صالحی", "گلاره نوری", "یاسمن رحیمی"]
    assert page.locator("section.sheet-page").count() == 2
    page.screenshot(path="/tmp/shots/ticket-sheet-phone.png", full_page=True)

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf_pages(pdf) == 2, "eight tickets should fill exactly two A4 pages"
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    first, fourth = stubs.nth(0).bounding_box(), stubs.nth(3).bounding_box()
    assert fourth["y"] > first["y"] + first["height"] * 0.9, "the second row starts below the first"
    qr = stubs.nth(0).locator("svg").bounding_box()
    assert qr["width"] > 150, "the QR code is too small to scan"
    with open("/tmp/shots/ticket-sheet.pdf", "wb") as handle:
        handle.write(pdf)
