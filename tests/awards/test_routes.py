"""Award pages: the organizer's awards page and its forms, printing, exports, the public
verification page, and the partials other pages include."""
import csv
import io
import re

import pytest
from flask import g, render_template_string
from flask_login import login_user, logout_user
from openpyxl import load_workbook

from eventsapp.awards import services
from eventsapp.awards.models import Award, AwardKind
from eventsapp.events.models import Event
from tests.awards.conftest import AFTER
from tests.conftest import login

HONOURS = ">سمن‌های تقدیرشده</h2>"
CITATION = "به پاس همکاری ارزشمند با فرمانداری در هفتهٔ دولت"


def give(db, meeting, ngos=None, **kw):
    awards = services.give_bulk(db.session, meeting.event, ngos or meeting.ngos, actor=meeting.organizer,
                                now=AFTER, **kw).awards
    db.session.commit()
    return awards


def fresh(db):
    db.session.rollback()
    db.session.expire_all()
    return db.session


def flashes(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', html, re.S)]


def render_as(app, user, source, **context):
    """A template rendered for ``user`` (None: a visitor). In tests the app context, and so
    Flask-Login's user in ``g``, outlives requests: set it, and take it away afterwards."""
    with app.test_request_context():
        try:
            logout_user()
            if user is not None:
                login_user(user)
            return render_template_string(source, **context)
        finally:
            g.pop("_login_user", None)


@pytest.fixture
def organizer_client(client, meeting):
    assert login(client, meeting.organizer).status_code == 302
    return client


# --- the awards page -------------------------------------------------------------------------

def test_awards_page_offers_the_events_ngos_and_the_countys_others(organizer_client, meeting):
    response = organizer_client.get(f"/events/{meeting.event.id}/awards")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "اعطای لوح به چند سمن" in html
    for ngo in meeting.ngos:
        assert f'name="bulk-ngo_ids" value="{ngo.id}"' in html
    assert f'name="bulk-other_ngo_ids" value="{meeting.other.id}"' in html
    assert f'value="{meeting.far.id}"' not in html  # another province's NGO is not offered
    assert "(۲ ثبت‌نام قطعی، ۰ حاضر)" in html
    assert 'selected value="' in html or "selected" in html  # the chair is preselected
    assert "<script>" not in html


def test_awards_page_is_for_the_events_organizers(client, meeting, login_as):
    path = f"/events/{meeting.event.id}/awards"
    assert "/login" in client.get(path).location
    login_as("organizer")
    assert client.get(path).status_code == 403
    login_as("secretary")
    assert client.get(path).status_code == 403
    assert client.get("/events/999999/awards").status_code == 404


def test_plaques_for_three_ngos_in_one_step(organizer_client, meeting, db):
    chair = meeting.event.officials[0]
    response = organizer_client.post(f"/events/{meeting.event.id}/awards/bulk", data={
        "bulk-ngo_ids": [str(n.id) for n in meeting.ngos], "bulk-other_ngo_ids": [str(meeting.other.id)],
        "bulk-kind": "plaque", "bulk-title": "", "bulk-citation": CITATION,
        "bulk-presenter": str(chair.id), "bulk-awarded_on": "۱۴۰۴/۶/۵"})
    assert response.status_code == 302
    awards = fresh(db).query(Award).order_by(Award.id).all()
    assert [a.ngo_id for a in awards] == sorted(n.id for n in meeting.ngos + [meeting.other])
    assert {a.citation for a in awards} == {CITATION}
    assert all(a.presented_by_name == "محمود توکلی" for a in awards)
    assert f"batch={','.join(str(a.id) for a in awards)}" in response.location
    page = organizer_client.get(response.location).get_data(as_text=True)
    assert "«لوح تقدیر» به ۳ سمن داده شد." in flashes(page)
    assert any(meeting.other.name in f and f.startswith("هشدار") for f in flashes(page))
    assert "چاپ همین‌ها" in page


@pytest.mark.parametrize("data, message", [
    ({}, "دست‌کم یک سمن را انتخاب کنید."),
    ({"bulk-awarded_on": "1404/07/31"}, "وجود ندارد"),
    ({"bulk-presenter": "", "bulk-presented_by_title": "فرماندار"}, "نام اهداکننده را هم بنویسید."),
])
def test_bulk_form_errors_are_persian_and_save_nothing(organizer_client, meeting, db, data, message):
    if data:
        data = {"bulk-ngo_ids": [str(meeting.ngos[0].id)], "bulk-kind": "plaque", **data}
    response = organizer_client.post(f"/events/{meeting.event.id}/awards/bulk", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert fresh(db).query(Award).count() == 0


def test_a_service_refusal_is_shown_and_saves_nothing(organizer_client, meeting, db):
    """An NGO that did not register, sent as if it had (a tampered form), is refused."""
    response = organizer_client.post(f"/events/{meeting.event.id}/awards/bulk", data={
        "bulk-ngo_ids": [str(meeting.ngos[0].id), str(meeting.far.id)], "bulk-kind": "plaque"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert any("ثبت‌نام قطعی نداشته‌اند" in f and meeting.far.name in f for f in flashes(html))
    assert fresh(db).query(Award).count() == 0


def test_one_award_to_a_person_on_behalf_of_an_ngo(organizer_client, meeting, db):
    response = organizer_client.post(f"/events/{meeting.event.id}/awards/new", data={
        "one-kind": "statuette", "one-ngo_id": str(meeting.ngos[1].id), "one-recipient_name": "مریم حسینی",
        "one-recipient_title": "دبیر سمن", "one-title": "تندیس داوطلب نمونه", "one-presenter": "",
        "one-presented_by_name": "کامران رحیمی", "one-presented_by_title": "رئیس ادارهٔ ورزش و جوانان"})
    assert response.status_code == 302
    award = fresh(db).query(Award).one()
    assert (award.kind, award.ngo_id, award.recipient_name) == (AwardKind.statuette, meeting.ngos[1].id, "مریم حسینی")
    assert award.presented_by_name == "کامران رحیمی"
    response = organizer_client.post(f"/events/{meeting.event.id}/awards/new", data={"one-kind": "letter"})
    assert response.status_code == 400
    assert "گیرنده را مشخص کنید" in response.get_data(as_text=True)


def test_certificates_of_attendance_from_the_page(client, workshop, db):
    login(client, workshop.organizer)
    page = client.get(f"/events/{workshop.event.id}/awards").get_data(as_text=True)
    assert "۳ نفر در این رویداد پذیرش شده‌اند (۱ نفر در هر ۲ روز)" in page
    response = client.post(f"/events/{workshop.event.id}/awards/certificates", data={"cert-min_days": "۱"})
    assert response.status_code == 302
    assert {a.registration_id for a in fresh(db).query(Award)} == {workshop.both.id, workshop.first.id, workshop.second.id}
    page = client.get(response.location).get_data(as_text=True)
    assert "۳ گواهی حضور صادر شد." in flashes(page)
    again = client.post(f"/events/{workshop.event.id}/awards/certificates", data={"cert-min_days": "1"})
    assert "۰ گواهی حضور صادر شد؛ ۳ نفر پیش‌تر گواهی داشتند." in flashes(client.get(again.location).get_data(as_text=True))
    bad = client.post(f"/events/{workshop.event.id}/awards/certificates", data={"cert-min_days": "5"})
    assert bad.status_code == 400 and "از ۱ تا ۲" in bad.get_data(as_text=True)
    assert fresh(db).query(Award).count() == 3


def test_revoke_needs_a_reason_and_keeps_the_record(organizer_client, meeting, db):
    award = give(db, meeting)[0]
    response = organizer_client.post(f"/awards/{award.id}/revoke", data={"reason": ""})
    assert response.status_code == 302
    assert fresh(db).get(Award, award.id).revoked_at is None
    assert "علت ابطال را بنویسید" in " ".join(flashes(organizer_client.get(response.location).get_data(as_text=True)))
    organizer_client.post(f"/awards/{award.id}/revoke", data={"reason": "سمن منحل شده است"})
    kept = fresh(db).get(Award, award.id)
    assert kept.is_revoked and kept.revoke_reason == "سمن منحل شده است" and kept.revoked_by_id == meeting.organizer.id


def test_others_cannot_revoke(client, meeting, db, login_as):
    award = give(db, meeting)[0]
    login_as("organizer")
    assert client.post(f"/awards/{award.id}/revoke", data={"reason": "x"}).status_code == 403
    assert client.post("/awards/999999/revoke", data={"reason": "x"}).status_code == 404
    assert fresh(db).get(Award, award.id).revoked_at is None


def test_showing_the_honoured_ngos_on_the_event_page(organizer_client, meeting, db, app):
    give(db, meeting, citation=CITATION)

    def panel(user=None):
        event = db.session.get(Event, meeting.event.id)
        return render_as(app, user, '{% include "awards/_event_awards.html" %}', event=event)

    assert HONOURS not in panel()
    assert "لوح‌ها و گواهی‌ها" in panel(meeting.organizer)
    response = organizer_client.post(f"/events/{meeting.event.id}/awards/visibility", data={"vis-awards_public": "y"})
    assert response.status_code == 302 and fresh(db).get(Event, meeting.event.id).awards_public
    shown = panel()
    assert HONOURS in shown and meeting.ngos[0].name in shown and "لوح‌ها و گواهی‌ها" not in shown
    organizer_client.post(f"/events/{meeting.event.id}/awards/visibility", data={})
    assert not fresh(db).get(Event, meeting.event.id).awards_public


def test_ngo_and_secretary_partials(app, db, meeting, make_user):
    awards = give(db, meeting)
    services.set_awards_public(meeting.event, True)
    db.session.commit()
    secretary = make_user("secretary", ngo=meeting.ngos[0])
    public_html = render_as(app, None, '{% include "awards/_ngo_awards.html" %}', ngo=meeting.ngos[0])
    home = render_as(app, secretary, '{% include "awards/_secretary_awards.html" %}', ngo=meeting.ngos[0])
    assert "لوح تقدیر" in public_html and meeting.event.title in public_html
    assert f"/awards/{awards[0].id}/print" in home and f"/awards/{awards[1].id}/print" not in home


# --- printing --------------------------------------------------------------------------------

def test_print_pages_have_one_a4_landscape_sheet_per_award_with_a_qr(organizer_client, meeting, db, client):
    awards = give(db, meeting, citation=CITATION, presented_by=meeting.event.officials[0])
    html = organizer_client.get(f"/events/{meeting.event.id}/awards/print").get_data(as_text=True)
    assert html.count('class="sheet"') == 2 and html.count("<svg") == 2
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither
    assert "certificate.css" in html and "js/awards.js" in html and "data-print" in html
    for a in awards:
        assert services.format_code(a.verification_code) in html
    assert CITATION in html and "محمود توکلی" in html and "۵ شهریور ۱۴۰۴" in html
    one = organizer_client.get(f"/awards/{awards[0].id}/print").get_data(as_text=True)
    assert one.count('class="sheet"') == 1 and meeting.ngos[0].name in one
    only = organizer_client.get(f"/events/{meeting.event.id}/awards/print?ids={awards[1].id}").get_data(as_text=True)
    assert only.count('class="sheet"') == 1 and meeting.ngos[1].name in only
    with client.get("/static/css/certificate.css") as response:
        css = response.get_data(as_text=True)
    assert re.search(r"@page\s*{\s*size:\s*A4 landscape", css)


def test_a_secretary_prints_her_ngos_awards_only(client, meeting, db, make_user):
    awards = give(db, meeting)
    login(client, make_user("secretary", ngo=meeting.ngos[0]))
    assert client.get(f"/awards/{awards[0].id}/print").status_code == 200
    assert client.get(f"/awards/{awards[1].id}/print").status_code == 404
    assert client.get(f"/events/{meeting.event.id}/awards/print").status_code == 403


# --- verification ----------------------------------------------------------------------------

def test_verify_page_says_genuine_revoked_or_not_found(client, meeting, db):
    award = give(db, meeting, presented_by=meeting.event.officials[0])[0]
    response = client.get(f"/awards/verify/{award.verification_code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "معتبر" in html and "باطل" not in html
    for text in (meeting.ngos[0].name, "لوح تقدیر", meeting.event.title, "۵ شهریور ۱۴۰۴", "محمود توکلی"):
        assert text in html
    services.revoke(db.session, award, reason="اشتباه", now=AFTER)
    db.session.commit()
    html = client.get(f"/awards/verify/{award.verification_code}").get_data(as_text=True)
    assert "باطل شده" in html and "دیگر معتبر نیست" in html and "۱۴۰۴" in html
    assert "اشتباه" not in html  # the reason is for the organizers, not the public
    for code in ("ABCDEFGHJKLMNPQRSTUV", "nonsense", "x" * 300, "'%20OR%201=1"):
        response = client.get(f"/awards/verify/{code}")
        assert response.status_code == 404 and "یافت نشد" in response.get_data(as_text=True), code


def test_verify_accepts_a_typed_code(client, meeting, db):
    award = give(db, meeting)[0]
    dashed = services.format_code(award.verification_code).lower()
    response = client.get("/awards/verify/", query_string={"code": dashed})
    assert response.status_code == 302 and response.location.endswith(f"/awards/verify/{award.verification_code}")
    assert client.get(f"/awards/verify/{dashed}").status_code == 200
    assert client.get("/awards/verify/", query_string={"code": "123"}).status_code == 404
    assert "کد تأیید" in client.get("/awards/verify/").get_data(as_text=True)


def test_organizers_can_revoke_from_the_verify_page(organizer_client, meeting, db):
    award = give(db, meeting)[0]
    page = organizer_client.get(f"/awards/verify/{award.verification_code}").get_data(as_text=True)
    assert f'action="/awards/{award.id}/revoke"' in page
    response = organizer_client.post(f"/awards/{award.id}/revoke",
                                     data={"reason": "تکراری", "next": f"/awards/verify/{award.verification_code}"})
    assert response.location.endswith(f"/awards/verify/{award.verification_code}")
    assert "باطل شده" in organizer_client.get(response.location).get_data(as_text=True)


# --- exports ---------------------------------------------------------------------------------

def test_exports_in_csv_and_xlsx_with_persian_headers(organizer_client, meeting, db):
    awards = give(db, meeting, citation="=HYPERLINK(\"http://evil\")")
    services.revoke(db.session, awards[1], reason="سمن منحل شده است", actor=meeting.organizer, now=AFTER)
    db.session.commit()
    response = organizer_client.get(f"/events/{meeting.event.id}/awards.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == services.HEADERS and rows[0][:4] == ["ردیف", "نوع", "عنوان", "گیرنده"]
    assert len(rows) == 3
    by_ngo = {r[5]: r for r in rows[1:]}
    assert by_ngo[meeting.ngos[0].name][13] == "معتبر"
    revoked = by_ngo[meeting.ngos[1].name]
    assert revoked[13] == "باطل شده" and revoked[16] == "سمن منحل شده است" and revoked[15] == "علی رضایی"
    assert revoked[7].startswith("'=")  # no formula runs in a spreadsheet
    assert revoked[12].endswith(f"/awards/verify/{awards[1].verification_code}")
    response = organizer_client.get(f"/events/{meeting.event.id}/awards.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.sheet_view.rightToLeft
    assert [c.value for c in sheet[1]] == services.HEADERS
    assert sheet.max_row == 3
    assert organizer_client.get(f"/events/{meeting.event.id}/awards.pdf").status_code == 404
