"""The report pages and their exports through the test client: the same numbers as the
services, the user's scope (an organizer never sees another body's numbers), filters typed in
any digits, refusals in Persian, never a 500."""
import csv
import io
import re

import pytest
from openpyxl import load_workbook

from eventsapp.events.models import Invitation
from eventsapp.reports.models import ReportSettings
from tests.conftest import login

YEAR_1404 = {"year": "۱۴۰۴"}


def fa(n):
    return str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def figure(html, name):
    match = re.search(rf'data-figure="{name}">([^<]*)<', html)
    assert match, name
    return match.group(1)


@pytest.fixture
def as_user(client, make_user, world):
    def sign_in(role, body=None):
        user = make_user(role, body=world.bodies[body] if body else None)
        assert login(client, user).status_code == 302
        return user
    return sign_in


def read_csv(data: bytes):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_xlsx(data: bytes):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def test_the_overview_of_a_year_for_an_admin(client, as_user):
    as_user("admin")
    page = client.get("/reports/", query_string={"year": "1404"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert figure(html, "events") == "۳" and figure(html, "registered") == "۷"
    assert figure(html, "attended") == "۶" and figure(html, "ngos") == "۴" and figure(html, "people") == "۶"
    assert "شهریور ۱۴۰۴" in html and 'data-chart="bar"' in html and "chart.umd.js" in html


def test_an_organizer_never_sees_another_bodys_numbers(client, as_user):
    as_user("organizer", body="B1")
    html = client.get("/reports/", query_string={"year": ""}).get_data(as_text=True)
    assert figure(html, "events") == "۲" and figure(html, "registered") == "۵" and figure(html, "attended") == "۴"
    events = client.get("/reports/events", query_string={"year": ""}).get_data(as_text=True)
    assert "نشست دو" in events and "کارگاه یک" in events
    assert "نشست چهار" not in events and "کارگاه سه" not in events and "مراسم پنج" not in events
    # Asking for another body's events by the filter changes nothing.
    other = client.get("/reports/", query_string={"year": "", "body": "999"}).get_data(as_text=True)
    assert figure(other, "events") == "۰"
    exported = read_csv(client.get("/reports/events.csv", query_string={"year": ""}).data)
    assert [r[0] for r in exported[1:]] == ["کارگاه یک", "نشست دو"]


def test_a_provincial_office_sees_its_province(client, as_user, world):
    as_user("organizer", body="B2")
    html = client.get("/reports/events", query_string=YEAR_1404).get_data(as_text=True)
    assert "کارگاه سه" in html and "نشست چهار" in html and "نشست دو" not in html
    reach = client.get("/reports/reach", query_string=YEAR_1404).get_data(as_text=True)
    assert figure(reach, "ngos") == "۳" and figure(reach, "never") == "۱" and "جمعیت ج" in reach


def test_dates_typed_in_any_digits_and_refusals_in_persian(client, as_user):
    as_user("admin")
    for start, end in (("۱۴۰۴/۰۶/۰۱", "۱۴۰۴/۰۶/۳۱"), ("١٤٠٤-٦-١", "١٤٠٤-٦-٣١"), ("1404/6/1", "1404/06/31")):
        html = client.get("/reports/", query_string={"from": start, "to": end}).get_data(as_text=True)
        assert figure(html, "events") == "۲", (start, end)
    bad = client.get("/reports/", query_string={"from": "1404/13/01"})
    assert bad.status_code == 400 and "ماه باید بین" in bad.get_data(as_text=True)
    bad = client.get("/reports/", query_string={"year": "abc"})
    assert bad.status_code == 400 and "سال را شمسی" in bad.get_data(as_text=True)
    bad = client.get("/reports/", query_string={"from": "1404/06/31", "to": "1404/06/01"})
    assert bad.status_code == 400 and "آغاز بازه پس از پایان" in bad.get_data(as_text=True)
    for junk in ({"province": "9" * 30}, {"page": "9223372036854775807"}, {"kind": "x" * 500},
                 {"year": "9" * 40}, {"from": "۹" * 300}):
        assert client.get("/reports/ngos", query_string=junk).status_code < 500
    for raw in ("county=%ED%A0%80", "from=%ED%A0%80", "year=%FF"):  # a lone surrogate, a bad byte
        assert client.get(f"/reports/?{raw}").status_code < 500


def test_exports_have_the_pages_numbers(client, as_user):
    as_user("admin")
    months = read_xlsx(client.get("/reports/months.xlsx", query_string=YEAR_1404).data)
    assert months[0][:8] == ["ماه", "رویداد برگزارشده", "ظرفیت", "ثبت‌نام قطعی", "حاضران", "غایبان", "نرخ حضور", "نفر-روز حضور"]
    assert months[-1][:6] == ["جمع", 3, 12, 7, 6, 1]
    june = next(r for r in months if r[0] == "شهریور ۱۴۰۴")
    assert june[1:5] == [2, 8, 4, 4]
    assert read_csv(client.get("/reports/months.csv", query_string=YEAR_1404).data)[-1][:6] == ["جمع", "3", "12", "7", "6", "1"]
    ngos = read_xlsx(client.get("/reports/ngos.xlsx", query_string=YEAR_1404).data)
    assert {r[0]: r[4:] for r in ngos[1:]} == {"انجمن الف": [2, 2, 2, 1], "کانون ت": [2, 2, 2, 0],
                                               "انجمن ب": [1, 1, 1, 1], "کانون پ": [1, 1, 1, 1]}
    outreach = read_csv(client.get("/reports/reach.csv", query_string=YEAR_1404).data)
    assert [r[0] for r in outreach[1:]] == ["جمعیت ج", "جمعیت چ"]
    awards = read_csv(client.get("/reports/awards.csv", query_string=YEAR_1404).data)
    assert ["نوع", "لوح تقدیر"] == awards[1][:2] and awards[1][-1] == "2"
    activity = read_xlsx(client.get("/reports/activity.xlsx").data)
    assert activity[0][0] == "استان" and activity[-1][0] in ("جمع", "جمع کشور")
    response = client.get("/reports/events.xlsx", query_string=YEAR_1404)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"


def test_the_attendance_sheet_and_its_export(client, as_user, world):
    as_user("organizer", body="B1")
    e1 = world.events["E1"]
    html = client.get(f"/reports/events/{e1.id}/attendance").get_data(as_text=True)
    assert "۱۰ مرداد ۱۴۰۳" in html and "۱۱ مرداد ۱۴۰۳" in html and html.count("غایب") >= 3
    rows = read_xlsx(client.get(f"/reports/events/{e1.id}/attendance", query_string={"format": "xlsx"}).data)
    assert rows[0][-2:] == ["۱۰ مرداد ۱۴۰۳", "۱۱ مرداد ۱۴۰۳"]
    assert [r[1] for r in rows[1:]] == ["شرکت‌کننده 1", "شرکت‌کننده 2", "شرکت‌کننده 3"]
    assert rows[2][-1] == "غایب" and rows[3][-2:] == ["غایب", "غایب"] and rows[1][-1] == "۰۹:۰۵"
    assert rows[0][2] == "کد ملی" and len(rows[1][2]) == 10
    # Another body's event: not found (its existence is not told).
    assert client.get(f"/reports/events/{world.events['E4'].id}/attendance").status_code == 404


def test_a_provincial_office_sees_other_bodies_sheets_without_national_ids(client, as_user, world):
    as_user("organizer", body="B2")
    e4 = world.events["E4"]  # B4's meeting in Shahroud, Semnan
    rows = read_xlsx(client.get(f"/reports/events/{e4.id}/attendance", query_string={"format": "xlsx"}).data)
    assert "کد ملی" not in rows[0] and [r[1] for r in rows[1:]] == ["شرکت‌کننده 2", "شرکت‌کننده 8"]


def test_the_outreach_list_becomes_an_invitation_list(client, as_user, world, db):
    as_user("organizer", body="B1")
    upcoming = world.events["upcoming"]
    page = client.get("/reports/reach").get_data(as_text=True)
    assert "کارگاه آینده" in page and "جمعیت چ" in page
    done = client.post("/reports/reach/invite", data={"event_id": str(upcoming.id)})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/events/{upcoming.id}")
    db.session.expire_all()
    assert [i.ngo_id for i in db.session.query(Invitation).filter_by(event_id=upcoming.id)] == [world.ngos["N7"].id]
    # Another body's event cannot be the target.
    other = client.post("/reports/reach/invite", data={"event_id": str(world.events["E4"].id)})
    assert other.status_code == 302 and "/reports/reach" in other.headers["Location"]


def test_only_admins_set_the_activity_rule(client, as_user, db):
    as_user("organizer", body="B1")
    assert client.post("/reports/activity", data={"months": "6", "active_min": "3", "semi_min": "1"}).status_code == 403
    client.post("/logout")
    as_user("admin")
    saved = client.post("/reports/activity", data={"months": "۶", "active_min": "۳", "semi_min": "۱"})
    assert saved.status_code == 303
    assert (db.session.query(ReportSettings).one().months, db.session.query(ReportSettings).one().active_min) == (6, 3)
    page = client.get("/reports/activity").get_data(as_text=True)
    assert "در ۶ ماه گذشته" in page and "دست‌کم ۳ رویداد" in page
    refused = client.post("/reports/activity", data={"months": "6", "active_min": "1", "semi_min": "1"}, follow_redirects=True)
    assert "حد «فعال» بیش از حد «نیمه‌فعال»" in refused.get_data(as_text=True)


def test_the_ngo_history_page(client, as_user, world):
    as_user("admin")
    html = client.get(f"/reports/ngos/{world.ngos['N1'].id}").get_data(as_text=True)
    assert "کارگاه یک" in html and "نشست دو" in html and "نشست چهار" in html and "لوح تقدیر" in html
    detail = client.get(f"/ngos/{world.ngos['N1'].id}").get_data(as_text=True)
    assert "سابقهٔ حضور" in detail


def test_secretaries_and_door_staff_have_no_reports(client, as_user):
    as_user("secretary")
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/months.csv").status_code == 403


def test_pages_and_exports_run_a_fixed_number_of_statements(client, as_user, world, db, make_ngo):
    """No query per row, templates included: count the statements of each page and export,
    add NGOs (never reached, so listed) and attendees, count again."""
    from sqlalchemy import event as sa_event

    as_user("admin")
    urls = ["/reports/?year=", "/reports/events?year=", "/reports/reach?year=", "/reports/ngos?year=",
            "/reports/activity", "/reports/awards?year=", f"/reports/events/{world.events['E1'].id}/attendance",
            f"/reports/ngos/{world.ngos['N1'].id}", "/reports/reach.csv?year=", "/reports/ngos.xlsx?year=",
            f"/ngos/{world.ngos['N1'].id}"]

    def statements(url):
        db.session.remove()  # each request starts from an empty session, before and after
        seen = []
        listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200, url
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    for url in urls:
        client.get(url)  # warm: the facts are fresh, caches filled
    before = {url: statements(url) for url in urls}
    places = [("گلستان", "گنبد کاووس"), ("اصفهان", "کاشان"), ("سمنان", "مهدیشهر"), ("تهران", "تهران"),
              ("یزد", None), ("فارس", None)]
    for i, (province, county) in enumerate(places):  # each in a province and county of its own
        make_ngo(name=f"سمن تازه {i}", province=province, county=county)
    after = {url: statements(url) for url in urls}
    assert after == before
    assert max(before[u] for u in urls[:-1]) <= 20


def test_a_secretary_sees_their_ngos_participation_on_its_page(client, make_user, world):
    secretary = make_user("secretary", ngo=world.ngos["N1"])
    assert login(client, secretary).status_code == 302
    html = client.get("/my-ngo").get_data(as_text=True)
    section = html[html.index('id="participation"'):]
    # Every event of any body (E1 and E2 of B1, E4 of B4), without the organizers' export links.
    assert "کارگاه یک" in section and "نشست دو" in section and "نشست چهار" in section
    assert "/reports/ngos/" not in section
