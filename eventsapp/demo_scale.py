"""National-size demo data for benchmarks: 19,000 NGOs (Isfahan first, at about 1,800), 2,000
events over three Jalali years (the two before this one and this one) run by one office per
province, 200,000 registrations and the check-ins of the events already held.

Written with bulk Core inserts (not the services, which would take minutes): the rows are
what the services would have made — valid national IDs, confirmed seats within capacity and
per-NGO quotas, waitlists in order, random ticket codes.
"""
import random
from datetime import time, timedelta

from sqlalchemy import func, insert, select, text

from .accounts.models import BodyKind, OrganizingBody
from .events.models import Event, EventDay, EventKind, EventStatus, Venue
from .checkin.models import CheckIn
from .events.models import Occasion
from .jalali import from_jalali, local_datetime, to_jalali, today, utcnow
from .ngos.models import ActivityField, Ngo, NgoStatus
from .persian import search_key
from .places.models import County, Province
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


def _analyze(session) -> None:
    """Fresh statistics for the planner after a bulk load (what autovacuum would do later)."""
    session.commit()
    session.execute(text("ANALYZE"))  # both SQLite and PostgreSQL
    session.commit()


def generate(session, *, ngos=19_000, events=2_000, registrations=200_000, seed=1405) -> list[str]:
    rnd = random.Random(seed)
    now = utcnow()
    counties = session.execute(select(County.id, County.province_id)).all()
    by_province: dict[int, list[int]] = {}
    for county_id, province_id in counties:
        by_province.setdefault(province_id, []).append(county_id)
    provinces = sorted(by_province)
    isfahan = session.scalar(select(Province.id).where(Province.code == "isfahan"))
    # Isfahan holds about 1,800 of the 19,000 NGOs; the others share the rest by their size
    # (counties as a stand-in), none reaching Isfahan.
    others = [p for p in provinces if p != isfahan]
    weights = [min(len(by_province[p]), 20) + 10 for p in others]
    base_ngo = (session.scalar(select(func.max(Ngo.id))) or 0) + 1

    # NGOs: 67% active, 16% semi-active, 17% inactive, as the national figures say.
    statuses = [NgoStatus.active] * 67 + [NgoStatus.semi_active] * 16 + [NgoStatus.inactive] * 17
    fields = list(ActivityField)
    ngo_rows = []
    ngo_province = []
    for i in range(ngos):
        if isfahan and rnd.random() < 1800 / 19000:
            province_id = isfahan
        else:
            province_id = rnd.choices(others, weights)[0]
        county_id = rnd.choice(by_province[province_id])
        ngo_province.append(province_id)
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

    # One social affairs office per province runs that province's events.
    names = dict(session.execute(select(Province.id, Province.name)).all())
    bodies = {}
    for province_id in provinces:
        name = f"دفتر امور اجتماعی استان {names[province_id]} (داده‌های آزمایشی)"
        body = session.scalar(select(OrganizingBody).where(OrganizingBody.name == name))
        if body is None:
            body = OrganizingBody(name=name, kind=BodyKind.social_affairs_office, province_id=province_id)
            session.add(body)
        bodies[province_id] = body
    session.flush()
    ngos_of: dict[int, list[int]] = {}
    for i, province_id in enumerate(ngo_province):
        ngos_of.setdefault(province_id, []).append(base_ngo + i)
    occasions = session.scalars(select(Occasion.id)).all()
    this_year = to_jalali(today()).year
    first_day = from_jalali(this_year - 2, 1, 1)
    span = (today() + timedelta(days=60) - first_day).days

    # Venues and events spread over three Jalali years up to two months ahead, two days for a
    # third of them; Isfahan's office runs about one event in eight.
    venue_rows, event_rows, day_rows = [], [], []
    base_venue = (session.scalar(select(func.max(Venue.id))) or 0) + 1
    base_event = (session.scalar(select(func.max(Event.id))) or 0) + 1
    per_event = max(1, registrations // max(1, events))
    for i in range(events):
        province_id = isfahan if isfahan and rnd.random() < 0.12 else rnd.choice(provinces)
        county_id = rnd.choice(by_province[province_id])
        vname = f"سالن همایش شمارهٔ {i + 1}"
        venue_rows.append({"id": base_venue + i, "name": vname, "name_key": search_key(vname),
                           "address": "", "province_id": province_id, "county_id": county_id})
        start = first_day + timedelta(days=rnd.randrange(span))
        ndays = 2 if i % 3 == 0 else 1
        capacity = rnd.choice([per_event // 2, per_event, per_event * 2])
        event_rows.append({
            "id": base_event + i, "kind": rnd.choice(list(EventKind)).value,
            "title": f"کارگاه توانمندسازی سمن‌ها شمارهٔ {i + 1}", "topic": "", "description": "",
            "body_id": bodies[province_id].id, "venue_id": base_venue + i,
            "occasion_id": rnd.choice(occasions) if occasions and rnd.random() < 0.3 else None,
            "capacity": capacity, "per_ngo_quota": None, "registration_opens_at": None,
            "registration_closes_at": None, "audience": "all", "audience_province_id": None,
            "audience_county_id": None, "requires_approval": False, "waitlist": True,
            "status": (EventStatus.completed if start < today() else EventStatus.published).value,
            "status_reason": "", "starts_on": start, "ends_on": start + timedelta(days=ndays - 1),
            "sequence": 1, "changed_at": None, "change_note": "", "created_by_id": None,
            "created_at": now, "updated_at": now, "confirmed_count": 0,
            "_province": province_id,
        })
        for d in range(ndays):
            day_rows.append({"event_id": base_event + i, "date": start + timedelta(days=d),
                             "start_time": time(9, 0), "end_time": time(13, 0)})
    _insert(session, Venue, venue_rows)
    _insert(session, Event, [{k: v for k, v in e.items() if k != "_province"} for e in event_rows])
    _insert(session, EventDay, day_rows)

    # Registrations: each event gets its share; the first `capacity` are confirmed. An NGO sends
    # its own few members (four each), so the same people come back to later events.
    reg_rows, confirmed, taken_people = [], {}, set()
    serial = rnd.randrange(10**8)
    members = 4
    for n in range(registrations):
        e = event_rows[n % events]
        for _ in range(20):
            ngo_id = (rnd.choice(ngos_of[e["_province"]]) if ngos_of.get(e["_province"]) and rnd.random() < 0.85
                      else base_ngo + rnd.randrange(ngos))
            person = (ngo_id - base_ngo) * members + rnd.randrange(members)
            if (e["id"], person) not in taken_people:
                break
        else:
            person = ngos * members + n  # a newcomer of that NGO
        taken_people.add((e["id"], person))
        taken = confirmed.get(e["id"], 0)
        status = RegStatus.confirmed if taken < e["capacity"] else RegStatus.waitlisted
        if status == RegStatus.confirmed:
            confirmed[e["id"]] = taken + 1
        name = f"{PEOPLE[0][person % len(PEOPLE[0])]} {PEOPLE[1][(person // 7) % len(PEOPLE[1])]}"
        reg_rows.append({
            "event_id": e["id"], "full_name": name,
            # Mostly NGOs of the event's province, a few from elsewhere.
            "ngo_id": ngo_id,
            "national_id": complete_national_id(f"{(serial + person) % 10**9:09d}"),
            "mobile": f"09{rnd.randrange(10**9):09d}", "role": "عضو", "name_key": search_key(name),
            "status": status.value, "ticket_code": new_ticket_code(), "created_at": now,
            "created_by_id": None, "decided_at": None, "cancelled_at": None,
            "cancelled_by_id": None, "note": "",
        })
    base_reg = (session.scalar(select(func.max(Registration.id))) or 0) + 1
    for n, row in enumerate(reg_rows):
        row["id"] = base_reg + n
    _insert(session, Registration, reg_rows)
    for event_id, count in confirmed.items():
        session.execute(Event.__table__.update().where(Event.id == event_id).values(confirmed_count=count))

    # Check-ins: about three in four confirmed people of an event already held came, on each day.
    days_of: dict[int, list] = {}
    for d in day_rows:
        days_of.setdefault(d["event_id"], []).append(d["date"])
    held = {e["id"] for e in event_rows if e["starts_on"] < today()}
    checkin_rows = []
    for row in reg_rows:
        if row["event_id"] not in held or row["status"] != RegStatus.confirmed.value:
            continue
        came = rnd.random() < 0.75
        for day in days_of[row["event_id"]]:
            if came and rnd.random() < 0.9:
                at = local_datetime(day, time(8, 30)) + timedelta(minutes=rnd.randrange(90))
                checkin_rows.append({"event_id": row["event_id"], "registration_id": row["id"],
                                     "day": day, "checked_in_at": at, "staff_id": None,
                                     "device_id": None, "gate": "ورودی اصلی", "undone_at": None,
                                     "undone_by_id": None})
    _insert(session, CheckIn, checkin_rows)
    session.flush()
    _analyze(session)
    return [f"national scale: {ngos} NGOs, {events} events, {registrations} registrations, "
            f"{len(checkin_rows)} check-ins"]
