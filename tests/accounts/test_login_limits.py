"""Login limits (eventsapp/limits.py): per account at an address with a growing delay, per
address for failures only; and counted together by every worker of every server (Redis)."""
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from eventsapp import limits
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def limited(app):
    """Limits on, in fresh per-process storage, for one test."""
    saved = {k: app.config[k] for k in ("RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI")}
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"memory://{uuid.uuid4().hex}")
    for key in [k for k in app.extensions if k.startswith("trust_limits")]:
        del app.extensions[key]
    yield app
    app.config.update(saved)
    for key in [k for k in app.extensions if k.startswith("trust_limits")]:
        del app.extensions[key]


def _post(client, username, password, address):
    return client.post("/login", data={"username": username, "password": password},
                       environ_overrides={"REMOTE_ADDR": address})


def test_failures_at_one_address_grow_a_delay_there_only(client, limited, make_user):
    user = make_user("organizer")
    answers = [_post(client, user.username, "wrong-password", "10.1.1.1").status_code
               for _ in range(8)]
    assert answers == [400] * 6 + [429] * 2  # five free tries, one more, then the delay
    refused = _post(client, user.username, PASSWORD, "10.1.1.1")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    assert "ثانیهٔ دیگر" in refused.get_data(as_text=True)
    # The owner, from another address, gets in with the right password at once.
    other = limited.test_client()
    assert _post(other, user.username, PASSWORD, "10.2.2.2").status_code == 302


def test_the_delay_doubles_and_the_right_password_clears_it(client, limited, make_user):
    user = make_user("organizer")
    for _ in range(6):
        assert _post(client, user.username, "wrong-password", "10.1.1.3").status_code == 400
    time.sleep(1.05)  # the sixth try's delay: 1 s
    assert _post(client, user.username, "wrong-password", "10.1.1.3").status_code == 400
    refused = _post(client, user.username, "wrong-password", "10.1.1.3")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
    time.sleep(2.05)
    assert _post(client, user.username, PASSWORD, "10.1.1.3").status_code == 302
    client.post("/logout", data={})
    # After a success the count starts again: five free tries.
    fresh = limited.test_client()
    assert [_post(fresh, user.username, "wrong", "10.1.1.3").status_code
            for _ in range(6)] == [400] * 6


def test_an_office_behind_one_address_is_not_locked_out_by_its_own_typos(client, limited,
                                                                         make_user):
    """The review: 10 failures a minute from one address locked every user behind it out."""
    typist, colleague = make_user("organizer"), make_user("secretary")
    for _ in range(12):
        _post(limited.test_client(), typist.username, "wrong-password", "10.3.3.3")
    assert _post(client, colleague.username, PASSWORD, "10.3.3.3").status_code == 302


def test_failures_per_address_across_accounts_are_limited(client, limited, make_user):
    limited.config["LOGIN_ADDRESS_FAILURES"] = "7 per 15 minutes"
    try:
        answers = [_post(client, f"nobody{n}", "wrong-password", "10.4.4.4").status_code
                   for n in range(9)]
        assert answers == [400] * 7 + [429] * 2
        # Another address is not affected.
        assert _post(client, "nobody99", "wrong-password", "10.4.4.5").status_code == 400
    finally:
        limited.config["LOGIN_ADDRESS_FAILURES"] = "100 per 15 minutes"


def test_successes_are_not_failures_of_the_address(client, limited, make_user):
    limited.config["LOGIN_ADDRESS_FAILURES"] = "3 per 15 minutes"
    try:
        user = make_user("organizer")
        for _ in range(5):
            c = limited.test_client()
            assert _post(c, user.username, PASSWORD, "10.5.5.5").status_code == 302
    finally:
        limited.config["LOGIN_ADDRESS_FAILURES"] = "100 per 15 minutes"


def test_concurrent_tries_get_no_more_than_the_free_ones(limited):
    """Reserved before the password is checked: 40 tries at once, exactly six go through."""
    name = f"race-{uuid.uuid4().hex}"
    results = []

    def attempt():
        with limited.app_context():
            results.append(limits.login_try(name, "10.6.6.6").allowed)

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 6


def test_login_delay_grows_and_stops_at_the_maximum():
    assert [limits.login_delay(n, 5, 300) for n in range(1, 16)] == \
        [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300]


# --- two servers × two workers, counting together in Redis ----------------------------------

def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port, method, path, body=None, cookie=None, source="127.0.0.1"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read().decode()
    finally:
        conn.close()


def _login_form(port, source="127.0.0.1"):
    response, html = _request(port, "GET", "/login", source=source)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    cookie = response.getheader("Set-Cookie").split(";")[0]
    return token, cookie


@pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")
def test_two_servers_of_two_workers_count_logins_together(tmp_path):
    """The review: with per-worker counts, 20 of 40 wrong passwords were answered before 429."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'two.db'}"
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("uses its own SQLite file; the counting is in Redis either way")
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="two-servers", FLASK_APP="wsgi.py",
               RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_ENABLED="1",
               LOGIN_DELAY="60")  # the sixth try's delay outlasts the test
    venv = Path(sys.executable).parent
    subprocess.run([str(venv / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    username = "u" + uuid.uuid4().hex[:12]
    subprocess.run([str(venv / "flask"), "create-admin", "--username", username,
                    "--password", PASSWORD], cwd=ROOT, env=env, check=True, capture_output=True)
    ports = [_free_port(), _free_port()]
    servers = [subprocess.Popen([str(venv / "gunicorn"), "--workers", "2", "--bind",
                                 f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for port in ports]
    try:
        deadline = time.time() + 30
        for port in ports:
            while True:
                try:
                    _request(port, "GET", "/login")
                    break
                except OSError:
                    assert time.time() < deadline, "gunicorn did not start"
                    time.sleep(0.2)
        answered = 0
        for n in range(40):
            port = ports[n % 2]  # and each server's two workers take turns as they come
            token, cookie = _login_form(port)
            body = urlencode({"csrf_token": token, "username": username, "password": "wrong!"})
            response, _ = _request(port, "POST", "/login", body, cookie)
            assert response.status in (400, 429), response.status
            answered += response.status == 400
        assert answered == 6  # five free tries and one after them; the delay holds the rest
        # The right password from another address is not held back by those failures.
        token, cookie = _login_form(ports[1], source="127.0.0.2")
        body = urlencode({"csrf_token": token, "username": username, "password": PASSWORD})
        response, _ = _request(ports[1], "POST", "/login", body, cookie, source="127.0.0.2")
        assert response.status == 302
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=20)
