"""RFC 5545 escaping and durations, UIDs that never take the request's Host header, and the
ORGANIZER from the organizing body's contact address (the review's calendar findings)."""
import re

from eventsapp.calendars import ical
from tests.conftest import login

from .conftest import SITE, gday, soon


def _unfolded(body: bytes) -> str:
    return body.decode().replace("\r\n ", "")


def test_calendar_names_are_escaped_and_the_ttl_is_a_duration():
    body = ical.feed_ics([], SITE, name="نشست‌ها; استان قم, شهرستان\\قم", description="a;b")
    text = _unfolded(body)
    assert "\r\nNAME:نشست‌ها\\; استان قم\\, شهرستان\\\\قم\r\n" in text
    assert "\r\nX-WR-CALNAME:نشست‌ها\\; استان قم\\, شهرستان\\\\قم\r\n" in text
    assert "\r\nX-WR-CALDESC:a\\;b\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT1H\r\n" in text
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    import vobject
    assert vobject.readOne(body.decode()).contents["x-wr-calname"][0].value.startswith("نشست")


def test_uids_are_the_same_under_any_host_name(client, make_event):
    event = make_event([gday(soon(5))])
    uids = set()
    for host in ("localhost", "events.example.ir", "10.0.0.7:8080", "evil.example"):
        body = client.get(f"/events/{event.id}.ics", headers={"Host": host}).data
        uids.add(tuple(re.findall(r"^UID:(.+?)\r$", body.decode(), re.M)))
    assert uids == {(f"event-{event.id}-day-1@eventsapp.invalid",
                     f"alarm-{event.id}-day-1@eventsapp.invalid")}


def test_uids_take_the_configured_domain(app, client, make_event):
    event = make_event([gday(soon(5))])
    app.config["PUBLIC_BASE_URL"] = "https://events.example.ir"
    try:
        body = client.get(f"/events/{event.id}.ics", headers={"Host": "other.example"}).data
        assert f"UID:event-{event.id}-day-1@events.example.ir".encode() in body
        app.config["CALENDAR_UID_DOMAIN"] = "rooydad.example.ir"
        body = client.get(f"/events/{event.id}.ics").data
        assert f"UID:event-{event.id}-day-1@rooydad.example.ir".encode() in body
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
        app.config.pop("CALENDAR_UID_DOMAIN", None)


def test_organizer_is_the_bodys_contact_or_absent(client, db, make_event, make_body):
    with_contact = make_body(name="استانداری قم")
    with_contact.contact_email = "roabet@qom.example.ir"
    db.session.commit()
    event = make_event([gday(soon(5))], body=with_contact)
    text = _unfolded(client.get(f"/events/{event.id}.ics").data)
    assert 'ORGANIZER;CN="استانداری قم":mailto:roabet@qom.example.ir\r\n' in text
    without = make_event([gday(soon(6))], venue="سالن دیگر")
    text = _unfolded(client.get(f"/events/{without.id}.ics", headers={"Host": "x.example"}).data)
    assert "ORGANIZER" not in text and "noreply" not in text


def test_admins_set_a_bodys_contact_address_and_bad_ones_are_refused(client, db, make_user,
                                                                     make_body):
    body = make_body(name="فرمانداری ری", county="ری")
    login(client, make_user("admin"))
    form = {"name": body.name, "kind": body.kind.value, "province_id": body.province_id,
            "county_id": body.county_id}
    bad = client.post(f"/admin/bodies/{body.id}", data={**form, "contact_email": "نه یک نشانی"})
    assert "نشانی رایانامه درست نیست" in bad.get_data(as_text=True)
    ok = client.post(f"/admin/bodies/{body.id}", data={**form, "contact_email": " info@rey.example.ir "})
    assert ok.status_code == 302
    db.session.expire_all()
    assert body.contact_email == "info@rey.example.ir"
    page = client.get(f"/admin/bodies/{body.id}").get_data(as_text=True)
    assert 'value="info@rey.example.ir"' in page
