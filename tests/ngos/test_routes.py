"""NGO registry pages through the Flask test client."""
import io
import re

from sqlalchemy import func, select

from eventsapp.accounts.models import BodyKind, Role, User
from eventsapp.ngos.models import ClaimStatus, Ngo, NgoStatus, SecretaryClaim
from tests.conftest import csrf_token_from, login


def text(response):
    return response.get_data(as_text=True)


def ngo_count(db):
    return db.session.scalar(select(func.count(Ngo.id)))


# --- list, search, paging ------------------------------------------------------------------

def test_registry_is_for_organizers_and_admins(client, login_as):
    assert "/login" in client.get("/ngos/").location
    login_as("secretary")
    assert client.get("/ngos/").status_code == 403
    assert client.get("/ngos/import").status_code == 403


def test_list_searches_persian_normalised_and_shows_the_total(client, login_as, make_ngo):
    login_as("organizer")
    make_ngo(name="کانون فرهنگی نیکان", registration_no="1001")
    make_ngo(name="انجمن سبز", registration_no="1002")
    page = text(client.get("/ngos/"))
    assert "۲ سمن" in page and "کانون فرهنگی نیکان" in page and "انجمن سبز" in page
    found = text(client.get("/ngos/?q=كانون"))
    assert "کانون فرهنگی نیکان" in found and "انجمن سبز" not in found
    assert "۱ سمن با این ویژگی‌ها" in found
    assert "انجمن سبز" in text(client.get("/ngos/?q=۱۰۰۲"))
    assert "سمنی با این ویژگی‌ها پیدا نشد" in text(client.get("/ngos/?q=ناموجود"))


def test_list_filters_and_pages(client, login_as, make_ngo, place, db):
    login_as("admin")
    for i in range(35):
        make_ngo(name=f"سمن {i:02d}", province="تهران", county="شمیرانات")
    other = make_ngo(name="سمن اصفهانی", province="اصفهان", county="کاشان")
    other.status = NgoStatus.inactive
    db.session.commit()
    first = text(client.get("/ngos/"))
    assert "۳۶ سمن" in first and "صفحهٔ ۱ از ۲" in first and "سمن 00" in first
    second = text(client.get("/ngos/?page=2"))
    assert "سمن 34" in second and "سمن 00" not in second
    isfahan = text(client.get(f"/ngos/?province={place('اصفهان').id}"))
    assert "سمن اصفهانی" in isfahan and "سمن 01" not in isfahan
    assert "سمن اصفهانی" in text(client.get("/ngos/?status=inactive"))
    assert "سمن اصفهانی" not in text(client.get("/ngos/?status=active"))
    assert client.get("/ngos/?status=nonsense&field=x&charity=z&page=-3").status_code == 200


# --- NGO page, create, edit ----------------------------------------------------------------

def test_ngo_page_shows_details_and_secretaries(client, login_as, make_ngo, make_user):
    login_as("organizer")
    ngo = make_ngo(name="کانون نیکان", registration_no="4321")
    make_user("secretary", ngo=ngo, full_name="نرگس کاظمی")
    page = text(client.get(f"/ngos/{ngo.id}"))
    assert "کانون نیکان" in page and ">4321<" in page and "نرگس کاظمی" in page
    assert f"/ngos/{ngo.id}/edit" in page
    assert client.get("/ngos/999999").status_code == 404


def test_create_an_ngo(client, login_as, place, db):
    login_as("organizer")
    tehran, ray = place("تهران"), place("تهران", "ری")
    form = client.get("/ngos/new")
    assert form.status_code == 200 and f'<option selected value="{tehran.id}">' in text(form)
    response = client.post("/ngos/new", data={
        "name": "انجمن ياوران", "registration_no": "۵۵۵۱", "province_id": tehran.id,
        "county_id": ray.id, "fields": ["youth", "health"], "status": "active",
        "capacity_level": "2", "phone": "021 5555 1111", "is_charity": "y"})
    ngo = db.session.scalar(select(Ngo).where(Ngo.registration_no == "5551"))
    assert response.status_code == 302 and response.location == f"/ngos/{ngo.id}"
    assert (ngo.name, ngo.fields, ngo.county, ngo.is_charity, ngo.phone) == (
        "انجمن یاوران", ",health,youth,", ray, True, "02155551111")
    again = client.post("/ngos/new", data={"name": "دیگری", "registration_no": "5551",
                                           "province_id": tehran.id, "status": "active"})
    assert again.status_code == 400
    assert "سمن دیگری با شمارهٔ ثبت ۵۵۵۱ ثبت شده است." in text(again)
    assert ngo_count(db) == 1


