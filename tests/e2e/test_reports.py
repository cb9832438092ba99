"""Reports in a real browser, as an organizer uses them: the Shemiranat governorate's organizer
opens the reports, filters by Tehran province and the year 1404, sees the charts (drawn, with
their numbers in tables beside them), downloads the XLSX and finds the page's numbers in it."""
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.reports.world import build_world

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/shots")


def test_an_organizer_filters_sees_charts_and_exports(page, db, make_body, make_ngo, make_user):
    world = build_world(db, make_body, make_ngo)
    organizer = make_user("organizer", body=world.bodies["B1"])
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(organizer.username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url("**/organizer/")
    page.get_by_role("link", name="گزارش‌ها").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("گزارش‌ها")

    page.get_by_label("استان").select_option(label="تهران")
    page.get_by_label("سال").select_option("1404")
    page.get_by_role("button", name="نمایش گزارش").click()
    expect(page.locator('[data-figure="events"]')).to_have_text("۱")
    expect(page.locator('[data-figure="registered"]')).to_have_text("۲")
    expect(page.locator('[data-figure="attended"]')).to_have_text("۲")
    assert "province=" in page.url and "year=1404" in page.url
    # The charts are drawn (Chart.js served by the app paints the canvas), right to left.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-months'))")
    painted = page.evaluate("""() => {
        const c = document.getElementById('chart-months');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) n++; } return n; }""")
    assert painted > 1000
    june = page.locator("#table-months tbody tr", has_text="شهریور ۱۴۰۴")
    expect(june).to_contain_text("۲")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"reports_overview_{width}.png"), full_page=True)

    with page.expect_download() as download:
        page.locator("section", has_text="رویدادها به تفکیک ماه").get_by_role("link", name="اکسل (XLSX)").click()
    data = Path(download.value.path()).read_bytes()
    rows = [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    total = rows[-1]
    assert total[0] == "جمع" and total[1:5] == [1, 5, 2, 2]  # events, capacity, registered, attended
    page_numbers = [page.locator(f'[data-figure="{k}"]').inner_text() for k in ("events", "registered", "attended")]
    assert page_numbers == ["۱", "۲", "۲"]
    shahrivar = next(r for r in rows if r[0] == "شهریور ۱۴۰۴")
    assert shahrivar[1] == 1 and shahrivar[3:5] == [2, 2]


def test_report_pages_fit_a_phone(page, db, make_body, make_ngo, make_user):
    """No page of the reports is wider than a phone (a long event title in the invitation form
    once pushed the reach page sideways)."""
    world = build_world(db, make_body, make_ngo)
    world.events["upcoming"].title = ("کارگاه توانمندسازی سمن‌های شهرستان شمیرانات در حوزهٔ جذب منابع "
                                      "مردمی و گزارش‌دهی شفاف به مردم")
    db.session.commit()
    organizer = make_user("organizer", body=world.bodies["B1"])
    page.goto("/login")
    page.get_by_label("نام کاربری", exact=True).fill(organizer.username)
    page.get_by_label("گذرواژه", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ورود", exact=True).click()
    page.wait_for_url("**/organizer/")
    for path in ("/reports/", "/reports/events?year=", "/reports/reach?year=", "/reports/ngos?year=",
                 "/reports/activity", "/reports/awards?year=", f"/reports/events/{world.events['E1'].id}/attendance"):
        page.goto(path)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 1, (path, wide)
