"""NGO registry services: validation refusals, search, who may edit, secretaries and claims."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from eventsapp.accounts.models import BodyKind, Role, User
from eventsapp.accounts.services import AccountError, AccountReason, authenticate
from eventsapp.ngos import services
from eventsapp.ngos.models import ActivityField, ClaimStatus, Ngo, NgoStatus, SecretaryClaim
from eventsapp.ngos.services import NgoError, NgoReason

NOW = datetime(2026, 8, 13, 8, 0, tzinfo=timezone.utc)


def count(db, model=Ngo):
    return db.session.scalar(select(func.count()).select_from(model))


def save(db, ngo=None, **kw):
    fields = {"name": "انجمن یاوران", "registration_no": "12345"}
    fields.update(kw)
    return services.save_ngo(db.session, ngo, **fields)


# --- saving --------------------------------------------------------------------------------

def test_save_ngo_normalises_and_stores_every_field(db, place):
    tehran, shemiranat = place("تهران"), place("تهران", "شمیرانات")
    ngo = save(db, name="  كانون   دوستداران  كتاب ", registration_no="۱۲۳۴۵", is_charity=True,
               fields=["youth", ActivityField.cultural], province=tehran, county=shemiranat,
               address="خیابان  ولي‌عصر", phone="۰۲۱-۲۲۳۳ ۴۴۵۵", status="semi_active",
               capacity_level="2", now=NOW)
    db.session.commit()
    assert ngo.name == "کانون دوستداران کتاب"
    assert ngo.name_key == "کانون دوستداران کتاب"
    assert ngo.registration_no == "12345"
    assert ngo.is_charity is True
    assert ngo.activity_fields == [ActivityField.cultural, ActivityField.youth]
    assert ngo.fields == ",cultural,youth,"
    assert (ngo.province, ngo.county) == (tehran, shemiranat)
    assert ngo.address == "خیابان ولی‌عصر"
    assert ngo.phone == "02122334455"
    assert ngo.status == NgoStatus.semi_active
    assert ngo.capacity_level == 2 and ngo.capacity_label == "متوسط"
    assert ngo.updated_at == NOW


def test_county_alone_brings_its_province(db, place):
    ngo = save(db, county=place("اصفهان", "کاشان"))
    assert ngo.province == place("اصفهان")


@pytest.mark.parametrize("kw,reason,message", [
    ({"name": "  "}, NgoReason.name_required, "نام سمن را وارد کنید."),
    ({"name": "ا" * 251}, NgoReason.name_too_long, "نام سمن حداکثر ۲۵۰ نویسه است."),
    ({"registration_no": ""}, NgoReason.registration_required, "شمارهٔ ثبت را وارد کنید."),
    ({"registration_no": "12-34"}, NgoReason.registration_invalid, "شمارهٔ ثبت فقط از رقم"),
    ({"registration_no": "ABC"}, NgoReason.registration_invalid, "فقط از رقم"),
    ({"capacity_level": 4}, NgoReason.capacity_invalid, "سطح توانمندی باید ۱، ۲ یا ۳ باشد."),
    ({"capacity_level": "زیاد"}, NgoReason.capacity_invalid, "سطح توانمندی"),
    ({"phone": "021-تلفن"}, NgoReason.phone_invalid, "شمارهٔ تلفن فقط از رقم"),
    ({"status": "dormant"}, NgoReason.status_invalid, "وضعیت باید"),
    ({"fields": ["cooking"]}, NgoReason.field_invalid, "«cooking»"),
    ({"address": "الف" * 200}, NgoReason.address_too_long, "نشانی حداکثر"),
])
def test_invalid_values_are_refused_with_reason_and_nothing_saved(db, kw, reason, message):
    with pytest.raises(NgoError) as refused:
        save(db, **kw)
    assert refused.value.reason == reason
    assert message in refused.value.message
    db.session.rollback()
    assert count(db) == 0


def test_county_must_be_in_the_province(db, place):
    with pytest.raises(NgoError) as refused:
        save(db, province=place("تهران"), county=place("اصفهان", "کاشان"))
    assert refused.value.reason == NgoReason.county_mismatch
    assert refused.value.message == "شهرستان انتخاب‌شده در استان انتخاب‌شده نیست."
    db.session.rollback()
    assert count(db) == 0


def test_registration_number_is_unique(db, make_ngo):
    make_ngo(registration_no="777")
    with pytest.raises(NgoError) as refused:
        save(db, registration_no="۷۷۷")
    assert refused.value.reason == NgoReason.registration_taken
    assert refused.value.message == "سمن دیگری با شمارهٔ ثبت ۷۷۷ ثبت شده است."
    assert refused.value.as_json()["error"] == "registration_taken"
    db.session.rollback()
    assert count(db) == 1


def test_an_ngo_keeps_its_own_number_when_edited(db):
    ngo = save(db, registration_no="555")
    db.session.commit()
    save(db, ngo, name="نام تازه", registration_no="555")
    db.session.commit()
    assert db.session.get(Ngo, ngo.id).name == "نام تازه"


def test_update_contact_changes_only_contact_details(db, place):
    ngo = save(db, registration_no="888", province=place("تهران"))
    services.update_contact(db.session, ngo, address="کوچه ۳", phone="۰۲۱ ۸۸۷۷۶۶۵۵",
                            fields=["health"])
    assert (ngo.address, ngo.phone, ngo.fields) == ("کوچه ۳", "02188776655", ",health,")  # shown as typed
    assert ngo.registration_no == "888"
    with pytest.raises(NgoError) as refused:
        services.update_contact(db.session, ngo, phone="abc")
    assert refused.value.reason == NgoReason.phone_invalid


# --- search ----------------------------------------------------------------------------------

def names(db, query):
    return [n.name for n in db.session.scalars(query)]


def test_search_is_persian_normalised(db, make_ngo):
    make_ngo(name="کانون فرهنگی نیکان")
    make_ngo(name="انجمن حمایت از کودکان")
    make_ngo(name="جمعیت امداد")
    # Arabic kaf and yeh, as typed on an Arabic keyboard, still find the Persian spelling.
    assert names(db, services.search_ngos("كانون")) == ["کانون فرهنگی نیکان"]
    assert names(db, services.search_ngos("نيكان")) == ["کانون فرهنگی نیکان"]
    assert names(db, services.search_ngos("  کودکان انجمن ")) == ["انجمن حمایت از کودکان"]
    assert names(db, services.search_ngos("")) == ["انجمن حمایت از کودکان", "جمعیت امداد",
                                                   "کانون فرهنگی نیکان"]
    assert names(db, services.search_ngos("100%")) == []


def test_search_puts_names_that_start_with_the_words_first(db, make_ngo):
    make_ngo(name="خانهٔ امید")
    make_ngo(name="امید فردا")
    assert names(db, services.search_ngos("امید")) == ["امید فردا", "خانهٔ امید"]


def test_search_by_registration_number_exact_first_then_prefix(db, make_ngo):
    make_ngo(name="ب", registration_no="12345")
    make_ngo(name="الف", registration_no="123")
    make_ngo(name="ج", registration_no="99123")
    assert names(db, services.search_ngos("۱۲۳")) == ["الف", "ب"]
    assert names(db, services.search_ngos("12345")) == ["ب"]


def test_search_filters(db, make_ngo, place):
    a = make_ngo(name="الف", province="تهران", county="شمیرانات")
    b = make_ngo(name="ب", province="تهران", county="ری")
    c = make_ngo(name="ج", province="اصفهان", county="کاشان")
    a.activity_fields, a.is_charity, a.status = ["youth", "health"], True, NgoStatus.active
    b.activity_fields, b.status = ["youth"], NgoStatus.inactive
    c.activity_fields, c.is_charity = ["health"], True
    db.session.commit()
    tehran = place("تهران")
    assert names(db, services.search_ngos(province_id=tehran.id)) == ["الف", "ب"]
    assert names(db, services.search_ngos(county_id=place("تهران", "ری").id)) == ["ب"]
    assert names(db, services.search_ngos(field="youth")) == ["الف", "ب"]
    assert names(db, services.search_ngos(field="health", province_id=tehran.id)) == ["الف"]
    assert names(db, services.search_ngos(status="inactive")) == ["ب"]
    assert names(db, services.search_ngos(is_charity=True)) == ["الف", "ج"]
    assert names(db, services.search_ngos(is_charity=False)) == ["ب"]


# --- who may edit --------------------------------------------------------------------------

def test_who_may_edit_an_ngo(db, make_ngo, make_user, make_body):
    tehran_ngo = make_ngo(province="تهران", county="شمیرانات")
    isfahan_ngo = make_ngo(province="اصفهان", county="کاشان")
    admin = make_user("admin")
    tehran_org = make_user("organizer")  # the default body is in Tehran
    national = make_user("organizer", body=make_body(name="ستاد ملی", kind=BodyKind.other,
                                                     province=None, county=None))
    secretary = make_user("secretary", ngo=tehran_ngo)
    assert services.can_edit_ngo(admin, isfahan_ngo)
    assert services.can_edit_ngo(tehran_org, tehran_ngo)
    assert not services.can_edit_ngo(tehran_org, isfahan_ngo)
    assert services.can_edit_ngo(national, isfahan_ngo)
    assert not services.can_edit_ngo(secretary, tehran_ngo)
    assert services.can_edit_contact(secretary, tehran_ngo)
    assert not services.can_edit_contact(secretary, isfahan_ngo)


def test_a_provincial_organizer_cannot_move_an_ngo_out_of_the_province(db, make_user, place):
    organizer = make_user("organizer")
    with pytest.raises(NgoError) as refused:
        save(db, province=place("اصفهان"), actor=organizer)
    assert refused.value.reason == NgoReason.outside_scope
    ngo = save(db, province=place("تهران"), actor=organizer)
    with pytest.raises(NgoError):
        save(db, ngo, province=place("اصفهان"), actor=organizer)


# --- secretaries and claims ----------------------------------------------------------------

def test_create_secretary_makes_a_secretary_of_that_ngo(db, make_ngo):
    ngo = make_ngo()
    user = services.create_secretary(db.session, ngo, "Dabir1", "زهرا کریمی", "۰۹۱۲۱۲۳۴۵۶۷",
                                     "long-enough")
    assert (user.username, user.role, user.ngo, user.mobile) == ("dabir1", Role.secretary, ngo,
                                                                 "09121234567")
    with pytest.raises(AccountError) as refused:
        services.create_secretary(db.session, ngo, "dabir1", "دیگری", "", "long-enough")
    assert refused.value.reason == AccountReason.username_taken


def claim(db, regno="4455", username="newsec", **kw):
    args = {"full_name": "مریم نوری", "mobile": "09121112233", "password": "secret-123"}
    args.update(kw)
    return services.submit_claim(db.session, regno, username, args["full_name"], args["mobile"],
                                 args["password"], now=NOW)


def test_claim_is_stored_pending_with_a_hashed_password(db, make_ngo):
    ngo = make_ngo(registration_no="4455")
    c = claim(db, regno="۴۴۵۵", username="NewSec")
    assert (c.ngo, c.username, c.status, c.created_at) == (ngo, "newsec", ClaimStatus.pending, NOW)
    assert "secret-123" not in c.password_hash
    assert count(db, User) == 0


@pytest.mark.parametrize("kw,reason", [
    ({"regno": "999"}, NgoReason.unknown_ngo),
    ({"regno": "abc"}, NgoReason.unknown_ngo),
    ({"username": "ab"}, NgoReason.invalid_username),
    ({"full_name": " "}, NgoReason.full_name_required),
    ({"mobile": ""}, NgoReason.mobile_required),
    ({"mobile": "0912"}, NgoReason.invalid_mobile),
    ({"password": "short"}, NgoReason.weak_password),
])
def test_bad_claims_are_refused(db, make_ngo, kw, reason):
    make_ngo(registration_no="4455")
    with pytest.raises(NgoError) as refused:
        claim(db, **kw)
    assert refused.value.reason == reason
    assert refused.value.message == services.NgoError.messages[reason]
    db.session.rollback()
    assert count(db, SecretaryClaim) == 0


def test_claim_usernames_may_not_clash(db, make_ngo, make_user):
    make_ngo(registration_no="4455")
    make_ngo(registration_no="6677")
    make_user("door", username="taken")
    with pytest.raises(NgoError) as refused:
        claim(db, username="taken")
    assert refused.value.reason == NgoReason.username_taken
    claim(db, username="first")
    with pytest.raises(NgoError) as refused:
        claim(db, username="first")
    assert refused.value.reason == NgoReason.claim_pending
    assert "در انتظار بررسی" in refused.value.message
    with pytest.raises(NgoError) as refused:
        claim(db, regno="6677", username="first")
    assert refused.value.reason == NgoReason.username_taken


def test_approving_a_claim_creates_the_secretary_with_the_chosen_password(db, make_ngo, make_user):
    ngo = make_ngo(registration_no="4455")
    organizer = make_user("organizer")
    c = claim(db)
    db.session.commit()
    user = services.approve_claim(db.session, c, organizer, now=NOW)
    db.session.commit()
    assert (user.role, user.ngo, user.active, user.full_name) == (Role.secretary, ngo, True, "مریم نوری")
    assert (c.status, c.decided_by, c.decided_at, c.user_id) == (ClaimStatus.approved, organizer, NOW, user.id)
    assert authenticate(db.session, "newsec", "secret-123") == user
    with pytest.raises(NgoError) as refused:
        services.approve_claim(db.session, c, organizer, now=NOW)
    assert refused.value.reason == NgoReason.claim_decided


def test_approval_refuses_a_username_taken_since_the_claim(db, make_ngo, make_user):
    make_ngo(registration_no="4455")
    c = claim(db, username="late")
    make_user("door", username="late")
    with pytest.raises(NgoError) as refused:
        services.approve_claim(db.session, c, make_user("admin"), now=NOW)
    assert refused.value.reason == NgoReason.username_taken


def test_rejecting_a_claim(db, make_ngo, make_user):
    make_ngo(registration_no="4455")
    c = claim(db)
    admin = make_user("admin")
    services.reject_claim(db.session, c, admin, now=NOW, note="  دبیر این سمن نیست ")
    assert (c.status, c.decision_note, c.decided_by) == (ClaimStatus.rejected, "دبیر این سمن نیست", admin)
    assert count(db, User) == 1
    with pytest.raises(NgoError):
        services.approve_claim(db.session, c, admin, now=NOW)
    # A rejected claim frees the username for a new one.
    assert claim(db).status == ClaimStatus.pending


def test_pending_claims_follow_the_edit_scope(db, make_ngo, make_user):
    make_ngo(registration_no="1001", province="تهران", county="شمیرانات")
    make_ngo(registration_no="2002", province="اصفهان", county="کاشان")
    tehran_claim = claim(db, regno="1001", username="tehran.sec")
    isfahan_claim = claim(db, regno="2002", username="isfahan.sec")
    db.session.commit()
    organizer, admin = make_user("organizer"), make_user("admin")
    assert db.session.scalars(services.pending_claims(organizer)).all() == [tehran_claim]
    assert db.session.scalars(services.pending_claims(admin)).all() == [tehran_claim, isfahan_claim]
    assert services.can_decide_claim(organizer, tehran_claim)
    assert not services.can_decide_claim(organizer, isfahan_claim)
