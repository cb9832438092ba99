"""Short codes: eight characters without look-alikes, unique within an event, printed under
the QR code and accepted typed at the door (any case, with or without the dash, Persian
digits) by the scanner page's service and a scanner device's API call alike."""
import pytest

from eventsapp.checkin import services as checkin
from eventsapp.checkin.models import Verdict
from eventsapp.registrations.models import SHORT_ALPHABET, new_short_code
from tests.checkin.test_api import clock, door_world, scan  # noqa: F401  (fixtures)

LOOK_ALIKES = set("0O1IL5S2Z8BGUVQ")  # 6 stays: G is out


def test_the_alphabet_has_no_look_alikes_and_codes_are_eight_long():
    assert not LOOK_ALIKES & set(SHORT_ALPHABET)
    codes = {new_short_code() for _ in range(2000)}
    assert all(len(c) == 8 and set(c) <= set(SHORT_ALPHABET) for c in codes)
    assert len(codes) > 1990


@pytest.mark.parametrize("typed", ["{a}-{b}", "{a}{b}", "{la} {lb}", " {la}-{lb} "])
def test_the_door_takes_a_typed_short_code(db, door_world, clock, typed):
    w = door_world
    code = w.zahra.short_code
    text = typed.format(a=code[:4], b=code[4:], la=code[:4].lower(), lb=code[4:].lower())
    result = checkin.check_in(db.session, w.event, text, staff=w.door)
    assert result.verdict == Verdict.ok and result.attendee.id == w.zahra.id


def test_persian_digits_in_a_typed_code_are_read(db, door_world, clock):
    from eventsapp.persian import to_persian_digits
    w = door_world
    assert checkin.extract_code(to_persian_digits(w.zahra.short_code)) == w.zahra.short_code


def test_a_short_code_of_another_event_is_unknown_here(db, door_world, clock, make_body):
    w = door_world
    assert checkin.extract_code("ABCD-EFGH") is None, "B and G are not in the alphabet"
    other = checkin.check_in(db.session, w.event, "AAAA-AAAA", staff=w.door)
    assert other.verdict == Verdict.unknown


def test_a_scanner_device_takes_a_typed_short_code(client, db, door_world, clock):
    w = door_world
    device, raw = checkin.create_device(db.session, w.event, "گوشی")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    code = w.ali.short_code
    answer = scan(client, headers, w.event, f"{code[:4].lower()}-{code[4:]}")
    assert answer["verdict"] == "ok" and answer["attendee"]["full_name"] == w.ali.full_name
    assert scan(client, headers, w.event, "WWWW-WWWW")["verdict"] == "unknown"


def test_the_ticket_page_prints_the_short_code_and_offers_sharing(client, db, door_world):
    w = door_world
    page = client.get(f"/t/{w.zahra.ticket_code}").get_data(as_text=True)
    code = w.zahra.short_code
    assert f"{code[:4]}-{code[4:]}" in page
    assert "data-share " in page and f'data-share-url="http://localhost/t/{w.zahra.ticket_code}"' in page
    assert "js/share.js" in page
