"""Persian text kept as typed, normalised only for search and identifiers (the review: «رویداد
۲۰۲۱» came back «رویداد 2021», a certificate printed «در سال 1405»; «موسسه» found nothing
where «مؤسسه» found two NGOs; +989123334455 found nobody where 09123334455 did)."""
from datetime import time

import pytest

from eventsapp.awards import services as awards
from eventsapp.checkin import services as checkin
from eventsapp.events import services as events
from eventsapp.forms import BaseForm, TextField
from eventsapp.ngos.services import search_ngos
from eventsapp.persian import clean_text, mobile_key, normalize_text, number_term, search_key
from eventsapp.places.services import find_province
from eventsapp.registrations import services as registrations
from tests.awards.conftest import meeting  # noqa: F401  (fixture)


def test_shown_text_keeps_digits_as_typed_and_identifiers_get_latin_ones():
    assert clean_text(" رویداد  ۲۰۲۱ ") == "رویداد ۲۰۲۱"
    assert clean_text("سالن 12، طبقهٔ ٣") == "سالن 12، طبقهٔ ٣"
    assert clean_text("كانون ي") == "کانون ی"  # letters still one way
    assert normalize_text(" رویداد  ۲۰۲۱ ") == "رویداد 2021"


def test_a_form_keeps_what_was_typed(app):
    class Form(BaseForm):
        title = TextField("عنوان")

    with app.test_request_context(method="POST", data={"title": "نشست ۱۴۰۵ با ۳۰ سمن"}):
        assert Form().title.data == "نشست ۱۴۰۵ با ۳۰ سمن"


def test_an_event_title_and_a_citation_keep_their_digits(db, client, meeting):  # noqa: F811
    from tests.conftest import login
    event = meeting.event
    assert events.create_event(db.session, event.body, events.EventInput(
        kind="meeting", title="رویداد ۲۰۲۱", venue_name="سالن ۲",
        province=find_province(db.session, "تهران"),
        days=[events.DayInput(event.days[0].date, time(9), time(10))], capacity=5))[0].title \
        == "رویداد ۲۰۲۱"
    [award] = awards.give_award(db.session, event, ngo=meeting.ngos[0],
                                citation="به پاس همکاری در سال ۱۴۰۵", title="لوح سال ۱۴۰۵").awards
    db.session.commit()
    assert award.citation == "به پاس همکاری در سال ۱۴۰۵" and award.title == "لوح سال ۱۴۰۵"
    login(client, meeting.organizer)
    page = client.get(f"/awards/{award.id}/print").get_data(as_text=True)  # the certificate
    assert "در سال ۱۴۰۵" in page and "لوح سال ۱۴۰۵" in page and "1405" not in page


@pytest.mark.parametrize("stored, typed", [
    ("مؤسسه خیریه امید", "موسسه خیریه"),
    ("موسسه خیریه امید", "مؤسسه"),
    ("خانهٔ سمن‌های ری", "خانۀ سمن"),
    ("خانه‌ی سمن‌های ری", "خانهٔ سمن"),
    ("خانه ی سمن‌های ری", "خانه‌ی سمن"),
    ("انجمن نیک‌اندیشان", "نیک اندیشان"),
    ("انجمن نیک اندیشان", "نیک‌اندیشان"),
    ("جمعیت هلال أحمر", "هلال احمر"),
    ("کانون ۱۲ فروردین", "كانون 12"),
])
def test_ngo_search_treats_spellings_as_equal(db, make_ngo, stored, typed):
    ngo = make_ngo(name=stored)
    make_ngo(name="انجمن دیگری")
    assert db.session.scalars(search_ngos(typed)).all() == [ngo]
    assert ngo.name == stored  # shown as typed


def test_search_keys_and_mobile_keys():
    assert search_key("مسئله") == search_key("مسیله")
    assert {mobile_key(m) for m in ["+989123334455", "00989123334455", "09123334455",
                                     "۰۹۱۲ ۳۳۳ ۴۴ ۵۵", "9123334455", "+98 912-333-4455"]} \
        == {"09123334455"}
    assert number_term("+98912") == ("0912", "0912")
    assert number_term("علی") is None


def test_registrations_and_the_door_find_a_mobile_by_any_prefix(db, meeting):  # noqa: F811
    event = meeting.event
    reg = meeting.regs[0]
    for typed in ("+98" + reg.mobile[1:], "0098" + reg.mobile[1:], reg.mobile,
                  "+98 " + reg.mobile[1:4] + " " + reg.mobile[4:]):
        found = db.session.scalars(registrations.registrations_query(
            event, registrations.RegFilter(q=typed))).all()
        assert reg in found, typed
        assert reg in checkin.search_attendees(db.session, event, typed), typed
