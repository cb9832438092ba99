"""Audit fixtures: an organizer's published workshop ten days ahead, and a way to see exactly
the entries one call wrote."""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.audit.models import AuditEntry
from eventsapp.events import services as events
from eventsapp.jalali import today
from eventsapp.places.services import find_county, find_province
from eventsapp.registrations import services as registrations


def person(n: int, **kw) -> dict:
    data = {"full_name": f"عضو شمارهٔ {n}", "national_id": registrations.complete_national_id(f"{n:09d}"),
            "mobile": f"0912{n:07d}", "role": "عضو"}
    data.update(kw)
    return data


def event_input(db, **kw):
    tehran = find_province(db.session, "تهران")
    data = dict(kind="workshop", title="کارگاه توانمندسازی", venue_name="سالن فرمانداری",
                province=tehran, county=find_county(db.session, "شمیرانات", tehran),
                days=[events.DayInput(today() + timedelta(days=10), time(9), time(12))],
                capacity=3)
    data.update(kw)
    return events.EventInput(**data)


@pytest.fixture
def organizer(make_user, make_body):
    return make_user("organizer", body=make_body(name="فرمانداری شمیرانات"), full_name="علی رضایی")


@pytest.fixture
def make_event(db, organizer):
    def make(body=None, publish=True, **kw):
        event, _ = events.create_event(db.session, body or organizer.body, event_input(db, **kw),
                                       actor=organizer)
        if publish:
            events.publish(event, actor=organizer)
        db.session.commit()
        return event
    return make


class Written:
    """The entries written since it was made: ``written.entries()``."""

    def __init__(self, db):
        self.db = db
        self.mark = db.session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))

    def entries(self):
        return list(self.db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > self.mark).order_by(AuditEntry.id)))

    def one(self):
        entries = self.entries()
        assert len(entries) == 1, [(e.action, e.before, e.after) for e in entries]
        return entries[0]


@pytest.fixture
def written(db):
    return lambda: Written(db)
