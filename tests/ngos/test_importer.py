"""Importing NGOs from CSV and XLSX: reading, checking rows, upserting by registration number."""
import io
from datetime import datetime, timezone

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from eventsapp.ngos import importer
from eventsapp.ngos.importer import FileReason, ImportFileError
from eventsapp.ngos.models import ActivityField, Ngo, NgoStatus

NOW = datetime(2026, 8, 13, 8, 0, tzinfo=timezone.utc)

PERSIAN_HEADER = "نام,شماره ثبت,خیریه,حوزه فعالیت,استان,شهرستان,نشانی,تلفن,وضعیت,سطح توانمندی"
ENGLISH_HEADER = "name,registration_no,charity,fields,province,county,address,phone,status,capacity_level"


def csv_bytes(lines, encoding="utf-8", bom=False):
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(db, data, filename="ngos.csv", **kw):
    checked = importer.parse_upload(db.session, data, filename, **kw)
    result = importer.apply_import(db.session, checked.good, now=NOW)
    db.session.commit()
    return checked, result


def ngo(db, regno):
    return db.session.scalar(select(Ngo).where(Ngo.registration_no == regno))


def ngo_count(db):
    return db.session.scalar(select(func.count(Ngo.id)))


def test_csv_with_bom_and_persian_headers(db, place):
    data = csv_bytes([
        PERSIAN_HEADER,
        'کانون فرهنگی نیکان,۱۰۰۱,بله,"فرهنگی، جوانان",تهران,شمیرانات,تجریش,۰۲۱-۲۲۳۳۴۴۵۵,نیمه‌فعال,۲',
        "انجمن سبز,1002,خیر,زیست محیطی,اصفهان,کاشان,,,غیر فعال,",
    ], bom=True)
    checked, result = run(db, data)
    assert checked.rejected == []
    assert (result.added, result.updated, result.unchanged) == (2, 0, 0)
    a = ngo(db, "1001")
    assert a.name == "کانون فرهنگی نیکان" and a.name_key == "کانون فرهنگی نیکان"
    assert a.is_charity is True
    assert a.activity_fields == [ActivityField.cultural, ActivityField.youth]
    assert (a.province, a.county) == (place("تهران"), place("تهران", "شمیرانات"))
    assert (a.address, a.phone, a.status, a.capacity_level) == ("تجریش", "02122334455",
                                                                NgoStatus.semi_active, 2)
    assert (a.created_at, a.updated_at) == (NOW, NOW)
    b = ngo(db, "1002")
    assert (b.is_charity, b.fields, b.status, b.capacity_level) == (False, ",environmental,",
                                                                    NgoStatus.inactive, None)


def test_cp1256_csv_from_persian_windows_excel(db):
    # Windows-1256 has no Persian yeh: Excel writes Arabic ي (and semicolons in some locales).
    lines = ["نام;شماره ثبت;استان;وضعيت", "كانون دوستداران كتاب;2001;فارس;فعال"]
    data = csv_bytes(lines, encoding="cp1256")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    checked, result = run(db, data)
    assert checked.rejected == [] and result.added == 1
    saved = ngo(db, "2001")
    assert saved.name == "کانون دوستداران کتاب"  # Arabic kaf and yeh normalised
    assert saved.province.name == "فارس"


def test_xlsx_with_english_headers_numbers_and_blank_rows(db, place):
    data = xlsx_bytes([
        ["Name", "Registration No", "Charity", "Fields", "Province", "County", "Phone", "Status",
         "Capacity Level", "Website"],
        ["Green Hands", 3001, "yes", "environmental, health", "Gilan", "رشت", 1333445566,
         "active", 3, "example.org"],
        [None, None, None, None, None, None, None, None, None, None],
        ["خانهٔ امید", 3002.0, 0, "social_harm", "خراسان رضوی", "مشهد", "05138001122",
         "semi_active", "1", None],
    ])
    checked, result = run(db, data, "ngos.xlsx")
    assert checked.rejected == []
    assert checked.unknown_headers == ["Website"]
    assert result.added == 2
    green = ngo(db, "3001")
    assert green.name == "Green Hands" and green.province.name == "گیلان"
    assert green.phone == "01333445566"  # Excel dropped the leading zero of the number
    assert green.activity_fields == [ActivityField.environmental, ActivityField.health]
    assert green.capacity_level == 3 and green.is_charity is True
    hope = ngo(db, "3002")
    assert hope.is_charity is False and hope.county == place("خراسان رضوی", "مشهد")
    assert [r["row"] for r in checked.good] == [2, 4]


