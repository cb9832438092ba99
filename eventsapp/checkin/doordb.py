"""The door's statements, on the database driver's own connection.

A scan at the door is the app's hottest write: dozens of phones scanning at once at a big
meeting. Its few statements are written here once, in SQL, and run on the DBAPI connection
(sqlite3 or psycopg) under SQLAlchemy's pool, without the ORM or Core's per-statement work;
bench/checkin.py measures what that buys, and bench/door_core.py the same statements through
SQLAlchemy Core (2026-12-04: +375 µs of CPU per scan on SQLite, +628 µs on PostgreSQL, a
quarter or more of a scan's server CPU: far from the 5% that would let Core replace this). The rules stay in ``services``: this module only
reads and writes rows, and turns SQLite's stored text back into dates and times the way
SQLAlchemy stores them (PostgreSQL's driver gives typed values itself).

Every statement here is run by the check-in tests on SQLite and on PostgreSQL, so a column
renamed in a migration and not here fails them.
"""
from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from datetime import date, datetime, time, timezone

from ..events.models import EventStatus
from ..registrations.models import SHORT_LENGTH, RegStatus

_SQL = {
    # A device's scan reads everything in one statement: the device, the event with today's
    # day, and the ticket (each part NULL when there is none).
    "device_scan": """
        SELECT dv.id, dv.event_id, dv.last_used_at,
               e.id, e.status, e.checkin_before, e.checkin_after, d.date, d.start_time, d.end_time,
               r.id, r.event_id, r.status, r.full_name, r.role, n.name, re.title
        FROM (SELECT 1 AS one) q
        LEFT JOIN scanner_devices dv ON dv.token_hash = :token_hash AND dv.revoked_at IS NULL
        LEFT JOIN events e ON e.id = :event_id
        LEFT JOIN event_days d ON d.event_id = e.id AND d.date = :today
        LEFT JOIN registrations r ON r.ticket_code = :code
        LEFT JOIN events re ON re.id = r.event_id
        LEFT JOIN ngos n ON n.id = r.ngo_id""",
    "touch_device": "UPDATE scanner_devices SET last_used_at = :now WHERE id = :device_id",
    "touch_token": "UPDATE api_tokens SET last_used_at = :now WHERE id = :token_id",
    "event_today": """
        SELECT e.status, e.checkin_before, e.checkin_after, d.date, d.start_time, d.end_time
        FROM events e LEFT JOIN event_days d ON d.event_id = e.id AND d.date = :today
        WHERE e.id = :event_id""",
    # Read again under the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: FOR SHARE below), so
    # a ticket or event cancelled since the unlocked reads is not checked in.
    "recheck": """
        SELECT r.status, e.status, e.checkin_before, e.checkin_after, d.date, d.start_time, d.end_time
        FROM registrations r JOIN events e ON e.id = r.event_id
        LEFT JOIN event_days d ON d.event_id = e.id AND d.date = :today
        WHERE r.id = :registration_id""",
    "ticket": """
        SELECT r.id, r.event_id, r.status, r.full_name, r.role, n.name, e.title
        FROM registrations r JOIN events e ON e.id = r.event_id
        LEFT JOIN ngos n ON n.id = r.ngo_id
        WHERE r.ticket_code = :code""",
    # A short code (8 characters) is unique within its event only.
    "ticket_short": """
        SELECT r.id, r.event_id, r.status, r.full_name, r.role, n.name, e.title
        FROM registrations r JOIN events e ON e.id = r.event_id
        LEFT JOIN ngos n ON n.id = r.ngo_id
        WHERE r.event_id = :event_id AND r.short_code = :code""",
    # The partial unique index on (registration_id, day) for live check-ins decides between two
    # gates scanning one ticket at once: one row goes in, the other statement returns nothing.
    "insert_checkin": """
        INSERT INTO checkins (event_id, registration_id, day, checked_in_at, staff_id, device_id, gate)
        VALUES (:event_id, :registration_id, :day, :now, :staff_id, :device_id, :gate)
        ON CONFLICT (registration_id, day) WHERE undone_at IS NULL DO NOTHING
        RETURNING id""",
    "earlier": """
        SELECT c.id, c.checked_in_at, c.gate, u.full_name, u.username, s.name
        FROM checkins c LEFT JOIN users u ON u.id = c.staff_id
        LEFT JOIN scanner_devices s ON s.id = c.device_id
        WHERE c.registration_id = :registration_id AND c.day = :day AND c.undone_at IS NULL""",
    # A check-in by hand (a code typed or picked from the search) goes in the audit log too,
    # in the scan's transaction; camera scans do not (the scan log has them).
    "audit": """
        INSERT INTO audit_entries (at, actor_id, actor_name, action, object_type, object_id,
                                   object_label, body_id, event_id, before, after)
        VALUES (:now, :actor_id, :actor_name, :action, :object_type, :object_id, :object_label,
                :body_id, :event_id, NULL, :after)""",
    "log": """
        INSERT INTO scan_log (event_id, registration_id, code, verdict, staff_id, device_id, gate, scanned_at)
        VALUES (:event_id, :registration_id, :code, :verdict, :staff_id, :device_id, :gate, :now)""",
    # A scan with a client nonce: the partial unique index on (event_id, nonce) lets one in; a
    # second with the same nonce (two sends at once) inserts nothing and returns nothing.
    "log_nonce": """
        INSERT INTO scan_log (event_id, registration_id, code, verdict, staff_id, device_id, gate,
                              scanned_at, nonce, answer)
        VALUES (:event_id, :registration_id, :code, :verdict, :staff_id, :device_id, :gate, :now,
                :nonce, :answer)
        ON CONFLICT (event_id, nonce) WHERE nonce IS NOT NULL DO NOTHING
        RETURNING id""",
    "answer": "SELECT answer FROM scan_log WHERE event_id = :event_id AND nonce = :nonce",
}
# One writer at a time per process on SQLite: threads of a worker queue here and are handed the
# turn at once, rather than each sleeping in SQLite's busy handler (1, 2, 5, 10… ms) while the
# write lock is free. Other processes still queue on the busy timeout.
_SQLITE_WRITER = threading.Lock()

