"""Every report page, export and API call, timed at the demo size and at national size.

Builds a fresh database (SQLite in a temp folder, or --database-url), loads the demo data and
times each report as an admin, a provincial office and a county body's organizer; then adds
`demo-data --scale national` (19,000 NGOs, 2,000 events over three Jalali years, 200,000
registrations, their check-ins) and times them again. Each figure is the server time of the
request through the Flask test client (no network), beside floors measured in the same run,
through the same client and app: a bare endpoint, and a bare `SELECT count(*)` over the
check-ins and over the registrations. Beside the wall time it prints the CPU time the request
took in this process, which a busy machine disturbs much less (on SQLite it includes the
database's work; on PostgreSQL that runs in the server's processes).

    .venv/bin/python bench/reports.py [--database-url postgresql+psycopg://…] [--runs 7]
        [--national-only | --demo-only] [--reuse]   # --reuse: a database already holding national data
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from eventsapp import create_app, demo, demo_scale  # noqa: E402
from eventsapp.accounts import models as account_models  # noqa: E402
from eventsapp.accounts import services as accounts  # noqa: E402
from eventsapp.accounts.models import OrganizingBody, Role, User  # noqa: E402
from eventsapp.events.models import Event  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.jalali import to_jalali, today  # noqa: E402
from eventsapp.ngos.models import Ngo  # noqa: E402
from eventsapp.places.services import find_province  # noqa: E402
from eventsapp.reports import facts  # noqa: E402
from eventsapp.reports.models import Attendance  # noqa: E402

PASSWORD = "bench-pass-1"


def timed(client, url, runs, headers=None):
    """Median and worst wall time, and median CPU time of this process (the app, and SQLite's
    work, which runs inside it; PostgreSQL's runs in its own processes), in ms."""
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers or {})
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.data[:300])
    samples.sort()
    return statistics.median(samples), samples[-1], statistics.median(cpu)


def users(session):
    """admin, an Isfahan provincial office's organizer, a county body's organizer; API tokens."""
    isfahan = find_province(session, "اصفهان")
    office = (session.scalars(select(OrganizingBody).where(OrganizingBody.province_id == isfahan.id,
                                                          OrganizingBody.county_id.is_(None))
                              .order_by(OrganizingBody.id.desc())).first())
    out = {}
    for username, body in (("admin", None), ("bench-isfahan", office), ("organizer2", None)):
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = accounts.create_user(session, username=username, password=PASSWORD, role=Role.organizer,
                                        full_name="سنجش", body=body)
        elif body is not None:
            user.body = body
        _, token = accounts.create_api_token(session, user, "bench")
        out[username] = token
    session.commit()
    return out


def cases(session, user):
    """The report URLs for ``user``: the busiest event and the most present NGO of their scope."""
    from eventsapp.reports import services

    scope = services.scope_for(user)
    ids = services.event_ids(scope, services.ReportFilter())
    jy = to_jalali(today()).year
    busiest = session.scalar(select(Event.id).where(Event.id.in_(ids))
                             .order_by(Event.confirmed_count.desc(), Event.id).limit(1))
    ngo = session.scalar(select(Attendance.ngo_id).where(Attendance.event_id.in_(ids)).group_by(Attendance.ngo_id)
                         .order_by(func.count().desc(), Attendance.ngo_id).limit(1)) or session.scalar(select(Ngo.id))
    year, all_years = f"year={jy}", "year="
    found = [
        ("overview (months, provinces), this year", f"/reports/?{year}"),
        ("overview, all three years", f"/reports/?{all_years}"),
        ("events list, this year", f"/reports/events?{year}"),
        ("reach + outreach list, this year", f"/reports/reach?{year}"),
        ("reach + outreach list, all years", f"/reports/reach?{all_years}"),
        ("per NGO, this year", f"/reports/ngos?{year}"),
        ("per NGO, all years", f"/reports/ngos?{all_years}"),
        ("activity (derived + declared, per province)", "/reports/activity"),
        ("awards, this year", f"/reports/awards?{year}"),
        ("attendance sheet, busiest event", f"/reports/events/{busiest}/attendance"),
        ("NGO history", f"/reports/ngos/{ngo}"),
        ("organizer home (dashboard)", "/organizer/"),
        ("export months.xlsx, this year", f"/reports/months.xlsx?{year}"),
        ("export events.xlsx, all years", f"/reports/events.xlsx?{all_years}"),
        ("export ngos.csv, this year", f"/reports/ngos.csv?{year}"),
        ("export ngos.xlsx, this year", f"/reports/ngos.xlsx?{year}"),
        ("export reach.xlsx (outreach list)", f"/reports/reach.xlsx?{year}"),
        ("export activity.xlsx", "/reports/activity.xlsx"),
        ("export attendance.xlsx, busiest event", f"/reports/events/{busiest}/attendance?format=xlsx"),
        ("API summary, this year", "/api/v1/reports/summary?from={}&to={}"),
        ("API summary, all years", "/api/v1/reports/summary"),
        ("API ngo-activity", "/api/v1/reports/ngo-activity"),
    ]
    return [(name, url) for name, url in found if "/None" not in url]  # no held event in scope


