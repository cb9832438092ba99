"""Calendar feed tokens are stored hashed (the review: they were kept in clear, while API and
device tokens were hashed), and migration 0010 hashes the tokens already given out."""
import hashlib

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from eventsapp.calendars import services
from eventsapp.calendars.models import FeedKind


def _rows(db):
    return [dict(r._mapping) for r in db.session.execute(text("SELECT * FROM feed_tokens"))]


def test_the_database_holds_no_feed_secret(client, db, make_user):
    user = make_user("organizer")
    token = services.get_or_create_token(db.session, FeedKind.body, user.body)
    db.session.commit()
    raw = token.token
    (row,) = _rows(db)
    assert raw not in {str(v) for v in row.values()}
    assert row["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert client.get(f"/calendars/{raw}.ics").status_code == 200
    # What the table holds opens nothing.
    assert client.get(f"/calendars/{row['token_hash']}.ics").status_code == 404
    assert client.get(f"/calendars/{row['nonce']}.ics").status_code == 404


def test_the_feeds_page_shows_the_same_url_again(client, db, login_as):
    user = login_as("organizer")
    first = client.get("/calendars/").get_data(as_text=True)
    raw = services.live_token(db.session, FeedKind.body, user.body).token
    assert raw in first and raw in client.get("/calendars/").get_data(as_text=True)


def test_the_secret_depends_on_the_secret_key(app, db, make_user):
    user = make_user("organizer")
    token = services.get_or_create_token(db.session, FeedKind.body, user.body)
    db.session.commit()
    before = token.token
    app.config["SECRET_KEY"] = "another-secret"
    try:
        assert token.token != before
        assert services.resolve_token(db.session, before) is None
        # The calendars page gives the owner the new URL, which works from then on.
        shown = services.get_or_create_token(db.session, FeedKind.body, user.body)
        assert shown is token and services.resolve_token(db.session, shown.token) is token
    finally:
        app.config["SECRET_KEY"] = "tests-only-secret"
    assert services.resolve_token(db.session, before) is None
    services.get_or_create_token(db.session, FeedKind.body, user.body)
    assert services.resolve_token(db.session, before) is token


def test_migration_0010_hashes_the_tokens_given_out_and_they_keep_working(app, client, db,
                                                                          make_user):
    user = make_user("organizer")
    db.session.commit()
    username, body_id = user.username, user.body_id
    db.session.remove()
    downgrade(revision="0006")
    try:
        clear = "legacy-token-given-out-0123456789"
        db.session.execute(text(
            "INSERT INTO feed_tokens (kind, token, body_id, created_at) "
            "VALUES ('body', :t, :b, CURRENT_TIMESTAMP)"), {"t": clear, "b": body_id})
        db.session.commit()
        db.session.remove()
    finally:
        upgrade()
    (row,) = _rows(db)
    assert row["token_hash"] == hashlib.sha256(clear.encode()).hexdigest()
    assert row["nonce"] is None and "token" not in row
    assert client.get(f"/calendars/{clear}.ics").status_code == 200
    # It cannot be shown again; the page says so and offers a new one.
    from tests.conftest import login
    login(client, username)
    page = client.get("/calendars/").get_data(as_text=True)
    assert clear not in page and "نشانی تازه بسازید" in page
    client.post("/calendars/body/regenerate")
    assert client.get(f"/calendars/{clear}.ics").status_code == 404
    new = services.live_token(db.session, FeedKind.body, body_id).token
    assert new in client.get("/calendars/").get_data(as_text=True)