def test_organizer_edits_only_ngos_of_their_province(client, login_as, make_ngo, place, db):
    login_as("organizer")  # a Tehran body
    mine = make_ngo(name="سمن تهرانی", registration_no="101", province="تهران", county="شمیرانات")
    theirs = make_ngo(name="سمن اصفهانی", registration_no="202", province="اصفهان", county="کاشان")
    assert client.get(f"/ngos/{theirs.id}").status_code == 200  # may look
    assert f"/ngos/{theirs.id}/edit" not in text(client.get(f"/ngos/{theirs.id}"))
    assert client.get(f"/ngos/{theirs.id}/edit").status_code == 403
    refused = client.post(f"/ngos/{theirs.id}/edit", data={"name": "ربوده", "registration_no": "202",
                                                          "status": "active"})
    assert refused.status_code == 403
    assert client.get(f"/ngos/{theirs.id}/secretaries/new").status_code == 403
    db.session.refresh(theirs)
    assert theirs.name == "سمن اصفهانی"

    page = client.get(f"/ngos/{mine.id}/edit")
    assert page.status_code == 200 and 'value="101"' in text(page)
    saved = client.post(f"/ngos/{mine.id}/edit", data={
        "name": "سمن تهرانی تازه", "registration_no": "101", "province_id": place("تهران").id,
        "status": "semi_active", "address": "تجریش"})
    assert saved.status_code == 302
    db.session.refresh(mine)
    assert (mine.name, mine.status, mine.address) == ("سمن تهرانی تازه", NgoStatus.semi_active, "تجریش")
    moved = client.post(f"/ngos/{mine.id}/edit", data={
        "name": "سمن تهرانی تازه", "registration_no": "101", "province_id": place("اصفهان").id,
        "county_id": "", "status": "active"})
    assert moved.status_code == 400 and "بیرون از استان نهاد شماست" in text(moved)


def test_national_organizer_and_admin_edit_everywhere(client, login_as, make_ngo, make_body):
    ngo = make_ngo(province="اصفهان", county="کاشان")
    login_as("organizer", body=make_body(name="ستاد ملی", kind=BodyKind.other, province=None,
                                         county=None))
    assert client.get(f"/ngos/{ngo.id}/edit").status_code == 200


# --- secretaries ---------------------------------------------------------------------------

def test_organizer_creates_a_secretary_account(client, login_as, make_ngo, db):
    login_as("organizer")
    ngo = make_ngo()
    response = client.post(f"/ngos/{ngo.id}/secretaries/new", data={
        "username": "dabir.nikan", "full_name": "زهرا احمدی", "mobile": "۰۹۱۲۱۲۳۴۵۶۷"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "dabir.nikan"))
    assert (user.role, user.ngo_id) == (Role.secretary, ngo.id)
    flashed = text(client.get(response.location))
    assert "گذرواژهٔ او" in flashed and "زهرا احمدی" in flashed
    taken = client.post(f"/ngos/{ngo.id}/secretaries/new", data={
        "username": "dabir.nikan", "full_name": "دیگری", "password": "long-enough"})
    assert taken.status_code == 400 and "این نام کاربری پیش‌تر ثبت شده است." in text(taken)


def test_claim_approve_and_the_new_secretary_logs_in(client, login_as, make_ngo, db):
    ngo = make_ngo(name="کانون نیکان", registration_no="7788")
    form = client.get("/signup/secretary")
    assert form.status_code == 200 and "ثبت‌نام دبیر سمن" in text(form)
    unknown = client.post("/signup/secretary", data={
        "registration_no": "0000", "full_name": "مریم نوری", "mobile": "09121112233",
        "username": "maryam", "password": "secret-123", "password2": "secret-123"})
    assert unknown.status_code == 400 and "سمنی با این شمارهٔ ثبت پیدا نشد" in text(unknown)
    sent = client.post("/signup/secretary", data={
        "registration_no": "۷۷۸۸", "full_name": "مریم نوری", "mobile": "09121112233",
        "username": "maryam", "password": "secret-123", "password2": "secret-123"})
    assert sent.status_code == 200 and "درخواست شما فرستاده شد" in text(sent)
    assert login(client, "maryam", "secret-123").status_code == 400  # not yet

    login_as("organizer")
    claims = text(client.get("/ngos/claims"))
    assert "مریم نوری" in claims and "کانون نیکان" in claims
    claim = db.session.scalar(select(SecretaryClaim))
    assert f"/ngos/claims/{claim.id}/approve" in text(client.get(f"/ngos/{ngo.id}"))
    approved = client.post(f"/ngos/claims/{claim.id}/approve")
    assert approved.status_code == 302 and approved.location == "/ngos/claims"
    assert "دبیر کانون نیکان شد" in text(client.get("/ngos/claims"))
    db.session.refresh(claim)
    assert claim.status == ClaimStatus.approved
    client.post("/logout")

    response = login(client, "maryam", "secret-123")
    assert response.status_code == 302 and response.location == "/secretary/"
    assert client.get("/secretary/").status_code == 200


