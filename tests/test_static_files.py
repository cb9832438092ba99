"""Static files: hashed URLs cached for a year, revalidated without the hash, gzipped text."""
import gzip
import re
from pathlib import Path

import pytest
from flask import url_for

STATIC = Path(__file__).resolve().parent.parent / "eventsapp" / "static"


def static_url(app, filename):
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_url_for_static_carries_the_content_digest(app, client):
    address = static_url(app, "css/app.css")
    assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", address)
    page = client.get("/").get_data(as_text=True)
    assert f'href="{address}"' in page


def test_current_digest_is_cached_a_year_as_immutable(app, client):
    response = client.get(static_url(app, "js/app.js"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "no-store" not in response.headers["Cache-Control"]


def test_without_or_with_an_old_digest_it_must_revalidate(app, client):
    for address in ("/static/js/app.js", "/static/js/app.js?v=000000000000"):
        response = client.get(address)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, no-cache"
        etag = response.headers["ETag"]
        again = client.get(address, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""


def test_text_is_gzipped_for_clients_that_accept_it(app, client):
    address = static_url(app, "css/app.css")
    plain = client.get(address)
    zipped = client.get(address, headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    assert plain.headers["Content-Type"] == "text/css; charset=utf-8"


def test_the_font_a_stylesheet_loads_is_hashed_too(app, client):
    css = client.get(static_url(app, "css/app.css")).get_data(as_text=True)
    font = re.search(r'url\("\.\./(vendor/vazirmatn/[^"?]+)\?v=([0-9a-f]{12})"\)', css)
    assert font, "the stylesheet's font URL has no digest"
    address = "/static/" + font.group(1).replace("[", "%5B").replace("]", "%5D") + "?v=" + font.group(2)
    response = client.get(address, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.data[:4] == b"wOF2"
    assert "Content-Encoding" not in response.headers  # woff2 is compressed already
    assert response.headers["Cache-Control"].endswith("immutable")


def test_a_changed_file_gets_a_new_digest(app, client):
    path = STATIC / "css" / "zz-test-change.css"
    try:
        path.write_text("body { color: red; }\n")
        first = static_url(app, "css/zz-test-change.css")
        path.write_text("body { color: blue; }\n/* longer */\n")
        second = static_url(app, "css/zz-test-change.css")
        assert first != second
        assert client.get(first).headers["Cache-Control"] == "public, no-cache"
        assert "blue" in client.get(second).get_data(as_text=True)
    finally:
        path.unlink(missing_ok=True)


@pytest.mark.parametrize("address", ["/static/../config.py", "/static/%2e%2e/eventsapp/config.py",
                                     "/static/css/", "/static/nothing.css", "/static/css/app.css%00"])
def test_nothing_outside_or_missing_is_served(client, address):
    assert client.get(address).status_code == 404
