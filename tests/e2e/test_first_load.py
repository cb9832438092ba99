"""The home page in a real browser: at most 150 KB over the wire the first time, no static file
fetched again the second time, nothing from another host (the ``page`` fixture fails on that)."""
import pytest

pytestmark = pytest.mark.e2e

FIRST_LOAD_BUDGET = 150 * 1024


def measured_load(page, cdp, path):
    """Bytes received (compressed, headers included), the static URLs that came over the network
    (not from the browser's memory or disk cache) and every URL requested."""
    urls, sizes = {}, {}

    def sent(event):
        urls[event["requestId"]] = event["request"]["url"]

    def finished(event):
        sizes[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    cdp.remove_listener("Network.requestWillBeSent", sent)
    cdp.remove_listener("Network.loadingFinished", finished)
    fetched = [urls[i] for i, size in sizes.items() if size and "/static/" in urls.get(i, "")]
    return sum(sizes.values()), fetched, list(urls.values())


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}])
def test_home_page_is_light_and_cached(page, viewport):
    page.set_viewport_size(viewport)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")

    first_bytes, first_static, first_urls = measured_load(page, cdp, "/")
    assert any("vazirmatn" in u for u in first_urls), "the page's font was not loaded"
    assert first_static, "the first load fetched no static file"
    assert first_bytes <= FIRST_LOAD_BUDGET, f"first load {first_bytes} bytes"

    page.goto("about:blank")
    second_bytes, second_static, _ = measured_load(page, cdp, "/")
    assert second_static == [], f"fetched again: {second_static}"
    assert second_bytes < first_bytes / 5
