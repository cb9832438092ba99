"""National-size demo data for benchmarks: 19,000 NGOs, 2,000 events, 200,000 registrations.

Written with bulk Core inserts (not the services, which would take minutes): the rows are
what the services would have made — valid national IDs, confirmed seats within capacity and
per-NGO quotas, waitlists in order, random ticket codes.
"""
import random
from datetime import time, timedelta

from sqlalchemy import func, insert, select

from .accounts.models import BodyKind, OrganizingBody
from .events.models import Event, EventDay, EventKind, EventStatus, Venue
from .jalali import today, utcnow
from .ngos.models import ActivityField, Ngo, NgoStatus
from .persian import search_key
from .places.models import County
from .registrations.models import Registration, RegStatus, new_ticket_code
from .registrations.services import complete_national_id

NAME_PARTS = (["انجمن", "کانون", "مؤسسهٔ خیریهٔ", "جمعیت", "مرکز", "خانهٔ", "شبکهٔ"],
              ["حمایت از", "یاوران", "دوستداران", "توسعهٔ", "نیکوکاری", "همیاران", "داوطلبان"],
              ["کودکان", "محیط زیست", "سالمندان", "سلامت", "زنان سرپرست خانوار", "فرهنگ",
               "جوانان", "معلولان", "قرآن", "میراث", "محله", "کتاب‌خوانی", "ورزش"])
PEOPLE = (["زهرا", "محمد", "فاطمه", "علی", "مریم", "حسین", "نرگس", "رضا", "سمیه", "مهدی", "لیلا",
           "امیر", "سارا", "جواد", "الهام", "حمید"],
          ["احمدی", "رضایی", "کاظمی", "حسینی", "محمدی", "نوری", "کریمی", "جعفری", "صادقی", "رحیمی",
           "موسوی", "قاسمی", "اکبری", "یوسفی"])
CHUNK = 5000


def _chunks(rows, n=CHUNK):
    for i in range(0, len(rows), n):
        yield rows[i:i + n]


def _insert(session, model, rows):
    for part in _chunks(rows):
        session.execute(insert(model), part)


def generate(session, *, ngos=19_000, events=2_000, registrations=200_000, seed=1405) -> list[str]:
    rnd = random.Random(seed)
    now = utcnow()
    counties = session.execute(select(County.id, County.province_id)).all()
    base_ngo = (session.scalar(select(func.max(Ngo.id))) or 0) + 1

    # NGOs: 67% active, 16% semi-active, 17% inactive, as the national figures say.
    statuses = [NgoStatus.active] * 67 + [NgoStatus.semi_active] * 16 + [NgoStatus.inactive] * 17
    fields = list(ActivityField)
    ngo_rows = []
    for i in range(ngos):
        county_id, province_id = counties[rnd.randrange(len(counties))]
        name = f"{rnd.choice(NAME_PARTS[0])} {rnd.choice(NAME_PARTS[1])} {rnd.choice(NAME_PARTS[2])} {i + 1}"
        codes = sorted({f.value for f in rnd.sample(fields, rnd.randint(1, 3))})
        ngo_rows.append({
            "id": base_ngo + i, "name": name, "name_key": search_key(name),
            "registration_no": f"5{i + 1:07d}", "is_charity": rnd.random() < 0.4,
            "fields": f",{','.join(codes)},", "province_id": province_id, "county_id": county_id,
            "address": "", "phone": "", "status": rnd.choice(statuses).value,
            "capacity_level": rnd.choice([None, 1, 2, 3]), "notes": "", "created_at": now,
            "updated_at": now,
        })
    _insert(session, Ngo, ngo_rows)

    body = session.scalar(select(OrganizingBody).where(OrganizingBody.name == "ستاد ملی رویدادهای سمن‌ها (داده‌های آزمایشی)"))
    if body is None:
        body = OrganizingBody(name="ستاد ملی رویدادهای سمن‌ها (داده‌های آزمایشی)", kind=BodyKind.other)
        session.add(body)
        session.flush()

    # Venues and events spread over two years around today, two days for a third of them.
    venue_rows, event_rows, day_rows = [], [], []
    base_venue = (session.scalar(select(func.max(Venue.id))) or 0) + 1
    base_event = (session.scalar(select(func.max(Event.id))) or 0) + 1
    per_event = max(1, registrations // max(1, events))
    for i in range(events):
        county_id, province_id = counties[rnd.randrange(len(counties))]
        vname = f"سالن همایش شمارهٔ {i + 1}"
        venue_rows.append({"id": base_venue + i, "name": vname, "name_key": search_key(vname),
                           "address": "", "province_id": province_id, "county_id": county_id})
        start = today() + timedelta(days=rnd.randint(-365, 365))
        ndays = 2 if i % 3 == 0 else 1
        capacity = rnd.choice([per_event // 2, per_event, per_event * 2])
        event_rows.append({
            "id": base_event + i, "kind": rnd.choice(list(EventKind)).value,
            "title": f"کارگاه توانمندسازی سمن‌ها شمارهٔ {i + 1}", "topic": "", "description": "",
            "body_id": body.id, "venue_id": base_venue + i, "occasion_id": None,
            "capacity": capacity, "per_ngo_quota": None, "registration_opens_at": None,
            "registration_closes_at": None, "audience": "all", "audience_province_id": None,
            "audience_county_id": None, "requires_approval": False, "waitlist": True,
            "status": (EventStatus.completed if start < today() else EventStatus.published).value,
            "status_reason": "", "starts_on": start, "ends_on": start + timedelta(days=ndays - 1),
            "sequence": 1, "changed_at": None, "change_note": "", "created_by_id": None,
            "created_at": now, "updated_at": now, "confirmed_count": 0,
        })
        for d in range(ndays):
            day_rows.append({"event_id": base_event + i, "date": start + timedelta(days=d),
                             "start_time": time(9, 0), "end_time": time(13, 0)})
    _insert(session, Venue, venue_rows)
    _insert(session, Event, event_rows)
    _insert(session, EventDay, day_rows)

    # Registrations: each event gets its share; the first `capacity` are confirmed.
    reg_rows, confirmed = [], {}
    serial = rnd.randrange(10**8)
    for n in range(registrations):
        e = event_rows[n % events]
        serial += 1
        taken = confirmed.get(e["id"], 0)
        status = RegStatus.confirmed if taken < e["capacity"] else RegStatus.waitlisted
        if status == RegStatus.confirmed:
            confirmed[e["id"]] = taken + 1
        name = f"{rnd.choice(PEOPLE[0])} {rnd.choice(PEOPLE[1])}"
        reg_rows.append({
            "event_id": e["id"], "ngo_id": base_ngo + rnd.randrange(ngos), "full_name": name,
            "national_id": complete_national_id(f"{serial % 10**9:09d}"),
            "mobile": f"09{rnd.randrange(10**9):09d}", "role": "عضو", "name_key": search_key(name),
            "status": status.value, "ticket_code": new_ticket_code(), "created_at": now,
            "created_by_id": None, "decided_at": None, "cancelled_at": None,
            "cancelled_by_id": None, "note": "",
        })
    _insert(session, Registration, reg_rows)
    for event_id, count in confirmed.items():
        session.execute(Event.__table__.update().where(Event.id == event_id).values(confirmed_count=count))
    session.flush()
    return [f"national scale: {ngos} NGOs, {events} events, {registrations} registrations"]
