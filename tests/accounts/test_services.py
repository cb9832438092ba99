"""Account services: users, roles, bodies, tokens, with enum refusals."""
import pytest

from eventsapp.accounts import services
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import AccountError, AccountReason as R


def refused(reason, fn, *args, **kw):
    with pytest.raises(AccountError) as info:
        fn(*args, **kw)
    assert info.value.reason == reason
    assert info.value.message and not info.value.message.isascii()
    return info.value


def test_create_user_normalises_and_hashes(db, make_body):
    body = make_body()
    user = services.create_user(db.session, username=" Organizer1 ", password="long-enough",
                                role="organizer", full_name="علي كريمي", body=body,
                                mobile="۰۹۱۲۱۲۳۴۵۶۷")
    assert user.username == "organizer1"
    assert user.full_name == "علی کریمی"
    assert user.mobile == "09121234567"
    assert user.password_hash != "long-enough" and user.check_password("long-enough")


def test_user_refusals_change_nothing(db, make_user, make_body):
    make_user("admin", username="taken")
    before = db.session.query(User).count()
    refused(R.username_taken, services.create_user, db.session, username="TAKEN",
            password="long-enough", role="admin")
    refused(R.invalid_username, services.create_user, db.session, username="نام فارسی",
            password="long-enough", role="admin")
    refused(R.weak_password, services.create_user, db.session, username="newone",
            password="short", role="admin")
    refused(R.body_required, services.create_user, db.session, username="neworg",
            password="long-enough", role="organizer")
    refused(R.ngo_required, services.create_user, db.session, username="newsec",
            password="long-enough", role="secretary")
    refused(R.invalid_mobile, services.create_user, db.session, username="newdoor",
            password="long-enough", role="door", mobile="0912")
    db.session.rollback()
    assert db.session.query(User).count() == before


def test_authenticate(db, make_user):
    user = make_user("door", username="gate1", password="long-enough")
    assert services.authenticate(db.session, "GATE1", "long-enough") == user
    assert user.last_login_at is not None
    refused(R.bad_credentials, services.authenticate, db.session, "gate1", "wrong")
    refused(R.bad_credentials, services.authenticate, db.session, "nobody", "long-enough")
    services.update_user(db.session, user, full_name="x", role="door", active=False)
    refused(R.inactive, services.authenticate, db.session, "gate1", "long-enough")


def test_deactivation_ends_sessions_and_tokens(db, make_user):
    user = make_user("door")
    token, raw = services.create_api_token(db.session, user, "phone")
    old_session = user.get_id()
    services.update_user(db.session, user, full_name="x", role="door", active=False)
    assert user.get_id() != old_session
    assert token.revoked_at is not None
    assert services.user_for_token(db.session, raw) is None


def test_the_last_active_admin_stays(db, make_user):
    admin = make_user("admin")
    refused(R.last_admin, services.update_user, db.session, admin, full_name="a", role="admin",
            active=False)
    refused(R.last_admin, services.update_user, db.session, admin, full_name="a", role="door")
    make_user("admin")
    services.update_user(db.session, admin, full_name="a", role="door")
    assert admin.role == Role.door


def test_role_change_drops_the_old_affiliation(db, make_user):
    secretary = make_user("secretary")
    services.update_user(db.session, secretary, full_name="x", role="door")
    assert secretary.ngo is None and secretary.body is None


def test_password_change_ends_other_sessions(db, make_user):
    user = make_user("door", password="first-pass")
    before = user.get_id()
    refused(R.wrong_password, services.change_own_password, user, "nope", "second-pass")
    refused(R.weak_password, services.change_own_password, user, "first-pass", "short")
    services.change_own_password(user, "first-pass", "second-pass")
    assert user.check_password("second-pass") and user.get_id() != before


def test_generated_passwords_are_random_and_acceptable(db):
    a, b = services.generate_password(), services.generate_password()
    assert a != b and len(a) >= services.MIN_PASSWORD


def test_tokens_are_stored_hashed_and_revocable(db, make_user):
    user = make_user("organizer")
    token, raw = services.create_api_token(db.session, user, "script")
    assert raw.startswith("ea_") and len(raw) > 40
    assert token.token_hash != raw and raw not in (token.prefix * 10)
    assert services.user_for_token(db.session, raw) == user
    assert services.user_for_token(db.session, raw + "x") is None
    assert services.user_for_token(db.session, "") is None
    services.revoke_api_token(token)
    assert services.user_for_token(db.session, raw) is None


def test_bodies(db, make_body):
    from eventsapp.places.services import find_county, find_province

    body = make_body(name="فرمانداري شميرانات")
    assert body.name == "فرمانداری شمیرانات"
    refused(R.body_name_taken, services.save_body, db.session, None, name="فرمانداری شمیرانات",
            kind="county_governorate")
    refused(R.name_required, services.save_body, db.session, None, name="  ", kind="other")
    tehran, semnan = find_province(db.session, "تهران"), find_province(db.session, "سمنان")
    refused(R.county_mismatch, services.save_body, db.session, None, name="نهاد", kind="other",
            province=semnan, county=find_county(db.session, "شمیرانات", tehran))
    saved = services.save_body(db.session, None, name="نهاد دیگر", kind="other",
                               county=find_county(db.session, "شمیرانات", tehran))
    assert saved.province == tehran