def run(app, label, runs):
    with app.app_context():
        tokens = users(db.session)
        print(f"\n== {label}: {db.session.scalar(select(func.count(Ngo.id)))} NGOs, "
              f"{db.session.scalar(select(func.count(Event.id)))} events, "
              f"{db.session.scalar(text('select count(*) from registrations'))} registrations, "
              f"{db.session.scalar(text('select count(*) from checkins'))} check-ins "
              f"({db.engine.dialect.name})")
        start = time.perf_counter()
        facts.refresh(db.session)
        db.session.commit()
        print(f"attendance facts brought up to date in {(time.perf_counter() - start) * 1000:.0f} ms")
        from eventsapp.reports.services import jalali_year_range
        first, last = jalali_year_range(to_jalali(today()).year)
        todo = {}
        for username in tokens:
            user = db.session.scalar(select(User).where(User.username == username))
            todo[username] = [(n, u.format(first.isoformat(), last.isoformat())) for n, u in cases(db.session, user)]
    floors = [("floor: bare endpoint", "/__floor"), ("floor: SELECT count(*) FROM checkins", "/__count_checkins"),
              ("floor: SELECT count(*) FROM registrations", "/__count_registrations")]
    for username in ("admin", "bench-isfahan", "organizer2"):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        bearer = {"Authorization": f"Bearer {tokens[username]}"}
        print(f"\n-- as {username}")
        print(f"{'case':48s} {'p50 ms':>8s} {'max ms':>8s} {'cpu ms':>8s}")
        for name, url in floors + todo[username]:
            if username != "admin" and name.startswith("floor"):
                continue
            if "organizer home" in name and username == "admin":
                continue
            p50, worst, cpu = timed(client, url, runs, bearer if url.startswith("/api/") else None)
            flag = "  > 300 ms" if p50 > 300 else ""
            print(f"{name:48s} {p50:8.1f} {worst:8.1f} {cpu:8.1f}{flag}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--national-only", action="store_true")
    parser.add_argument("--demo-only", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="the database already holds national data")
    args = parser.parse_args()
    account_models.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/reports.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False})

    @app.route("/__floor")
    def floor():
        return "ok"

    @app.route("/__count_checkins")
    def count_checkins():
        return str(db.session.scalar(text("SELECT count(*) FROM checkins")))

    @app.route("/__count_registrations")
    def count_registrations():
        return str(db.session.scalar(text("SELECT count(*) FROM registrations")))

    for view in (floor, count_checkins, count_registrations):
        view.access = "public"

    with app.app_context():
        upgrade()
        if not args.reuse:
            demo.load(db.session, password=PASSWORD)
            db.session.commit()
    if not args.national_only and not args.reuse:
        run(app, "demo size", args.runs)
    if args.demo_only:
        return
    if not args.reuse:
        with app.app_context():
            start = time.perf_counter()
            demo_scale.generate(db.session)
            db.session.commit()
            print(f"\nloaded national data in {time.perf_counter() - start:.1f} s")
    run(app, "national size", args.runs)


if __name__ == "__main__":
    main()
