"""What the audit entry costs a registration: 400 registrations of one person each, each
committed, through ``registrations.register`` on a fresh SQLite database, with the audit entry
and with ``audit.record`` replaced by a no-op, alternating twice after a warm-up.

    .venv/bin/python bench/audit_cost.py
"""
import tempfile
import time as clock
from datetime import time, timedelta
from flask_migrate import upgrade
from eventsapp import create_app
from eventsapp.extensions import db
from eventsapp.accounts import services as accounts
from eventsapp.accounts.models import BodyKind
from eventsapp.audit import services as audit
from eventsapp.events import services as events
from eventsapp.jalali import today
from eventsapp.ngos.models import Ngo
from eventsapp.places.services import find_province
from eventsapp.registrations import services as regs

def run(label, n=400):
    d = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{d}/b.db", "SECRET_KEY": "b", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        s = db.session
        body = accounts.save_body(s, None, name="نهاد", kind=BodyKind.other)
        ngo = Ngo(registration_no="1", province=find_province(s, "تهران")); ngo.set_name("سمن"); s.add(ngo)
        ev, _ = events.create_event(s, body, events.EventInput(kind="workshop", title="ک", venue_name="س",
            province=find_province(s, "تهران"), days=[events.DayInput(today() + timedelta(days=5), time(9), time(12))], capacity=n))
        events.publish(ev); s.commit()
        t0 = clock.perf_counter()
        for i in range(n):
            regs.register(s, ev, ngo, [{"full_name": f"نفر {i}", "national_id": regs.complete_national_id(f"{i+1:09d}"), "mobile": "09120000000"}])
            s.commit()
        ms = (clock.perf_counter() - t0) / n * 1000
        print(f"{label}: {ms:.2f} ms per registration (commit included)")
        db.engine.dispose()

real = audit.record
run("warm-up")
for _ in range(2):
    run("with the audit entry")
    audit.record = lambda *a, **k: None
    run("audit.record a no-op")
    audit.record = real
