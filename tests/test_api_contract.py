"""The OpenAPI document tells the truth: schemathesis (every check, response schemas included)
runs against the app served on a real port, once with a token of each role and once with a
scanner device's token, and finds nothing.

The data it meets is a small real world: an organizer's published workshop and a draft, an NGO
with a confirmed registration and its ticket, an award, a door staff member and a device, so
that the ids it tries sometimes exist.
"""
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import api_headers

PERSIAN = re.compile("[\u0600-\u06ff]")
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def world(client, make_user, make_body, make_ngo):
    """Users of every role and their tokens; the organizer's body runs a published workshop
    where the secretary's NGO has a confirmed attendee; a scanner device for it. Made through
    the API itself, whose shapes are the stable contract."""
    body = make_body()
    people = {"organizer": make_user("organizer", body=body), "secretary": make_user("secretary"),
              "door": make_user("door"), "admin": make_user("admin")}
    headers = {role: api_headers(user) for role, user in people.items()}
    day = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    created = client.post("/api/v1/events", headers=headers["organizer"], json={
        "kind": "workshop", "title": "کارگاه آزمون", "capacity": 50, "per_ngo_quota": 5,
        "venue": {"name": "سالن", "province": "تهران", "county": "شمیرانات"},
        "days": [{"date": day, "start": "09:00", "end": "12:00"}]})
    assert created.status_code == 201, created.get_json()
    event_id = created.get_json()["id"]
    assert client.post(f"/api/v1/events/{event_id}/publish", headers=headers["organizer"]).status_code == 200
    registered = client.post(f"/api/v1/events/{event_id}/registrations", headers=headers["secretary"],
                             json={"attendees": [{"full_name": "مریم احمدی", "national_id": "0499370899",
                                                  "mobile": "09121234567"}]})
    assert registered.status_code == 201, registered.get_json()
    device = client.post(f"/api/v1/events/{event_id}/devices", headers=headers["organizer"],
                         json={"name": "در شمالی"})
    assert device.status_code == 201, device.get_json()
    headers["device"] = {"Authorization": f"Bearer {device.get_json()['token']}"}
    return headers


def run_schemathesis(base_url: str, headers: dict, report: Path) -> subprocess.CompletedProcess:
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG),
        "run", f"{base_url}/api/v1/openapi.json",
        "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", "20261204",
        "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all",
        "--workers", "1", "--no-color", "--request-timeout", "20",
        "--report", "ndjson", "--report-ndjson-path", str(report),
    ]
    command += os.environ.get("SCHEMATHESIS_ARGS", "").split()
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return subprocess.run(command, capture_output=True, text=True, timeout=1200)


@pytest.mark.parametrize("role", ["admin", "organizer", "secretary", "door", "device"])
def test_schemathesis_finds_nothing_with_a_token_of_each_role(live_server, world, role, tmp_path):
    done = run_schemathesis(live_server, world[role], tmp_path / "report.ndjson")
    assert done.returncode == 0, done.stdout[-20000:] + done.stderr[-5000:]


def _paths(spec, schema, prefix=""):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        yield path
        inner = prop.get("items", prop)
        if "$ref" in inner or "properties" in inner:
            yield from _paths(spec, inner, path)


def test_every_field_a_client_sends_has_a_persian_label(client):
    """A refused field is named in Persian: each one the document lets a client send has a label."""
    from eventsapp.api.schema import _label

    spec = client.get("/api/v1/openapi.json").get_json()
    missing = set()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if method == "parameters":  # the path's own parameters, not an operation
                continue
            fields = [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                fields += list(_paths(spec, body["schema"]))
            missing |= {(method, path, f) for f in fields if not PERSIAN.search(_label(f))}
    assert not missing, sorted(missing)


def test_the_document_lists_no_catch_all_answer(client):
    """Every status is declared by its endpoint: no `default` response hides one."""
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if method == "parameters":  # the path's own parameters, not an operation
                continue
            assert "default" not in op["responses"], (method, path)
            if op.get("security"):
                assert {"401", "403"} <= set(op["responses"]), (method, path)
