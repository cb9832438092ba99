"""Load and faults: a registration rush and door scanning at once, under several gunicorn workers,
with one worker killed by ``kill -9`` midway; then a reconciliation of what the clients were told
against the rows in the database.

    python bench/faults.py [--workers 3] [--threads 4] [--ngos 60] [--people 4] [--capacity 150]
                           [--scanners 4] [--database-url postgresql://…]

Builds a fresh database (SQLite in a temporary directory, or the empty PostgreSQL database given),
seeds one event today (capacity ``--capacity``, whole day open for check-in), ``--ngos`` NGOs each
with a secretary's API token, and ``--scanners`` scanner devices. Then, at once:

- every secretary sends registrations of ``--people`` members, one request per member, each
  member sent twice (a client retrying after a dropped answer must not get two seats);
- the scanners scan every ticket of today's event at the door (``--tickets``, every fifth twice);
- once half the registration requests are out, one gunicorn worker is killed with SIGKILL
  (the master starts another; requests on the killed worker's connections fail, as in life).

It prints the requests answered per status, transport errors, and the reconciliation:
successes answered against registration rows, duplicates (one active registration per person),
confirmed seats against capacity, and check-ins answered "ok" against check-in rows. Messages
sent once: this app has no outbox yet (the notifications issue adds one); the line says so.

Only loopback; every loop is bounded in requests and time (``--timeout``).
"""
import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from checkin import Server  # noqa: E402  (the benchmark's gunicorn wrapper)


def seed(url, args):
    from flask_migrate import upgrade

    from eventsapp import create_app
    from eventsapp.accounts import services as accounts
    from eventsapp.accounts.models import BodyKind, OrganizingBody, Role
    from eventsapp.checkin import services as checkin
    from eventsapp.events import services as events
    from eventsapp.events.models import EventKind
    from eventsapp.extensions import db
    from datetime import timedelta

    from sqlalchemy import insert

    from eventsapp.events.models import Event
    from eventsapp.jalali import today, utcnow
    from eventsapp.persian import search_key
    from eventsapp.registrations.models import Registration, RegStatus, new_ticket_code
    from eventsapp.registrations.services import complete_national_id
    from eventsapp.ngos.models import Ngo
    from eventsapp.places.services import find_province

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        session = db.session
        province = find_province(session, "تهران")
        body = OrganizingBody(name="فرمانداری آزمایشی", kind=BodyKind.other)
        session.add(body)
        session.flush()
        # The rush is for tomorrow's event (registration closes when an event starts); the door
        # scans today's, whose tickets are seeded here, as bench/checkin.py does.
        rush = events.EventInput(kind=EventKind.meeting, title="همایش پرازدحام فردا", venue_name="تالار",
                                 province=province, capacity=args.capacity,
                                 days=[events.DayInput(today() + timedelta(days=1), clock_time(9), clock_time(12))])
        event, _ = events.create_event(session, body, rush)
        events.publish(event)
        door = events.EventInput(kind=EventKind.meeting, title="نشست امروز", venue_name="سالن",
                                 province=province, capacity=args.tickets,
                                 days=[events.DayInput(today(), clock_time(0, 0), clock_time(23, 59))])
        door_event, _ = events.create_event(session, body, door)
        events.publish(door_event)
        session.flush()
        host = Ngo(registration_no="69999999", province=province)
        host.set_name("انجمن میزبان")
        session.add(host)
        session.flush()
        created = utcnow()
        rows = [{"event_id": door_event.id, "ngo_id": host.id, "full_name": f"مهمان {i}",
                 "national_id": complete_national_id(f"{500_000_000 + i:09d}"),
                 "mobile": f"0935{i:07d}", "role": "عضو", "name_key": search_key(f"مهمان {i}"),
                 "status": RegStatus.confirmed.value, "ticket_code": new_ticket_code(),
                 "created_at": created, "created_by_id": None, "decided_at": None,
                 "cancelled_at": None, "cancelled_by_id": None, "note": ""}
                for i in range(args.tickets)]
        session.execute(insert(Registration), rows)
        session.execute(Event.__table__.update().where(Event.id == door_event.id)
                        .values(confirmed_count=args.tickets))
        codes = [r["ticket_code"] for r in rows]
        secretaries = []
        for n in range(args.ngos):
            ngo = Ngo(registration_no=f"7{n:07d}", province=province)
            ngo.set_name(f"انجمن آزمایشی {n}")
            session.add(ngo)
            session.flush()
            user = accounts.create_user(session, username=f"sec{n}", password="bench-pass-123",
                                        role=Role.secretary, full_name=f"دبیر {n}", ngo=ngo)
            session.flush()
            secretaries.append(accounts.create_api_token(session, user, "bench")[1])
        devices = [checkin.create_device(session, door_event, f"گیت {n}")[1]
                   for n in range(args.scanners)]
        session.commit()
        event_id, door_id = event.id, door_event.id
        db.engine.dispose()
    return app, event_id, door_id, codes, secretaries, devices


