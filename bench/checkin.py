"""Door check-in throughput: POST /api/v1/checkin under gunicorn, beside its floor.

    python bench/checkin.py [--clients 32] [--scans 5000] [--workers 2] [--threads 4]
                            [--rounds 1] [--auth device|user] [--database-url postgresql://…]

Builds a fresh database (SQLite in a temporary directory, or the empty PostgreSQL database given),
runs the migrations, seeds one event today with confirmed tickets (bulk insert), the window open,
and one scanner device (or one door user's API token) per client. Starts gunicorn twice with the
same settings: the app, and the floor (bench/floor_app.py, a bare Flask endpoint doing one durable
INSERT per request into the same kind of database). Drives each with ``--clients`` keep-alive HTTP
clients for ``--scans`` requests (every ticket scanned once, so every verdict should be ok), and
prints requests/s, p50/p99 latency, errors, any "database is locked", and check-in/floor.

Only loopback; bounded in requests and time (``--timeout`` per run). The rate limiter stays on as
in production; CHECKIN_RATE_LIMIT is raised only if one client's share of scans would exceed it.
"""
import argparse
import http.client
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
WARMUP = 5  # requests per client before the clock starts


# --- database and seed -------------------------------------------------------------------------

def seed(url: str, *, tickets: int, clients: int, auth: str) -> dict:
    """Migrate and seed; return the event id, the ticket codes and one token per client."""
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from eventsapp import create_app
    from eventsapp.accounts import services as accounts
    from eventsapp.accounts.models import BodyKind, OrganizingBody, Role
    from eventsapp.checkin import services as checkin
    from eventsapp.events import services as events
    from eventsapp.events.models import Event, EventKind
    from eventsapp.extensions import db
    from eventsapp.jalali import today, utcnow
    from eventsapp.ngos.models import Ngo
    from eventsapp.persian import search_key
    from eventsapp.places.services import find_province
    from eventsapp.registrations.models import Registration, RegStatus, new_ticket_code
    from eventsapp.registrations.services import complete_national_id

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        session = db.session
        province = find_province(session, "تهران")
        body = OrganizingBody(name="فرمانداری آزمایشی", kind=BodyKind.other)
        session.add(body)
        ngo = Ngo(registration_no="90000001", province=province)
        ngo.set_name("انجمن آزمایشی")
        session.add(ngo)
        session.flush()
        # The whole of today, Tehran time: the window is open whenever the bench runs.
        data = events.EventInput(kind=EventKind.meeting, title="همایش بزرگ امروز", venue_name="ورزشگاه",
                                 province=province, capacity=tickets,
                                 days=[events.DayInput(today(), clock_time(0, 0), clock_time(23, 59))])
        event, _ = events.create_event(session, body, data)
        events.publish(event)
        session.flush()
        now = utcnow()
        rows = [{"event_id": event.id, "ngo_id": ngo.id, "full_name": f"شرکت‌کنندهٔ {i}",
                 "national_id": complete_national_id(f"{i + 1:09d}"), "mobile": f"09{i:09d}",
                 "role": "عضو", "name_key": search_key(f"شرکت‌کنندهٔ {i}"), "status": RegStatus.confirmed.value,
                 "ticket_code": new_ticket_code(), "created_at": now, "created_by_id": None,
                 "decided_at": None, "cancelled_at": None, "cancelled_by_id": None, "note": ""}
                for i in range(tickets)]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Registration), rows[start:start + 5000])
        session.execute(Event.__table__.update().where(Event.id == event.id).values(confirmed_count=tickets))
        tokens = []
        if auth == "device":
            for n in range(clients):
                _, raw = checkin.create_device(session, event, f"گوشی {n + 1}")
                tokens.append(raw)
        else:
            door = accounts.create_user(session, username="bench-door", password="bench-door-pass-1",
                                        role=Role.door, full_name="دربان آزمایشی")
            session.flush()
            checkin.assign_staff(session, event, door.username)
            for n in range(clients):
                _, raw = accounts.create_api_token(session, door, f"گیت {n + 1}")
                tokens.append(raw)
        session.commit()
        codes = [r["ticket_code"] for r in rows]
        synchronous = None
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        event_id = event.id
        db.engine.dispose()
    return {"event_id": event_id, "codes": codes, "tokens": tokens, "synchronous": synchronous}