def test_bad_rows_are_rejected_with_reasons_and_good_rows_go_in(db):
    data = csv_bytes([
        ENGLISH_HEADER,
        "Good one,4001,no,youth,تهران,ری,,,active,1",
        ",4002,,,,,,,,",
        "Bad number,40-03,,,,,,,,",
        "Bad place,4004,,,Atlantis,,,,,",
        "Wrong county,4005,,,تهران,کاشان,,,,",
        "Bad values,4006,maybe,cooking,,,,abc,sleeping,7",
        "Good two,4007,,,,,,,,",
    ])
    checked, result = run(db, data)
    assert result.added == 2
    assert {n.registration_no for n in db.session.scalars(select(Ngo))} == {"4001", "4007"}
    reasons = {r["row"]: r["reasons"] for r in checked.rejected}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert reasons[3] == ["نام سمن را وارد کنید."]
    assert "شمارهٔ ثبت فقط از رقم" in reasons[4][0]
    assert reasons[5] == ["استان «Atlantis» شناخته نیست."]
    assert reasons[6] == ["شهرستان «کاشان» در استان «تهران» نیست."]
    assert reasons[7] == [
        "مقدار ستون خیریه «maybe» نامفهوم است؛ «بله» یا «خیر» بنویسید.",
        "حوزهٔ فعالیت «cooking» شناخته نیست.",
        "شمارهٔ تلفن فقط از رقم تشکیل می‌شود (مانند ۰۲۱۲۲۳۳۴۴۵۵).",
        "وضعیت «sleeping» شناخته نیست؛ «فعال»، «نیمه‌فعال» یا «غیرفعال» بنویسید.",
        "سطح توانمندی «7» درست نیست؛ ۱، ۲ یا ۳ بنویسید.",
    ]
    assert checked.rejected[0]["values"][:2] == ["", "4002"]


def test_a_number_twice_in_one_file_rejects_the_later_row(db):
    data = csv_bytes(["نام,شماره ثبت", "اول,5001", "دوم,5002", "تکراری,۵۰۰۱"])
    checked, result = run(db, data)
    assert result.added == 2
    assert checked.rejected == [{"row": 4, "values": ["تکراری", "۵۰۰۱"], "reasons": [
        "شمارهٔ ثبت ۵۰۰۱ در ردیف ۲ همین پرونده هم آمده است."]}]
    assert ngo(db, "5001").name == "اول"


def test_reimport_updates_by_number_and_never_duplicates(db, make_ngo, place):
    make_ngo(name="نام قدیم", registration_no="6001", province="تهران", county="شمیرانات")
    first = csv_bytes(["نام,شماره ثبت,استان,تلفن,وضعیت",
                       "نام تازه,6001,,02111112222,",
                       "سمن دوم,6002,قم,,غیرفعال"])
    _, result = run(db, first)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 0)
    old = ngo(db, "6001")
    db.session.refresh(old)
    assert old.name == "نام تازه" and old.phone == "02111112222"
    assert old.province == place("تهران") and old.county == place("تهران", "شمیرانات")  # blank: kept
    assert old.updated_at == NOW
    _, again = run(db, first)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    # Moving an NGO to another province drops its old county.
    _, moved = run(db, csv_bytes(["نام,شماره ثبت,استان", "نام تازه,6001,قم"]))
    assert moved.updated == 1
    db.session.refresh(old)
    assert old.province == place("قم") and old.county is None
    assert ngo_count(db) == 2


