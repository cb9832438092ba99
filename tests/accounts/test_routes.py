"""Account pages through the Flask test client."""
import pytest

from eventsapp.accounts.models import ApiToken, OrganizingBody, User
from tests.conftest import PASSWORD, csrf_token_from, login


@pytest.mark.parametrize("role,home", [("admin", "/admin/"), ("organizer", "/organizer/"),
                                       ("secretary", "/secretary/"), ("door", "/door/")])
def test_each_role_lands_on_its_home(client, make_user, role, home):
    user = make_user(role)
    response = login(client, user)
    assert response.status_code == 302 and response.location == home
    assert client.get("/home").location == home
    assert client.get(home).status_code == 200


def test_roles_cannot_open_each_others_pages(client, login_as):
    login_as("secretary")
    for url in ("/admin/", "/admin/users", "/organizer/", "/door/", "/admin/bodies"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "دسترسی ندارید" in response.get_data(as_text=True)


def test_wrong_password_is_refused_in_persian(client, make_user):
    user = make_user("door")
    response = login(client, user, "wrong-password")
    assert response.status_code == 400
    assert "نام کاربری یا گذرواژه درست نیست." in response.get_data(as_text=True)
    assert client.get("/door/").status_code == 302


def test_deactivated_user_is_refused_and_logged_out(client, db, make_user):
    user = make_user("door")
    assert login(client, user).status_code == 302
    user.active = False
    db.session.commit()
    assert client.get("/door/").status_code == 302  # the open session ends too
    response = login(client, user)
    assert "این حساب غیرفعال شده است" in response.get_data(as_text=True)


def test_forged_csrf_token_is_refused(client, make_user, csrf_on):
    user = make_user("door")
    page = client.get("/login").get_data(as_text=True)
    assert csrf_token_from(page)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400
    assert "درخواست نامعتبر" in response.get_data(as_text=True)
    assert client.get("/door/").status_code == 302


def test_login_with_real_csrf_token_works(client, make_user, csrf_on):
    user = make_user("door")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_login_redirects_only_to_this_site(client, make_user):
    user = make_user("door")
    evil = client.post("/login?next=https://evil.example/x",
                       data={"username": user.username, "password": PASSWORD})
    assert evil.location == "/door/"
    client.post("/logout")
    ok = client.post("/login?next=/account/", data={"username": user.username, "password": PASSWORD})
    assert ok.location == "/account/"


def test_logout(client, login_as):
    login_as("door")
    assert client.post("/logout").status_code == 302
    assert client.get("/door/").status_code == 302


def test_admin_creates_user_with_generated_password(client, db, login_as, make_body):
    login_as("admin")
    body = make_body(name="دفتر تسهیلگری آزمایشی", kind="facilitation_office")
    response = client.post("/admin/users/new", data={
        "username": "neworganizer", "full_name": "سارا امینی", "role": "organizer",
        "body_id": str(body.id), "password": ""}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "گذرواژهٔ او:" in html
    password = html.split("گذرواژهٔ او: ")[1].split("<")[0].strip()
    user = db.session.query(User).filter_by(username="neworganizer").one()
    assert user.body == body and user.check_password(password)


def test_admin_user_form_errors_save_nothing(client, db, login_as):
    login_as("admin")
    before = db.session.query(User).count()
    response = client.post("/admin/users/new", data={
        "username": "org", "full_name": "بی‌نهاد", "role": "organizer", "password": "long-enough"})
    assert "برگزارکننده باید به یک نهاد برگزارکننده وابسته باشد." in response.get_data(as_text=True)
    response = client.post("/admin/users/new", data={
        "username": "sec", "full_name": "دبیر", "role": "secretary",
        "ngo_registration_no": "۹۹۹۹۹", "password": "long-enough"})
    assert "سمنی با این شماره ثبت پیدا نشد." in response.get_data(as_text=True)
    response = client.post("/admin/users/new", data={"username": "", "full_name": "", "role": "door"})
    assert "این خانه را پر کنید." in response.get_data(as_text=True)
    assert db.session.query(User).count() == before


def test_admin_assigns_secretary_by_registration_number_in_persian_digits(client, db, login_as, make_ngo):
    login_as("admin")
    ngo = make_ngo(registration_no="12345")
    client.post("/admin/users/new", data={
        "username": "sec1", "full_name": "دبیر", "role": "secretary",
        "ngo_registration_no": "۱۲۳۴۵", "password": "long-enough"})
    assert db.session.query(User).filter_by(username="sec1").one().ngo == ngo


def test_admin_deactivates_and_resets_password(client, db, login_as, make_user):
    login_as("admin")
    door = make_user("door")
    client.post(f"/admin/users/{door.id}", data={"full_name": "x", "role": "door",
                                                 "username": door.username})
    db.session.refresh(door)
    assert door.active is False  # unticked checkbox
    client.post(f"/admin/users/{door.id}/password", data={"password": "brand-new-pass"})
    db.session.refresh(door)
    assert door.check_password("brand-new-pass")


def test_admin_cannot_deactivate_the_last_admin(client, db, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/users/{admin.id}", data={"full_name": "x", "role": "admin",
                                                             "username": admin.username},
                           follow_redirects=True)
    assert "دست‌کم یک مدیر فعال باید در سامانه بماند." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_admin_user_list_searches_and_filters(client, login_as, make_user):
    login_as("admin")
    make_user("door", username="gatekeeper", full_name="كاظم يزدانی")
    html = client.get("/admin/users?q=کاظم").get_data(as_text=True)
    assert "gatekeeper" in html
    assert "gatekeeper" not in client.get("/admin/users?role=secretary").get_data(as_text=True)
    assert client.get("/admin/users?page=abc").status_code == 200


def test_admin_creates_and_edits_a_body(client, db, login_as):
    from eventsapp.places.services import find_county, find_province

    login_as("admin")
    tehran = find_province(db.session, "تهران")
    shemiranat = find_county(db.session, "شمیرانات", tehran)
    response = client.post("/admin/bodies/new", data={
        "name": "فرمانداری شمیرانات", "kind": "county_governorate",
        "province_id": str(tehran.id), "county_id": str(shemiranat.id)})
    assert response.status_code == 302
    body = db.session.query(OrganizingBody).one()
    assert body.county == shemiranat
    response = client.post("/admin/bodies/new", data={"name": "فرمانداری شمیرانات", "kind": "other"})
    assert "نهادی با این نام پیش‌تر ثبت شده است." in response.get_data(as_text=True)
    assert db.session.query(OrganizingBody).count() == 1
    assert client.get(f"/admin/bodies/{body.id}").status_code == 200
    assert client.get("/admin/bodies/99999").status_code == 404


def test_tokens_page_creates_shows_once_and_revokes(client, db, login_as):
    user = login_as("organizer")
    html = client.post("/account/tokens", data={"name": "اسکریپت"}).get_data(as_text=True)
    raw = html.split('data-copy>')[1].split("<")[0]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert raw not in client.get("/account/tokens").get_data(as_text=True)
    token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    client.post(f"/account/tokens/{token.id}/revoke")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_cannot_revoke_someone_elses_token(client, db, login_as, make_user):
    from eventsapp.accounts import services

    other = make_user("door")
    token, _ = services.create_api_token(db.session, other, "x")
    db.session.commit()
    login_as("organizer")
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_change_own_password(client, db, login_as):
    user = login_as("door")
    response = client.post("/account/", data={"current": "wrong", "new": "another-pass"},
                           follow_redirects=True)
    assert "گذرواژه کنونی درست نیست." in response.get_data(as_text=True)
    client.post("/account/", data={"current": PASSWORD, "new": "another-pass"})
    db.session.refresh(user)
    assert user.check_password("another-pass")
    assert client.get("/door/").status_code == 200  # still signed in on this device


def test_admin_home_lists_drafts_of_every_body_and_offers_a_new_event(client, db, login_as, make_body):
    from datetime import date, time

    from eventsapp.events import services as events
    from eventsapp.places.services import find_province

    login_as("admin")
    made = {}
    for title, status in (("پیش‌نویس نهاد یک", "draft"), ("منتشرشدهٔ نهاد دو", "published")):
        data = events.EventInput(kind="workshop", title=title, venue_name="سالن",
                                 province=find_province(db.session, "تهران"), capacity=10,
                                 days=[events.DayInput(date(2026, 12, 20), time(9), time(12))])
        made[title], _ = events.create_event(db.session, make_body(name=f"نهاد {title}"), data)
        if status == "published":
            events.publish(made[title])
    db.session.commit()
    html = client.get("/admin/").get_data(as_text=True)
    assert f'href="/events/{made["پیش‌نویس نهاد یک"].id}"' in html
    assert f'href="/events/{made["منتشرشدهٔ نهاد دو"].id}"' not in html
    assert 'href="/events/new"' in html