def test_reject_a_claim_and_claims_of_other_provinces_are_not_ours(client, login_as, make_ngo, db):
    isfahan = make_ngo(registration_no="3030", province="اصفهان", county="کاشان")
    tehran = make_ngo(registration_no="4040")
    for regno, username in (("3030", "isf.sec"), ("4040", "teh.sec")):
        client.post("/signup/secretary", data={
            "registration_no": regno, "full_name": "درخواست‌دهنده", "mobile": "09121112233",
            "username": username, "password": "secret-123", "password2": "secret-123"})
    login_as("organizer")
    other = db.session.scalar(select(SecretaryClaim).where(SecretaryClaim.ngo_id == isfahan.id))
    ours = db.session.scalar(select(SecretaryClaim).where(SecretaryClaim.ngo_id == tehran.id))
    assert "isf.sec" not in text(client.get("/ngos/claims"))
    assert client.post(f"/ngos/claims/{other.id}/approve").status_code == 403
    rejected = client.post(f"/ngos/claims/{ours.id}/reject", data={"note": "ناشناس", "back": "ngo"})
    assert rejected.location == f"/ngos/{tehran.id}"
    db.session.refresh(ours)
    assert (ours.status, ours.decision_note) == (ClaimStatus.rejected, "ناشناس")
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "teh.sec")) == 0


def test_secretary_sees_and_edits_only_their_own_ngo(client, login_as, make_ngo, db):
    mine = make_ngo(name="سمن من", registration_no="111")
    other = make_ngo(name="سمن دیگر", registration_no="222")
    login_as("secretary", ngo=mine)
    page = text(client.get("/my-ngo"))
    assert "سمن من" in page and ">111<" in page and "سمن دیگر" not in page
    assert 'name="registration_no"' not in page
    for url in (f"/ngos/{other.id}", f"/ngos/{mine.id}", f"/ngos/{mine.id}/edit", "/ngos/claims"):
        assert client.get(url).status_code == 403, url
    saved = client.post("/my-ngo", data={"address": "خیابان آزادی", "phone": "۰۲۱۶۶۵۵۴۴۳۳",
                                         "fields": ["family"], "registration_no": "999",
                                         "name": "ربوده"})
    assert saved.status_code == 302
    db.session.refresh(mine)
    assert (mine.address, mine.phone, mine.fields) == ("خیابان آزادی", "02166554433", ",family,")
    assert (mine.registration_no, mine.name) == ("111", "سمن من")
    bad = client.post("/my-ngo", data={"phone": "تلفن ندارد"})
    assert bad.status_code == 400 and "شمارهٔ تلفن فقط از رقم" in text(bad)


# --- import --------------------------------------------------------------------------------

CSV = ("\ufeffنام,شماره ثبت,استان,شهرستان,وضعیت\r\n"
       "کانون نیکان,9001,تهران,شمیرانات,فعال\r\n"
       ",9002,تهران,,\r\n"
       "انجمن سبز,9003,اصفهان,کاشان,غیرفعال\r\n"
       "سمن موجود,9004,,,نیمه‌فعال\r\n"
       "تکراری,9001,,,\r\n")


def upload(client, data=CSV, filename="ngos.csv"):
    raw = data.encode() if isinstance(data, str) else data
    return client.post("/ngos/import", data={"file": (io.BytesIO(raw), filename)},
                       content_type="multipart/form-data")