class Client:
    """One keep-alive connection; a dropped connection is counted and reopened."""

    def __init__(self, port, token):
        self.port, self.token, self.conn = port, token, None

    def post(self, path, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            self.conn.request("POST", path, body=json.dumps(body), headers={
                "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
            response = self.conn.getresponse()
            data = response.read()
            return response.status, (json.loads(data) if data else None)
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = None
            return type(error).__name__, None


def national_id(n):
    from eventsapp.registrations.services import complete_national_id
    return complete_national_id(f"{n + 1:09d}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--ngos", type=int, default=60)
    parser.add_argument("--people", type=int, default=4)
    parser.add_argument("--capacity", type=int, default=150)
    parser.add_argument("--scanners", type=int, default=4)
    parser.add_argument("--tickets", type=int, default=600, help="today's tickets at the door")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--no-kill", action="store_true", help="the same run without the fault")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="eventsapp-faults-")
    url = args.database_url or f"sqlite:///{tmp}/faults.db"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app, event_id, door_id, door_codes, secretaries, devices = seed(url, args)
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench-only", "RATELIMIT_ENABLED": "0"}
    server = Server("faults", "wsgi:app", ROOT, env, args, tmp)
    deadline = time.monotonic() + args.timeout
    answers, errors, lock = Counter(), Counter(), threading.Lock()
    told_confirmed, told_any, oks = set(), set(), Counter()
    codes = list(door_codes)
    sent = [0]
    total = args.ngos * args.people * 2

    def register(n, token):
        client = Client(server.port, token)
        for p in range(args.people):
            person = n * args.people + p
            attendee = {"full_name": f"عضو {person}", "national_id": national_id(person),
                        "mobile": f"0912{person:07d}", "role": "عضو"}
            for _ in range(2):  # the retry of a client that did not trust its first answer
                if time.monotonic() > deadline:
                    return
                status, body = client.post(f"/api/v1/events/{event_id}/registrations",
                                           {"attendees": [attendee]})
                with lock:
                    sent[0] += 1
                    (answers if isinstance(status, int) else errors)[status] += 1
                    if status == 201:
                        reg = body["registrations"][0]
                        told_any.add(reg["national_id"])
                        if reg["status"] == "confirmed":
                            told_confirmed.add(reg["national_id"])

    def scan(n, token):
        client = Client(server.port, token)
        mine = codes[n::len(devices)]
        for done, code in enumerate(mine, 1):
            if time.monotonic() > deadline:
                return
            for _ in range(1 + (done % 5 == 0)):  # every fifth ticket scanned twice
                status, body = client.post("/api/v1/checkin", {"event_id": door_id,
                                                               "code": code, "gate": "شمالی"})
                with lock:
                    if isinstance(status, int):
                        answers[f"scan {status}"] += 1
                        if status == 200:
                            oks[body["verdict"]] += 1
                    else:
                        errors[f"scan {status}"] += 1

    workers = [threading.Thread(target=register, args=(n, t)) for n, t in enumerate(secretaries)]
    scanners = [threading.Thread(target=scan, args=(n, t)) for n, t in enumerate(devices)]
    started = time.monotonic()
    for t in workers + scanners:
        t.start()
    killed = None
    if not args.no_kill:
        while sent[0] < total // 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.proc.pid)],
                                  capture_output=True, text=True).stdout.split()
        if children:
            killed = int(children[0])
            os.kill(killed, signal.SIGKILL)
    for t in workers:
        t.join()
    for t in scanners:
        t.join()
    elapsed = time.monotonic() - started
    server.stop()

    from sqlalchemy import func, select

    from eventsapp.checkin.models import CheckIn
    from eventsapp.events.models import Event
    from eventsapp.extensions import db
    from eventsapp.registrations.models import Registration, RegStatus
    with app.app_context():
        s = db.session
        rows = s.execute(select(Registration.national_id, Registration.status)
                         .where(Registration.event_id == event_id)).all()
        active = [r.national_id for r in rows if r.status in (RegStatus.confirmed, RegStatus.waitlisted,
                                                             RegStatus.pending)]
        confirmed = {r.national_id for r in rows if r.status == RegStatus.confirmed}
        event = s.get(Event, event_id)
        checkins = s.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.event_id == door_id))
        dup_checkins = s.execute(select(CheckIn.registration_id, CheckIn.day, func.count())
                                 .where(CheckIn.event_id == door_id)
                                 .group_by(CheckIn.registration_id, CheckIn.day)
                                 .having(func.count() > 1)).all()
        db.engine.dispose()

    print(f"database: {url.split(':')[0]}; gunicorn {args.workers}×{args.threads}; "
          f"{elapsed:.1f} s; worker killed: {killed or 'none'}")
    print(f"requests answered: {sum(answers.values())} {dict(sorted(answers.items(), key=str))}")
    print(f"transport errors (the killed worker's connections): {sum(errors.values())} {dict(errors)}")
    print("reconciliation:")
    print(f"  people told registered: {len(told_any)}; active registration rows: {len(active)}; "
          f"missing rows: {len(told_any - set(active))}")
    print(f"  rows never answered as a success (committed, then the answer was lost with the "
          f"worker or timed out; the retry was refused as a duplicate): {len(set(active) - told_any)}")
    print(f"  people told confirmed: {len(told_confirmed)}; confirmed rows: {len(confirmed)}; "
          f"told confirmed but not: {len(told_confirmed - confirmed)}")
    print(f"  duplicates (one person twice): {sum(c - 1 for c in Counter(active).values() if c > 1)}")
    print(f"  confirmed {len(confirmed)} ≤ capacity {args.capacity}: {len(confirmed) <= args.capacity}; "
          f"event's count {event.confirmed_count} = rows {len(confirmed)}: "
          f"{event.confirmed_count == len(confirmed)}")
    print(f"  scans answered ok: {oks['ok']}; check-in rows: {checkins}; "
          f"doubled check-ins: {len(dup_checkins)}; verdicts {dict(oks)}")
    print("  messages sent once: no outbox in this app yet (nothing is sent)")
    bad = (told_any - set(active)) or (told_confirmed - confirmed) or dup_checkins \
        or len(confirmed) > args.capacity or oks["ok"] != checkins \
        or event.confirmed_count != len(confirmed) or len(active) != len(set(active))
    print("RECONCILED" if not bad else "MISMATCH")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
