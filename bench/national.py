"""The registry search and the registration list at national size.

Builds a fresh database (SQLite in a temp folder, or --database-url), loads the demo data and
`demo-data --scale national` (19,000 NGOs, 2,000 events, 200,000 registrations), then times
pages and API calls through the Flask test client, beside a floor measured in the same run: a
bare endpoint doing nothing, through the same client and app.

    .venv/bin/python bench/national.py [--database-url postgresql+psycopg://…] [--runs 30]
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from eventsapp import create_app, demo, demo_scale  # noqa: E402
from eventsapp.accounts import models as account_models  # noqa: E402
from eventsapp.accounts import services as accounts  # noqa: E402
from eventsapp.events.models import Event  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.places.services import find_province  # noqa: E402
from eventsapp.registrations.models import Registration  # noqa: E402


def timed(client, url, runs, headers=None):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers or {})
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    account_models.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/national.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})

    @app.route("/__floor")
    def floor():
        return "ok"
    floor.access = "public"

    with app.app_context():
        upgrade()
        start = time.perf_counter()
        demo.load(db.session, password="bench-pass-1")
        demo_scale.generate(db.session)
        db.session.commit()
        print(f"loaded national data in {time.perf_counter() - start:.1f} s:",
              db.session.scalar(select(func.count(Registration.id))), "registrations")
        big = db.session.scalar(select(Event.id).order_by(Event.confirmed_count.desc()).limit(1))
        tehran = find_province(db.session, "تهران").id
        admin = db.session.scalar(select(account_models.User).where(account_models.User.username == "admin"))
        _, token = accounts.create_api_token(db.session, admin, "bench")
        db.session.commit()

    client = app.test_client()
    client.post("/login", data={"username": "admin", "password": "bench-pass-1"})
    bearer = {"Authorization": f"Bearer {token}"}
    cases = [
        ("floor: bare endpoint", "/__floor", None),
        ("registry: search «كانون» (Arabic ك)", "/ngos/?q=كانون", None),
        ("registry: search two words", "/ngos/?q=یاوران+سلامت", None),
        ("registry: filter province + status", f"/ngos/?province={tehran}&status=active", None),
        ("registry: page 300", "/ngos/?page=300", None),
        ("registry: registration number prefix", "/ngos/?q=50012", None),
        ("registrations: big event, page 1", f"/events/{big}/registrations", None),
        ("registrations: big event, search name", f"/events/{big}/registrations?q=زهرا", None),
        ("registrations: big event, waitlisted", f"/events/{big}/registrations?status=waitlisted", None),
        ("registrations: API list", f"/api/v1/events/{big}/registrations?per_page=100", bearer),
    ]
    print(f"{'case':42s} {'p50 ms':>8s} {'p99 ms':>8s}")
    for label, path, headers in cases:
        p50, p99 = timed(client, path, args.runs, headers)
        print(f"{label:42s} {p50:8.1f} {p99:8.1f}")


if __name__ == "__main__":
    main()
