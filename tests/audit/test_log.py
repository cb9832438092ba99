"""The log itself: one entry per record, only the changed fields, and a table that refuses
UPDATE and DELETE on both databases (a trigger), whatever the app does."""
import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from eventsapp.audit import services as audit
from eventsapp.audit.models import Action, AuditEntry


def _entries(db):
    return db.session.query(AuditEntry).order_by(AuditEntry.id).all()


def test_record_keeps_only_changed_fields_and_the_actor_as_text(db, make_user, make_body):
    admin = make_user("admin", full_name="مدیر یکم")
    body = make_body(name="نهاد الف")
    before = {"name": "نهاد الف", "kind": "other", "province": "تهران"}
    after = {"name": "نهاد ب", "kind": "other", "province": "تهران"}
    entry = audit.record(db.session, admin, Action.body_edit, body, before, after)
    db.session.commit()
    assert (entry.before, entry.after) == ({"name": "نهاد الف"}, {"name": "نهاد ب"})
    assert (entry.actor_id, entry.actor_name) == (admin.id, "مدیر یکم")
    assert (entry.object_type, entry.object_id, entry.body_id) == ("body", body.id, body.id)
    assert entry.at.tzinfo is not None


def test_a_change_that_changes_nothing_writes_nothing(db, make_body, written):
    body = make_body()
    w = written()
    assert audit.record(db.session, None, Action.body_edit, body, {"name": "x"}, {"name": "x"}) is None
    assert w.entries() == []


def test_snapshot_values_are_json():
    class Thing:
        day = dt.date(2026, 8, 23)
        hour = dt.time(9, 30)
        at = dt.datetime(2026, 8, 23, 5, 0, tzinfo=dt.UTC)
        action = Action.event_edit
        tags = ("a", "b")

    snap = audit.snapshot(Thing(), ["day", "hour", "at", "action", "tags"], extra=None)
    assert snap == {"day": "2026-08-23", "hour": "09:30", "at": "2026-08-23T08:30:00+03:30",
                    "action": "event.edit", "tags": ["a", "b"], "extra": None}


def _raw(db, sql):
    with db.engine.connect() as conn:
        conn.execute(text(sql))
        conn.commit()


@pytest.mark.parametrize("sql", [
    "UPDATE audit_entries SET actor_name = 'someone else'",
    "UPDATE audit_entries SET after = NULL WHERE id > 0",
    "DELETE FROM audit_entries",
])
def test_the_database_refuses_update_and_delete(db, make_body, sql):
    body = make_body()  # save_body writes the entry
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(db, sql)
    db.session.expire_all()
    [entry] = _entries(db)
    assert entry.actor_name == "" and entry.after["name"] == body.name


def test_the_orm_cannot_delete_or_change_an_entry_either(db, make_body):
    body = make_body()
    entry = audit.record(db.session, None, Action.body_create, body, None, {"name": body.name})
    db.session.commit()
    db.session.delete(entry)
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    entry = db.session.get(AuditEntry, entry.id)
    entry.actor_name = "دیگری"
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).actor_name == ""


def test_postgresql_refuses_truncate_too(db, make_body):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    make_body()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(db, "TRUNCATE audit_entries")
    assert len(_entries(db)) == 1


def test_values_are_shown_in_persian_with_jalali_dates():
    from eventsapp.audit.routes import audit_value

    assert audit_value("published", "event", "status") == "منتشرشده"
    assert audit_value("confirmed", "registration", "status") == "قطعی"
    assert audit_value("2026-12-04") == "۱۳ آذر ۱۴۰۵"
    assert audit_value("2026-12-04T06:30:00+03:30") == "۱۳ آذر ۱۴۰۵، ساعت ۰۶:۳۰"
    assert audit_value([{"date": "2026-12-04", "start": "09:00", "end": "12:00"}]) == "۱۳ آذر ۱۴۰۵، ۰۹:۰۰ تا ۱۲:۰۰"
    assert audit_value({"name": "سالن", "address": "", "province": "تهران", "county": None}) == "سالن، تهران"
    assert audit_value(45) == "۴۵" and audit_value(True) == "بله" and audit_value(None) == "—"
