"""Messages per second through the outbox to a local gateway, beside a floor.

    .venv/bin/python bench/outbox.py [--messages 2000] [--workers 1] [--database-url postgresql://…]

Makes a temporary SQLite database with the migrations (or uses the given empty PostgreSQL
database), queues ``--messages`` SMS in the outbox through ``notifications.outbox.queue``, and
starts a stand-in gateway in its own process (a threading HTTP server answering 200 to every
POST, counting distinct idempotency keys). Then:

- floor: the same number of gateway calls (the same JSON POST with urllib, one connection per
  call, as the worker makes them) from a bare loop in one process, no database;
- outbox: ``--workers`` processes of ``flask send-outbox --once`` draining the outbox: claim
  a batch, send each, record each answer (one short transaction per message).

Prints messages/s for both, the ratio, and the gateway's count of distinct keys and of calls
(equal when nothing was sent twice).
"""
import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def serve_gateway(port_out, stats):
    keys = set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            key = json.loads(body).get("id")
            if key.startswith("bench."):
                keys.add(key)
                stats[0] += 1
                stats[1] = len(keys)
            data = b'{"accepted": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.value = server.server_port
    server.serve_forever()


def floor(url: str, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        data = json.dumps({"to": "+989120000000", "text": "بلیت «کارگاه»", "id": f"floor.{i}"},
                          ensure_ascii=False).encode()
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Idempotency-Key": f"floor.{i}",
            "Authorization": "Bearer bench"})
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    return n / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    port = multiprocessing.Value("i", 0)
    stats = multiprocessing.Array("i", 2)
    gateway = multiprocessing.Process(target=serve_gateway, args=(port, stats), daemon=True)
    gateway.start()
    while not port.value:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port.value}/send"

    tmp = tempfile.mkdtemp(prefix="bench-outbox-")
    database_url = args.database_url or f"sqlite:///{tmp}/outbox.db"
    env = dict(os.environ, DATABASE_URL=database_url, SMS_BACKEND="http", SMS_GATEWAY_URL=url,
               SMS_GATEWAY_TOKEN="bench", MAIL_BACKEND="outbox", FLASK_APP="wsgi.py",
               PUBLIC_BASE_URL="https://events.example.ir")
    os.environ.update(env)

    from flask_migrate import upgrade

    from eventsapp import create_app
    from eventsapp.extensions import db
    from eventsapp.jalali import utcnow
    from eventsapp.notifications.models import Channel
    from eventsapp.notifications.outbox import address, queue

    from eventsapp.notifications import worker
    from eventsapp.notifications.models import OutboxMessage

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})

    def fill(prefix):
        with app.app_context():
            now = utcnow()
            for i in range(args.messages):
                addr = address(db.session, Channel.sms, f"0912{i:07d}")
                queue(db.session, key=f"{prefix}.{i}.sms", kind="bench", addr=addr,
                      body="بلیت «کارگاه توانمندسازی»\nکد: ACDE-3467\nevents.example.ir/t/x", now=now)
            db.session.commit()
            db.engine.dispose()

    with app.app_context():
        upgrade()
    fill("inproc")
    floor_rate = floor(url, args.messages)
    with app.app_context():
        started = time.perf_counter()
        worker.run(once=True, echo=lambda *a: None)
        inproc_rate = args.messages / (time.perf_counter() - started)
        db.session.execute(db.delete(OutboxMessage.__table__.c.id.table))
        db.session.commit()
        db.engine.dispose()
    fill("bench")
    stats[0] = stats[1] = 0

    flask = str(Path(sys.executable).parent / "flask")
    started = time.perf_counter()
    procs = [subprocess.Popen([flask, "send-outbox", "--once"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(args.workers)]
    for p in procs:
        p.wait()
    elapsed = time.perf_counter() - started
    rate = args.messages / elapsed
    db_name = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"{args.messages} messages, {args.workers} worker(s), {db_name}")
    print(f"floor (bare loop of the same gateway calls): {floor_rate:,.0f} messages/s")
    print(f"outbox, the worker loop in this process: {inproc_rate:,.0f} messages/s "
          f"= {inproc_rate / floor_rate:.0%} of the floor")
    print(f"outbox, {args.workers} × flask send-outbox --once (process start included): "
          f"{rate:,.0f} messages/s ({elapsed:.1f} s) = {rate / floor_rate:.0%} of the floor")
    print(f"gateway, second run: {stats[0]} calls, {stats[1]} distinct keys"
          + ("" if stats[0] == stats[1] == args.messages else "  ← MISMATCH"))
    gateway.terminate()


if __name__ == "__main__":
    main()