# --- servers -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn on a free loopback port; stderr kept in a file to look for errors."""

    def __init__(self, name, target, chdir, env, args, log_dir):
        self.name, self.port = name, free_port()
        self.log_path = Path(log_dir) / f"{name}.log"
        self.log = open(self.log_path, "w")
        cmd = [str(VENV_BIN / "gunicorn"), "--chdir", str(chdir), "--bind", f"127.0.0.1:{self.port}",
               "--workers", str(args.workers), "--threads", str(args.threads), "--keep-alive", "30",
               # Each worker its own listening socket, so the kernel spreads keep-alive connections
               # over the workers; with one shared socket the busiest worker tends to accept them all.
               "--reuse-port",
               "--log-level", "warning", target]
        self.proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{name}: gunicorn exited; see {self.log_path}:\n{self.log_path.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit(f"{name}: gunicorn did not start")

    def worker_cpu(self) -> dict:
        """CPU seconds (user + system) used so far by each worker process."""
        ticks = os.sysconf("SC_CLK_TCK")
        out = {}
        for child in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            out[int(child)] = (int(fields[11]) + int(fields[12])) / ticks
        return out

    def locked_errors(self) -> int:
        self.log.flush()
        return self.log_path.read_text(errors="replace").count("database is locked")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# --- load --------------------------------------------------------------------------------------

def drive(port, path, bodies_per_client, headers_per_client, *, timeout, warmups=None, verdicts=False):
    """Each client thread sends its bodies over one keep-alive connection; returns the figures."""
    clients = len(bodies_per_client)
    latencies = [[] for _ in range(clients)]
    statuses = [{} for _ in range(clients)]
    seen = [{} for _ in range(clients)]
    failures = [0] * clients
    locked = [0] * clients
    ready = threading.Barrier(clients + 1)

    def client(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json", **headers_per_client[n]}

        def send(body, record):
            nonlocal conn
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                if record:
                    failures[n] += 1
                return
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            if not record:
                return
            latencies[n].append(time.perf_counter() - started)
            statuses[n][response.status] = statuses[n].get(response.status, 0) + 1
            if b"database is locked" in data:
                locked[n] += 1
            if verdicts and response.status == 200:
                verdict = json.loads(data)["verdict"]
                seen[n][verdict] = seen[n].get(verdict, 0) + 1

        for body in (warmups[n] if warmups else []):
            send(body, False)
        ready.wait()
        stop_at = time.monotonic() + timeout
        for body in bodies_per_client[n]:
            if time.monotonic() > stop_at:
                break
            send(body, True)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    started = time.perf_counter()
    for t in threads:
        t.join(timeout + 90)
    elapsed = time.perf_counter() - started
    all_latencies = sorted(x for part in latencies for x in part)
    merged_status, merged_verdicts = {}, {}
    for part in statuses:
        for k, v in part.items():
            merged_status[k] = merged_status.get(k, 0) + v
    for part in seen:
        for k, v in part.items():
            merged_verdicts[k] = merged_verdicts.get(k, 0) + v
    done = len(all_latencies)
    return {
        "requests": done,
        "seconds": elapsed,
        "rps": done / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * all_latencies[done // 2] if done else float("nan"),
        "p99_ms": 1000 * all_latencies[min(done - 1, int(done * 0.99))] if done else float("nan"),
        "max_ms": 1000 * all_latencies[-1] if done else float("nan"),
        "errors": sum(v for k, v in merged_status.items() if k != 200) + sum(failures),
        "statuses": merged_status,
        "locked_in_responses": sum(locked),
        "verdicts": merged_verdicts,
    }


def measured(server, *args, **kwargs):
    """``drive`` against ``server``, adding the server's CPU time per request and per worker."""
    before = server.worker_cpu()
    result = drive(server.port, *args, **kwargs)
    after = server.worker_cpu()
    used = [after[pid] - before.get(pid, 0.0) for pid in after]
    result["cpu_ms"] = 1000 * sum(used) / result["requests"] if result["requests"] else float("nan")
    result["cpu_split"] = sorted(used, reverse=True)
    return result


def split(items, n):
    return [items[i::n] for i in range(n)]


def show(name, r, locked_in_log):
    extra = f"  verdicts {r['verdicts']}" if r["verdicts"] else ""
    print(f"  {name:<10} {r['requests']:>6} req in {r['seconds']:6.2f} s  {r['rps']:8.1f} req/s  "
          f"p50 {r['p50_ms']:6.1f} ms  p99 {r['p99_ms']:7.1f} ms  max {r['max_ms']:7.1f} ms  "
          f"errors {r['errors']}  'database is locked' {r['locked_in_responses'] + locked_in_log}"
          f"  statuses {r['statuses']}{extra}")
    print(f"  {'':<10} server CPU {r['cpu_ms']:.2f} ms per request; per worker "
          + " / ".join(f"{x:.1f} s" for x in r["cpu_split"]))


# --- main --------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--scans", type=int, default=5000, help="requests per run (tickets scanned once each)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1, help="floor and check-in runs, alternating")
    parser.add_argument("--auth", choices=["device", "user"], default="device",
                        help="one scanner device per client, or one door user's token per client")
    parser.add_argument("--limiter", choices=["on", "off"], default="on",
                        help="off: RATELIMIT_ENABLED=0, to see what the rate limits cost")
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of SQLite in a temp dir")
    parser.add_argument("--timeout", type=float, default=300, help="seconds at most per run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 1 <= args.scans <= 200_000 or not 1 <= args.rounds <= 10:
        parser.error("--clients 1..256, --scans 1..200000, --rounds 1..10")

    tmp = Path(tempfile.mkdtemp(prefix="ea-bench-checkin-"))
    if args.database_url:
        url = args.database_url
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix):]
        floor_db = url.replace("postgresql+psycopg://", "postgresql://")
    else:
        url = f"sqlite:///{tmp / 'eventsapp.db'}"
        floor_db = str(tmp / "floor.db")

    tickets = args.scans * args.rounds + args.clients * WARMUP
    began = time.perf_counter()
    seeded = seed(url, tickets=tickets, clients=args.clients, auth=args.auth)
    seeded_in = time.perf_counter() - began
    os.environ["FLOOR_DATABASE"] = floor_db
    sys.path.insert(0, str(BENCH))
    import floor_app

    floor_app.create_schema()
    floor_sync = None
    if not floor_app.IS_PG:
        conn = floor_app.connect()
        floor_sync = conn.execute("PRAGMA synchronous").fetchone()[0]
        conn.close()

    per_client = -(-args.scans // args.clients)
    app_env = {"DATABASE_URL": url, "SECRET_KEY": "bench-only",
               "RATELIMIT_ENABLED": "1" if args.limiter == "on" else "0",
               "RATELIMIT_STORAGE_URI": "memory://"}
    if per_client > 500:  # keep the production limiter on, but let one client scan its share
        app_env["CHECKIN_RATE_LIMIT"] = f"{per_client * 2} per minute"

    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"database: {'PostgreSQL' if args.database_url else 'SQLite (WAL)'}; synchronous app={seeded['synchronous']} "
          f"floor={floor_sync} (2 = FULL); seeded {tickets} tickets in {seeded_in:.1f} s; tmp {tmp}")
    print(f"gunicorn --workers {args.workers} --threads {args.threads}; {args.clients} keep-alive clients; "
          f"{args.scans} requests per run; auth {args.auth}; limiter {args.limiter}; {args.rounds} round(s)")

    servers = []
    try:
        floor = Server("floor", "floor_app:app", BENCH, {"FLOOR_DATABASE": floor_db}, args, tmp)
        servers.append(floor)
        app = Server("checkin", "wsgi:app", ROOT, app_env, args, tmp)
        servers.append(app)
        headers = [{"Authorization": f"Bearer {t}"} for t in seeded["tokens"]]
        codes = seeded["codes"]
        warm = codes[:args.clients * WARMUP]
        to_scan = codes[args.clients * WARMUP:]

        def body(code, n):
            return json.dumps({"event_id": seeded["event_id"], "code": code, "gate": f"در {n % 8 + 1}"})

        ratios = []
        for r in range(args.rounds):
            batch = to_scan[r * args.scans:(r + 1) * args.scans]
            print(f"round {r + 1}:")
            floor_bodies = split([body(f"floor-{r}-{i}", i) for i in range(args.scans)], args.clients)
            floor_warm = split([body(f"warm-{i}", i) for i in range(args.clients * WARMUP)], args.clients) \
                if r == 0 else None
            f = measured(floor, "/scan", floor_bodies, [{}] * args.clients, timeout=args.timeout,
                      warmups=floor_warm)
            show("floor", f, floor.locked_errors())
            app_bodies = split([body(c, i) for i, c in enumerate(batch)], args.clients)
            app_warm = split([body(c, i) for i, c in enumerate(warm)], args.clients) if r == 0 else None
            c = measured(app, "/api/v1/checkin", app_bodies, headers, timeout=args.timeout,
                      warmups=app_warm, verdicts=True)
            show("check-in", c, app.locked_errors())
            ratios.append(c["rps"] / f["rps"] if f["rps"] else 0.0)
            print(f"  check-in / floor: {ratios[-1]:.0%} of the throughput; "
                  f"{c['cpu_ms'] / f['cpu_ms']:.1f}× the server CPU per request")
        if args.rounds > 1:
            print(f"median check-in / floor over {args.rounds} rounds: {statistics.median(ratios):.0%}")
        locked = floor.locked_errors() + app.locked_errors()
        print(f"'database is locked' in server logs: {locked}")
    finally:
        for s in servers:
            s.stop()
        if not args.keep:
            for p in sorted(tmp.rglob("*"), reverse=True):
                p.unlink() if p.is_file() else p.rmdir()
            tmp.rmdir()


if __name__ == "__main__":
    main()