# psycopg's placeholders are %(name)s.
_PG_SQL = {name: re.sub(r":(\w+)", r"%(\1)s", sql) for name, sql in _SQL.items()}
_PG_SQL["recheck"] += " FOR SHARE OF r, e"  # a cancel waits for the scan's commit, or the scan for it
_PG_SQL["audit"] = _PG_SQL["audit"].replace("%(after)s", "%(after)s::json")


class DoorDb:
    """The scan's reads and writes on one DBAPI connection of ``dialect`` ("sqlite" or
    "postgresql"). It runs in whatever transaction the connection is in; ``begin_write`` and
    ``commit`` are for a caller that owns the connection (``checkout``)."""

    def __init__(self, dbapi_connection, dialect: str):
        self.conn, self.sqlite = dbapi_connection, dialect == "sqlite"
        self.sql = _SQL if self.sqlite else _PG_SQL
        self._writing = False

    # --- values in and out ----------------------------------------------------------------
    # SQLite keeps what SQLAlchemy wrote: dates as 2019-08-14, times as 09:00:00.000000, UTC
    # instants as 2019-08-14 05:30:00.000000 (see dbtypes.UTCDateTime).

    def _instant_in(self, value: datetime | None):
        if value is None or not self.sqlite:
            return value
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")

    def _date_in(self, value: date):
        return value.isoformat() if self.sqlite else value

    def _instant_out(self, value) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)

    @staticmethod
    def _date_out(value) -> date | None:
        return date.fromisoformat(value) if isinstance(value, str) else value

    @staticmethod
    def _time_out(value) -> time | None:
        return time.fromisoformat(value) if isinstance(value, str) else value

    def _one(self, name: str, params: dict):
        cursor = self.conn.cursor()
        try:
            cursor.execute(self.sql[name], params)
            return cursor.fetchone()
        finally:
            cursor.close()

    def _run(self, name: str, params: dict) -> None:
        cursor = self.conn.cursor()
        try:
            cursor.execute(self.sql[name], params)
        finally:
            cursor.close()

    # --- reads ----------------------------------------------------------------------------

    def device_scan(self, token_hash: str, event_id: int, today: date, code: str | None):
        """(device, event, ticket), each None when there is none, read in one statement: the
        live device with this token hash as (id, event_id, last_used_at), the event as
        ``event_today`` gives it, the ticket as ``ticket`` gives it."""
        short = code is not None and len(code) == SHORT_LENGTH
        row = self._one("device_scan", {"token_hash": token_hash, "event_id": event_id,
                                        "today": self._date_in(today),
                                        "code": "" if short else code or ""})
        device = None if row[0] is None else (row[0], row[1], self._instant_out(row[2]))
        event = None if row[3] is None else (
            EventStatus(row[4]), row[5], row[6], self._date_out(row[7]),
            self._time_out(row[8]), self._time_out(row[9]))
        ticket = None if row[10] is None else (row[10], row[11], RegStatus(row[12]), *row[13:])
        if short and device is not None:
            ticket = self.ticket(code, event_id)
        return device, event, ticket

    def event_today(self, event_id: int, today: date):
        """(status, checkin_before, checkin_after, date, start_time, end_time) of the event,
        the last three None when it has no day ``today``; None when there is no such event."""
        row = self._one("event_today", {"event_id": event_id, "today": self._date_in(today)})
        if row is None:
            return None
        return (EventStatus(row[0]), row[1], row[2], self._date_out(row[3]),
                self._time_out(row[4]), self._time_out(row[5]))

    def ticket(self, code: str, event_id: int | None = None):
        """(registration id, event id, status, full name, role, NGO name, event title) or None;
        a short code is looked up within ``event_id``."""
        if len(code) == SHORT_LENGTH:
            if event_id is None:
                return None
            row = self._one("ticket_short", {"code": code, "event_id": event_id})
        else:
            row = self._one("ticket", {"code": code})
        return None if row is None else (row[0], row[1], RegStatus(row[2]), *row[3:])

    def recheck(self, registration_id: int, today: date):
        """(registration status, the event as ``event_today`` gives it) read in the write
        transaction, the rows locked against a change until it ends; None when the
        registration is gone."""
        row = self._one("recheck", {"registration_id": registration_id, "today": self._date_in(today)})
        if row is None:
            return None
        return RegStatus(row[0]), (EventStatus(row[1]), row[2], row[3], self._date_out(row[4]),
                                   self._time_out(row[5]), self._time_out(row[6]))

    def earlier(self, registration_id: int, day: date):
        """(check-in id, when, gate, staff full name, staff username, device name) of the live
        check-in of this registration on ``day``, or None."""
        row = self._one("earlier", {"registration_id": registration_id, "day": self._date_in(day)})
        return None if row is None else (row[0], self._instant_out(row[1]), *row[2:])

    # --- writes ---------------------------------------------------------------------------

    def insert_checkin(self, *, event_id, registration_id, day, now, staff_id, device_id, gate):
        """The new check-in's id, or None when the ticket is already in for ``day``."""
        row = self._one("insert_checkin", {
            "event_id": event_id, "registration_id": registration_id, "day": self._date_in(day),
            "now": self._instant_in(now),
            "staff_id": staff_id, "device_id": device_id, "gate": gate})
        return None if row is None else row[0]

    def log(self, *, event_id, registration_id, code, verdict, staff_id, device_id, gate, now,
            nonce=None, answer=None) -> bool:
        """Log a scan; with a ``nonce``, False when that nonce is in the log already."""
        params = {"event_id": event_id, "registration_id": registration_id, "code": code,
                  "verdict": verdict.value, "staff_id": staff_id, "device_id": device_id,
                  "gate": gate, "now": self._instant_in(now)}
        if nonce is None:
            self._run("log", params)
            return True
        return self._one("log_nonce", {**params, "nonce": nonce, "answer": answer}) is not None

    def answer(self, event_id: int, nonce: str) -> str | None:
        """The answer (JSON) logged with this nonce for this event, or None."""
        row = self._one("answer", {"event_id": event_id, "nonce": nonce})
        return None if row is None else row[0]

    def audit(self, *, now, actor_id, actor_name, action, object_type, object_id, object_label,
              body_id, event_id, after: dict) -> None:
        self._run("audit", {"now": self._instant_in(now), "actor_id": actor_id,
                            "actor_name": actor_name[:150], "action": action,
                            "object_type": object_type, "object_id": object_id,
                            "object_label": object_label[:250], "body_id": body_id,
                            "event_id": event_id, "after": json.dumps(after, ensure_ascii=False)})

    def touch_device(self, device_id: int, now: datetime) -> None:
        self._run("touch_device", {"device_id": device_id, "now": self._instant_in(now)})

    def touch_token(self, token_id: int, now: datetime) -> None:
        self._run("touch_token", {"token_id": token_id, "now": self._instant_in(now)})

    # --- a connection of its own ----------------------------------------------------------

    def begin_write(self) -> None:
        """SQLite: take the write lock now (reads before ran in autocommit, holding nothing),
        so writers queue rather than fail with "database is locked"; first this process's
        turn, then the database's. PostgreSQL: the transaction the reads began goes on."""
        if self.sqlite:
            _SQLITE_WRITER.acquire()
            self._writing = True
            self._run_sql("BEGIN IMMEDIATE")

    def _run_sql(self, sql: str) -> None:
        cursor = self.conn.cursor()
        try:
            cursor.execute(sql)
        finally:
            cursor.close()

    def _done_writing(self) -> None:
        if self._writing:
            self._writing = False
            _SQLITE_WRITER.release()

    def commit(self) -> None:
        if self.sqlite:
            try:
                self._run_sql("COMMIT")
            finally:
                self._done_writing()
        else:
            self.conn.commit()

    def rollback(self) -> None:
        if self.sqlite:
            try:
                if self.conn.in_transaction:
                    self._run_sql("ROLLBACK")
            finally:
                self._done_writing()
        else:
            self.conn.rollback()


@contextmanager
def checkout(engine):
    """A ``DoorDb`` on a connection from the engine's pool, rolled back unless committed and
    returned to the pool on leaving."""
    fairy = engine.raw_connection()
    door = DoorDb(fairy.driver_connection, engine.dialect.name)
    try:
        yield door
    except BaseException:
        door.rollback()
        raise
    finally:
        fairy.close()