def test_import_preview_confirm_in_chunks_and_report(client, login_as, make_ngo, db):
    make_ngo(name="نام قدیم", registration_no="9004")
    login_as("admin")
    assert client.get("/ngos/import").status_code == 200
    response = upload(client)
    assert response.status_code == 302
    token = re.search(r"/ngos/import/([\w-]+)$", response.location).group(1)
    preview = text(client.get(response.location))
    assert "پیش‌نمایش ورود سمن‌ها" in preview
    assert "وارد کردن" in preview and "<progress" in preview and "ngo-import.js" in preview
    assert "کانون نیکان" in preview and "انجمن سبز" in preview
    assert "نام سمن را وارد کنید." in preview
    assert "شمارهٔ ثبت ۹۰۰۱ در ردیف ۲ همین پرونده هم آمده است." in preview
    assert ngo_count(db) == 1  # the preview writes nothing

    progress = client.post(f"/ngos/import/{token}/chunk?start=0")
    assert progress.status_code == 200
    data = progress.get_json()
    assert (data["added"], data["updated"], data["done"], data["next"], data["total"]) == (2, 1, True, 3, 3)
    # A retried chunk is not applied twice.
    assert client.post(f"/ngos/import/{token}/chunk?start=0").get_json()["added"] == 2
    assert ngo_count(db) == 3
    assert db.session.scalar(select(Ngo.name).where(Ngo.registration_no == "9004")) == "سمن موجود"

    report = text(client.get(data["report_url"]))
    assert "ورود پرونده پایان یافت" in report and "نام سمن را وارد کنید." in report
    assert client.get(f"/ngos/import/{token}").location.endswith("/report")
    rejected = client.get(f"/ngos/import/{token}/rejected.csv")
    assert rejected.mimetype == "text/csv"
    body = rejected.get_data(as_text=True)
    assert body.startswith("\ufeffردیف,نام,شماره ثبت,استان,شهرستان,وضعیت,دلیل رد")
    assert "6,تکراری,9001" in body and len(body.strip().splitlines()) == 3


def test_import_without_javascript_applies_in_one_post(client, login_as, db):
    login_as("organizer", body=None)
    token = upload(client, "نام,شماره ثبت,استان\r\nالف,501,\r\nب,502,تهران\r\n").location.rsplit("/", 1)[1]
    response = client.post(f"/ngos/import/{token}/apply")
    assert response.status_code == 302 and response.location.endswith(f"/ngos/import/{token}/report")
    report = text(client.get(response.location))
    assert "سمن افزوده شد" in report
    assert ngo_count(db) == 2  # a Tehran organizer: the row with no province lands in Tehran
    assert {n.province.name for n in db.session.scalars(select(Ngo))} == {"تهران"}


def test_import_refuses_bad_files_and_other_peoples_tokens(client, login_as, make_user):
    login_as("admin")
    bad = upload(client, b"\xd0\xcf\x11\xe0old", "old.xls")
    assert bad.status_code == 400 and "قالب قدیمی xls" in text(bad)
    missing = upload(client, "استان\r\nقم\r\n")
    assert missing.status_code == 400 and "«نام»" in text(missing)
    wrong_type = upload(client, b"hello", "notes.pdf")
    assert wrong_type.status_code == 400 and "فقط پروندهٔ CSV یا xlsx" in text(wrong_type)
    token = upload(client).location.rsplit("/", 1)[1]
    client.post("/logout")
    login(client, make_user("admin"))
    assert client.get(f"/ngos/import/{token}").status_code == 404
    assert client.post(f"/ngos/import/{token}/chunk?start=0").status_code == 404
    assert client.get("/ngos/import/..%2F..%2Fsecret").status_code == 404


def test_import_xlsx_through_the_page(client, login_as, db):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["name", "registration_no", "province"])
    wb.active.append(["Green Hands", 6060, "Gilan"])
    out = io.BytesIO()
    wb.save(out)
    login_as("admin")
    token = upload(client, out.getvalue(), "list.xlsx").location.rsplit("/", 1)[1]
    assert "Green Hands" in text(client.get(f"/ngos/import/{token}"))
    client.post(f"/ngos/import/{token}/apply")
    assert db.session.scalar(select(Ngo.registration_no)) == "6060"


# --- CSRF ----------------------------------------------------------------------------------

def test_claim_form_needs_its_csrf_token(client, make_ngo, csrf_on, db):
    make_ngo(registration_no="8080")
    data = {"registration_no": "8080", "full_name": "علی رضایی", "mobile": "09121112233",
            "username": "ali.r", "password": "secret-123", "password2": "secret-123"}
    forged = client.post("/signup/secretary", data={**data, "csrf_token": "forged"})
    assert forged.status_code == 400 and "درخواست نامعتبر" in text(forged)
    assert db.session.scalar(select(func.count(SecretaryClaim.id))) == 0
    token = csrf_token_from(text(client.get("/signup/secretary")))
    sent = client.post("/signup/secretary", data={**data, "csrf_token": token})
    assert sent.status_code == 200 and "درخواست شما فرستاده شد" in text(sent)


def test_list_queries_do_not_grow_with_the_page(client, login_as, make_ngo, db):
    from sqlalchemy import event

    login_as("admin")
    statements = []

    def count(*args):
        statements.append(args[2])

    def queries_for_list():
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/ngos/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    make_ngo(province="تهران", county="شمیرانات")
    few = queries_for_list()
    for i in range(12):
        make_ngo(province=["تهران", "اصفهان", "فارس"][i % 3], county=None)
    assert queries_for_list() == few
