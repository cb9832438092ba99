"""Real peers for messages: a local HTTP server standing in for the SMS gateway (it keeps
every request, counts one message per idempotency key, and can be told to fail, hang or
freeze the worker that calls it), and a real SMTP server (aiosmtpd)."""
import email
import email.policy
import json
import os
import signal
import socket
import threading
import time
from datetime import time as dtime
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller

from eventsapp.events import services as events
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from eventsapp.registrations.services import complete_national_id


class Gateway:
    def __init__(self):
        self.requests = []          # every request as received: (path, headers, body)
        self.by_key = {}            # idempotency key → the first JSON body with that key
        self.fail_next = 0          # answer 500 to this many requests
        self.hang = 0.0             # sleep this long before answering
        self.freeze_pid = None      # SIGSTOP this process, answer, then SIGKILL it
        self.style = "generic"      # or "kavenegar" / "smsir": answer as those APIs document
        self.lock = threading.Lock()
        self.url = ""

    def handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        with self.lock:
            self.requests.append((handler.path, dict(handler.headers), raw))
            failing = self.fail_next > 0
            if failing:
                self.fail_next -= 1
        if self.hang:
            time.sleep(self.hang)
        if failing:
            return 500, {"error": "gateway down"}
        if self.style == "kavenegar":
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            body = {"to": form.get("receptor"), "text": form.get("message"), "id": form.get("localid"),
                    "form": form}
        else:
            body = json.loads(raw)
            if self.style == "smsir":
                body = {"to": body["mobiles"][0], "text": body["messageText"], "json": body,
                        "id": f"smsir-{len(self.requests)}"}
        key = body.get("id") or handler.headers.get("Idempotency-Key")
        with self.lock:
            duplicate = key in self.by_key
            if not duplicate:
                self.by_key[key] = body
            n = len(self.by_key)
        if self.style == "kavenegar":
            return 200, {"return": {"status": 200, "message": "تایید شد"},
                         "entries": [{"messageid": 8792000 + n, "status": 1}]}
        if self.style == "smsir":
            return 200, {"status": 1, "message": "موفق", "data": {"packId": "p", "messageIds": [500 + n], "cost": 1}}
        return 200, {"accepted": True, "duplicate": duplicate, "ref": f"gw-{n}"}

    @property
    def texts(self):
        return [b["text"] for b in self.by_key.values()]


@pytest.fixture
def gateway():
    gw = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            status, answer = gw.handle(self)
            data = json.dumps(answer).encode()
            pid = gw.freeze_pid
            if pid:
                os.kill(pid, signal.SIGSTOP)  # the worker cannot act on the answer …
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                if pid:
                    gw.freeze_pid = None
                    os.kill(pid, signal.SIGKILL)  # … and dies with the answer in its socket

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gw.url = f"http://127.0.0.1:{server.server_port}/send"
    yield gw
    server.shutdown()
    server.server_close()


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtpd():
    box = Mailbox()
    with socket.socket() as probe:  # a free port (the controller checks it can connect)
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def delivering(app, gateway, smtpd):
    """The app configured to send: SMS to the local gateway, e-mail to the local SMTP server."""
    saved = dict(app.config)
    app.config.update({
        "SMS_BACKEND": "http", "SMS_GATEWAY_URL": gateway.url, "SMS_GATEWAY_TOKEN": "gw-secret",
        "SMS_TIMEOUT": 2, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtpd.port, "MAIL_DEFAULT_SENDER": "events@events.example.ir",
        "PUBLIC_BASE_URL": "https://events.example.ir", "OUTBOX_RETRY_SECONDS": 30,
        "OUTBOX_MAX_ATTEMPTS": 3,
    })
    yield gateway, smtpd
    app.config.clear()
    app.config.update(saved)


def nid(n: int) -> str:
    return complete_national_id(f"{n:09d}")


def person(n: int, **kw) -> dict:
    data = {"full_name": f"عضو شمارهٔ {n}", "national_id": nid(n), "mobile": f"0912{n:07d}",
            "role": "عضو"}
    data.update(kw)
    return data


@pytest.fixture
def make_event(db, make_body):
    """A published workshop ten days ahead, committed."""
    counter = iter(range(1, 10**6))

    def make(capacity=10, approval=False, title="کارگاه توانمندسازی سمن‌ها", days_ahead=10,
             start=dtime(9), end=dtime(12), waitlist=True, **kw):
        data = events.EventInput(
            kind="workshop", title=title, venue_name="سالن همایش فرمانداری",
            province=find_province(db.session, "تهران"),
            days=[events.DayInput(today() + timedelta(days=days_ahead), start, end)],
            capacity=capacity, requires_approval=approval, **kw)
        event, _ = events.create_event(db.session, make_body(name=f"نهاد پیام {next(counter)}"), data)
        event.waitlist = waitlist
        events.publish(event)
        db.session.commit()
        return event
    return make
