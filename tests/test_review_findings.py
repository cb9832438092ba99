"""Findings of the outside review (the trust issue) and the bad inputs of the API issue, each
pinned: they failed before the fix."""
import io
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from eventsapp import exports
from eventsapp.accounts import services


def test_a_new_password_revokes_api_tokens_and_ends_sessions(db, make_user):
    user = make_user("organizer")
    token, raw = services.create_api_token(db.session, user, "script")
    old_session = user.get_id()
    services.change_own_password(user, "test-pass-123", "another-pass-456")
    db.session.flush()
    assert token.revoked_at is not None
    assert services.user_for_token(db.session, raw) is None
    assert user.get_id() != old_session


def test_a_changed_password_locks_the_api_out(client, db, make_user):
    user = make_user("organizer")
    _, raw = services.create_api_token(db.session, user, "script")
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    services.set_password(user, "another-pass-456")
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_remember_cookie_follows_session_cookie_secure(monkeypatch, tmp_path):
    from eventsapp import config
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    assert config.load(str(tmp_path))["REMEMBER_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert config.load(str(tmp_path))["REMEMBER_COOKIE_SECURE"] is False


def test_signed_in_pages_are_not_stored_and_public_ones_may_be(client, login_as):
    public = client.get("/events/")
    assert "no-store" not in public.headers.get("Cache-Control", "")
    assert "camera=(self)" in public.headers["Permissions-Policy"]
    login_as("organizer")
    assert client.get("/events/").headers["Cache-Control"] == "no-store"


def test_exports_keep_formulas_as_text_and_any_title_as_a_sheet_name():
    rows = [["=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "+1", "-2", "@a", "زهرا", 3]]
    body = exports.to_xlsx(["a"] * 7, rows, title="نشست: [۱۴۰۵]/گرامیداشت?*", fallback="x")
    sheet = load_workbook(io.BytesIO(body)).active
    values = [c.value for c in next(sheet.iter_rows(min_row=2))]
    assert values[:5] == ["'=HYPERLINK(\"http://x\")", "'=cmd|' /C calc'!A0", "'+1", "'-2", "'@a"]
    assert values[5:] == ["زهرا", 3]
    assert ":" not in sheet.title and "[" not in sheet.title and len(sheet.title) <= 31
    assert exports.sheet_name("::::", "ثبت‌نام‌ها") == "ثبت‌نام‌ها"
    csv = exports.to_csv(["a"], [["=1+1"]]).decode("utf-8-sig")
    assert "'=1+1" in csv


def test_the_registrations_xlsx_of_a_title_with_a_colon():
    from eventsapp.registrations import exports as reg_exports
    body = reg_exports.to_xlsx([], "نشست: هفتهٔ دولت")
    assert load_workbook(io.BytesIO(body)).active.title == "نشست  هفتهٔ دولت"


def test_backups_are_readable_by_their_owner_only(app, db, tmp_path):
    out = tmp_path / ("copy.dump" if db.engine.dialect.name == "postgresql" else "copy.db")
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(Path(out).stat().st_mode) == 0o600


@pytest.mark.parametrize("path", ["/events/", "/ngos/", "/admin/users"])
@pytest.mark.parametrize("page", ["9223372036854775807", "99999999999999999999999", "-5", "۲", "x"])
def test_huge_page_numbers_are_no_500(client, login_as, path, page):
    login_as("admin")
    assert client.get(f"{path}?page={page}").status_code == 200


def _api(client, db, make_user):
    user = make_user("organizer")
    _, raw = services.create_api_token(db.session, user, "t")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}


BAD_BODIES = [
    '{"event_id": 1, "code": "\\ud800", "gate": "\\udfff"}',  # lone surrogates
    "[" * 1000 + "]" * 1000,                                    # nested 1,000 deep
    '{"a":' * 1000 + "1" + "}" * 1000,
]


@pytest.mark.parametrize("body", BAD_BODIES)
@pytest.mark.parametrize("path", ["/api/v1/checkin", "/api/v1/events"])
def test_bad_json_is_a_4xx_never_a_500(client, db, make_user, path, body):
    response = client.post(path, data=body.encode(), headers=_api(client, db, make_user))
    assert 400 <= response.status_code < 500, response.data
    assert "message" in response.get_json()