def test_a_few_hundred_generated_rows_in_chunks(db, monkeypatch, place):
    monkeypatch.setattr(importer, "CHUNK", 70)
    provinces = ["تهران", "اصفهان", "فارس", "گیلان"]
    lines = [PERSIAN_HEADER]
    for i in range(450):
        lines.append(f"سمن شماره {i},{7000 + i},{'بله' if i % 3 == 0 else 'خیر'},"
                     f"\"{'فرهنگی،سلامت' if i % 2 else 'ورزشی'}\",{provinces[i % 4]},,,,"
                     f"{['فعال', 'نیمه‌فعال', 'غیرفعال'][i % 3]},{i % 3 + 1}")
    lines.append("سمن بی‌شماره,,,,,,,,,")
    checked, result = run(db, csv_bytes(lines))
    assert (result.added, len(checked.rejected)) == (450, 1)
    assert ngo_count(db) == 450
    sample = ngo(db, "7301")
    assert (sample.name, sample.is_charity, sample.fields, sample.province, sample.status,
            sample.capacity_level) == ("سمن شماره 301", False, ",cultural,health,",
                                       place("اصفهان"), NgoStatus.semi_active, 2)
    # Half the rows changed, a few new ones: updates and inserts, still no duplicates.
    lines2 = [PERSIAN_HEADER] + [f"سمن نو {i},{7000 + i},,,,,,,," for i in range(0, 500, 2)]
    _, result2 = run(db, csv_bytes(lines2))
    assert (result2.added, result2.updated, result2.unchanged) == (25, 225, 0)
    assert ngo_count(db) == 475
    assert ngo(db, "7300").name == "سمن نو 300" and ngo(db, "7300").status == NgoStatus.active
    assert db.session.scalar(select(func.count(func.distinct(Ngo.registration_no)))) == 475


def test_provincial_scope_keeps_rows_in_the_province(db, make_ngo, place):
    make_ngo(registration_no="8003", province="اصفهان", county="کاشان")
    data = csv_bytes(["نام,شماره ثبت,استان", "الف,8001,", "ب,8002,فارس", "ج,8003,"])
    checked, result = run(db, data, scope_province_id=place("تهران").id)
    assert result.added == 1 and ngo(db, "8001").province == place("تهران")
    assert [(r["row"], r["reasons"]) for r in checked.rejected] == [
        (3, ["این سمن بیرون از استان نهاد شماست."]), (4, ["این سمن بیرون از استان نهاد شماست."])]


def test_apply_skips_rows_that_left_the_scope_since_the_preview(db, make_ngo, place):
    tehran = place("تهران")
    checked = importer.parse_upload(db.session, csv_bytes(["نام,شماره ثبت", "الف,8101"]),
                                    scope_province_id=tehran.id)
    make_ngo(registration_no="8101", province="قم", county=None)
    result = importer.apply_import(db.session, checked.good, now=NOW, scope_province_id=tehran.id)
    assert (result.added, result.updated, result.skipped[0]["row"]) == (0, 0, 2)
    assert ngo(db, "8101").province == place("قم")


@pytest.mark.parametrize("data,filename,reason", [
    (b"", "a.csv", FileReason.empty),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.xls", FileReason.old_xls),
    (b"not a zip", "a.xlsx", FileReason.unreadable_xlsx),
    (b"PK\x03\x04broken", "a.xlsx", FileReason.unreadable_xlsx),
    ("نام,تلفن\nالف,1\n".encode(), "a.csv", FileReason.missing_columns),
    ("نام,شماره ثبت\n".encode(), "a.csv", FileReason.no_rows),
])
def test_unreadable_files_are_refused_in_persian(db, data, filename, reason):
    with pytest.raises(ImportFileError) as refused:
        importer.parse_upload(db.session, data, filename)
    assert refused.value.reason == reason
    assert refused.value.message and not refused.value.message.isascii()


def test_missing_columns_are_named(db):
    with pytest.raises(ImportFileError) as refused:
        importer.parse_upload(db.session, "استان,تلفن\nقم,1\n".encode())
    assert "«نام»، «شماره ثبت»" in refused.value.message


def test_rejected_rows_csv_has_a_bom_the_cells_and_the_reasons(db):
    checked = importer.parse_upload(db.session, csv_bytes(["نام,شماره ثبت", ",9001"]))
    payload = checked.as_json()
    rows = importer.report_rows(payload, None)
    assert rows[0]["summary"] == "۹۰۰۱"
    text = importer.rejected_csv(payload["headers"], rows)
    assert text.startswith("\ufeffردیف,نام,شماره ثبت,دلیل رد\r\n")
    assert "2,,9001,نام سمن را وارد کنید." in text


def test_import_store_round_trip_and_refuses_bad_tokens(tmp_path):
    store = importer.ImportStore(tmp_path / "imports")
    token = store.create({"good": [{"row": 2}], "rejected": []})
    assert store.load(token) == {"good": [{"row": 2}], "rejected": []}
    assert store.progress(token)["total"] == 1
    assert store.load("../../etc/passwd") is None
    assert store.load("x" * 30) is None
