"""Bad input is refused, never a 500 (issue 10, item 6): a lone surrogate in every string field,
JSON nested 1,000 deep, huge page numbers and ids beyond the database's integer, sent to every
JSON endpoint the OpenAPI document lists and to the scanner page, with a token of each role.
Each answer is a 4xx with a Persian message (on SQLite and on PostgreSQL: the suite runs twice).
"""
import json
import re

import pytest

from tests.conftest import api_headers

PERSIAN = re.compile("[\u0600-\u06ff]")
HUGE = "9223372036854775807"
BEYOND_INT = "2147483648"


def operations(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if method in ("get", "post", "patch", "put", "delete"):
                yield path, method, op, spec


def resolve(spec, schema):
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def surrogate_body(spec, schema, depth=0):
    """A body shaped like the request schema with "\\ud800" in every string."""
    schema = resolve(spec, schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: surrogate_body(spec, prop, depth + 1)
                for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [surrogate_body(spec, schema.get("items", {}), depth + 1)]
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    return "\ud800"


def fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def assert_refused(response, what):
    assert response.status_code < 500, (what, response.status_code, response.get_data(as_text=True)[:300])
    assert 400 <= response.status_code < 500, (what, response.status_code)
    body = response.get_json(silent=True)
    assert body and PERSIAN.search(body.get("message", "")), (what, response.get_data(as_text=True)[:300])


@pytest.fixture
def tokens(make_user):
    return {role: api_headers(make_user(role)) for role in ("admin", "organizer", "secretary", "door")}


@pytest.mark.parametrize("role", ["admin", "organizer", "secretary", "door"])
def test_every_json_endpoint_refuses_bad_input(client, tokens, role):
    headers = tokens[role]
    seen = 0
    for path, method, op, spec in operations(client):
        call = getattr(client, method)
        url = fill(path, "1")
        if "requestBody" in op:
            seen += 1
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            raw = json.dumps(surrogate_body(spec, schema))  # ASCII with \ud800 escapes
            assert "\\ud800" in raw or raw in ("{}", "[]"), raw
            assert_refused(call(url, data=raw, content_type="application/json", headers=headers),
                           (role, method, path, "surrogate"))
            deep = "[" * 1000 + "]" * 1000
            assert_refused(call(url, data=deep, content_type="application/json", headers=headers),
                           (role, method, path, "deep"))
            deep_object = '{"a":' * 1000 + "1" + "}" * 1000
            assert_refused(call(url, data=deep_object, content_type="application/json", headers=headers),
                           (role, method, path, "deep object"))
        if "{" in path:
            for big in (HUGE, BEYOND_INT, "-1", "0"):
                response = call(fill(path, big), headers=headers, json={})
                assert_refused(response, (role, method, path, big))
        query = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
        for name in query:
            for bad in (HUGE, "-" + HUGE, "\ufffd", "۹" * 30):
                response = call(f"{url}?{name}={bad}", headers=headers)
                assert response.status_code < 500, (role, method, path, name, bad)
    assert seen >= 10  # the document lists the endpoints that take a body


def test_the_scanner_page_refuses_bad_input(client, login_as):
    login_as("door")
    for url in ("/events/1/scan/check", f"/events/{HUGE}/scan/check", f"/events/{BEYOND_INT}/scan/check"):
        for raw in ('{"code": "\\ud800", "gate": "\\ud800"}', "[" * 1000 + "]" * 1000,
                    '{"code": ' * 1000 + "1" + "}" * 1000):
            response = client.post(url, data=raw, content_type="application/json")
            assert 400 <= response.status_code < 500, (url, raw[:20], response.status_code)


@pytest.mark.parametrize("url", ["/events/", "/ngos/", "/events/1/registrations", "/admin/users"])
def test_pages_take_huge_page_numbers(client, login_as, url):
    login_as("admin")
    for bad in (HUGE, "-" + HUGE, "۹" * 30, "x"):
        response = client.get(f"{url}?page={bad}")
        assert response.status_code in (200, 404), (url, bad, response.status_code)
