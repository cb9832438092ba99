"""Demo data: organizing bodies, NGOs and users like those in the seed reports.

Every step finds what it made last time, so ``flask demo-data`` can run on every start.
Names and texts are our own; places and dates follow the reports.
"""
from datetime import date, time, timedelta

from sqlalchemy import select

from .accounts import services as accounts
from .accounts.models import BodyKind, OrganizingBody, Role, User
from .checkin import services as checkin
from .events import services as events
from .events.models import Audience, Event, EventKind, EventStatus, Occasion, OfficialRole
from .jalali import from_jalali, today
from .registrations import services as registrations
from .ngos.models import Ngo
from .places.services import find_county, find_province

BODIES = [
    # (name, kind, province, county)
    ("دفتر امور اجتماعی و فرهنگی استانداری سمنان", BodyKind.social_affairs_office, "سمنان", None),
    ("فرمانداری شمیرانات", BodyKind.county_governorate, "تهران", "شمیرانات"),
    ("دفتر امور اجتماعی استانداری اصفهان", BodyKind.social_affairs_office, "اصفهان", None),
    ("دفتر تسهیلگری و توسعهٔ محلی سیدآباد", BodyKind.facilitation_office, "گلستان", "گنبد کاووس"),
    ("معاونت اجتماعی و فرهنگی شهرداری تهران", BodyKind.municipality, "تهران", "تهران"),
]

NGOS = [
    # (registration number, name, province, county)
    ("10001", "انجمن نشاط اجتماعی مهدیشهر", "سمنان", "مهدیشهر"),
    ("10002", "کانون داوطلبان محیط زیست کویر", "سمنان", "سمنان"),
    ("10003", "مؤسسهٔ خیریهٔ همیاران سلامت", "سمنان", "شاهرود"),
    ("10004", "جمعیت یاری‌رسانان کودکان شمیرانات", "تهران", "شمیرانات"),
    ("10005", "انجمن جوانان کوهپایه", "تهران", "شمیرانات"),
    ("10006", "مؤسسهٔ نیکوکاری پیشگیری از بیماری‌ها", "اصفهان", "اصفهان"),
    ("10007", "کانون فرهنگی قرآنی بهار", "اصفهان", "کاشان"),
    ("10008", "انجمن توسعهٔ محلهٔ سیدآباد", "گلستان", "گنبد کاووس"),
    ("10009", "کانون نیکوکاری دربند", "تهران", "شمیرانات"),
]

# (username, full name, role, body index or ngo registration number)
USERS = [
    ("admin", "مدیر سامانه", Role.admin, None),
    ("organizer", "مریم احمدی", Role.organizer, 0),
    ("organizer2", "علی رضایی", Role.organizer, 1),
    ("organizer3", "زهرا کریمی", Role.organizer, 3),
    ("secretary", "فاطمه موسوی", Role.secretary, "10001"),
    ("secretary2", "حسین نوری", Role.secretary, "10004"),
    ("door", "رضا جعفری", Role.door, None),
    ("door2", "نرگس صادقی", Role.door, None),
]
USERNAMES = [u[0] for u in USERS]


def _bodies(session):
    made = []
    for name, kind, province_name, county_name in BODIES:
        body = session.scalar(select(OrganizingBody).where(OrganizingBody.name == name))
        if body is None:
            province = find_province(session, province_name)
            county = find_county(session, county_name, province) if county_name else None
            body = accounts.save_body(session, None, name=name, kind=kind, province=province,
                                      county=county)
        made.append(body)
    return made


def _ngos(session):
    by_regno = {}
    for regno, name, province_name, county_name in NGOS:
        ngo = session.scalar(select(Ngo).where(Ngo.registration_no == regno))
        if ngo is None:
            province = find_province(session, province_name)
            ngo = Ngo(registration_no=regno, province=province,
                      county=find_county(session, county_name, province))
            ngo.set_name(name)
            session.add(ngo)
        by_regno[regno] = ngo
    session.flush()
    return by_regno


def _users(session, bodies, ngos, password):
    for username, full_name, role, link in USERS:
        user = session.scalar(select(User).where(User.username == username))
        body = bodies[link] if role == Role.organizer else None
        ngo = ngos[link] if role == Role.secretary else None
        if user is None:
            accounts.create_user(session, username=username, password=password, role=role,
                                 full_name=full_name, body=body, ngo=ngo)
        else:
            accounts.set_password(user, password)
            user.active = True


O = events.OfficialInput


def _event_specs(t: date):
    """(body index, final status, EventInput kwargs). Past events follow the seed reports;
    upcoming ones are placed relative to today so the demo always has a future."""
    J = from_jalali
    return [
        (0, EventStatus.completed, dict(
            kind=EventKind.workshop, title="کارگاه توانمندسازی سمن‌های استان سمنان",
            topic="نشاط اجتماعی", occasion="روز تشکل‌ها و مشارکت‌های اجتماعی",
            description="کارگاه دو روزه برای دبیران سمن‌های شهرستان‌های استان، با حضور مسئولان استانی و شهرستانی.\nمحور کارگاه: همراهی سمن‌ها در حوزه‌های فرهنگی و اجتماعی و تقویت نشاط اجتماعی.",
            venue_name="مجتمع گردشگری دامنهٔ مهدیشهر", venue_address="مهدیشهر، جادهٔ شهمیرزاد",
            province="سمنان", county="مهدیشهر",
            days=[(J(1398, 5, 23), time(9, 0), time(13, 0)), (J(1398, 5, 24), time(9, 0), time(13, 0))],
            capacity=60, per_ngo_quota=2, audience=Audience.province, audience_province="سمنان",
            officials=[O("بهرام سلیمانی", "مدیرکل دفتر امور اجتماعی و فرهنگی استانداری", OfficialRole.speaker),
                       O("لیلا مرادی", "فرماندار مهدیشهر", OfficialRole.guest)])),
        (1, EventStatus.completed, dict(
            kind=EventKind.meeting, title="نشست فرماندار با سمن‌ها و خیریه‌های شمیرانات",
            topic="همکاری دولت و سازمان‌های مردم‌نهاد", occasion="هفتهٔ دولت",
            description="نشست نمایندگان سمن‌ها و مؤسسات خیریهٔ شهرستان با فرماندار در هفتهٔ دولت؛ گفت‌وگو دربارهٔ واگذاری امور به سمن‌ها و فراهم کردن فضایی برای استقرار آن‌ها. در پایان، از سمن‌های فعال با اهدای لوح تقدیر قدردانی می‌شود.",
            venue_name="سالن اجتماعات فرمانداری شمیرانات", venue_address="تجریش",
            province="تهران", county="شمیرانات",
            days=[(J(1404, 6, 5), time(10, 0), time(12, 30))],
            capacity=80, per_ngo_quota=3, audience=Audience.county, audience_county=("تهران", "شمیرانات"),
            officials=[O("محمود توکلی", "فرماندار شمیرانات", OfficialRole.chair),
                       O("سعید یزدان‌پناه", "معاون سیاسی و انتظامی فرمانداری", OfficialRole.guest),
                       O("کامران رحیمی", "رئیس ادارهٔ ورزش و جوانان", OfficialRole.guest)])),
        (3, EventStatus.published, dict(
            kind=EventKind.ceremony, title="آیین گشایش دفتر تسهیلگری و توسعهٔ محلی سیدآباد",
            topic="توسعهٔ محله با مشارکت سمن‌ها",
            description="گشایش دفتر تسهیلگری در محلهٔ سیدآباد با حضور مسئولان شهرستان و سمن‌های محلی.",
            venue_name="دفتر تسهیلگری سیدآباد", venue_address="گنبد کاووس، محلهٔ سیدآباد",
            province="گلستان", county="گنبد کاووس",
            days=[(t + timedelta(days=19), time(16, 0), time(18, 0))],
            capacity=120, audience=Audience.all,
            officials=[O("عبدالله قربانی", "معاون استاندار و فرماندار ویژه", OfficialRole.chair)])),
        (2, EventStatus.published, dict(
            kind=EventKind.workshop, title="کارگاه جذب منابع مردمی برای سمن‌های اصفهان",
            topic="مهارت‌های جذب منابع و گزارش‌دهی به مردم", occasion="روز جهانی داوطلب",
            description="دو روز آموزش عملی برای دبیران و مسئولان مالی سمن‌های خیریه و غیرخیریه.",
            venue_name="تالار همایش‌های استانداری اصفهان", venue_address="اصفهان، خیابان استانداری",
            province="اصفهان", county="اصفهان",
            days=[(t + timedelta(days=13), time(8, 30), time(12, 30)), (t + timedelta(days=14), time(8, 30), time(12, 0))],
            capacity=100, per_ngo_quota=2, audience=Audience.province, audience_province="اصفهان",
            requires_approval=True,
            officials=[O("مسعود مهدوی", "مدیرکل دفتر امور اجتماعی استانداری", OfficialRole.speaker)])),
        (4, EventStatus.published, dict(
            kind=EventKind.meeting, title="نشست دبیرخانه‌های منطقه‌ای سمن‌های شهر تهران",
            topic="راه‌اندازی دبیرخانه‌های دائمی در مناطق ۲۲گانه",
            venue_name="فرهنگسرای اندیشه", venue_address="تهران، خیابان شریعتی",
            province="تهران", county="تهران",
            days=[(t + timedelta(days=34), time(9, 30), time(12, 0))],
            capacity=44, per_ngo_quota=2, audience=Audience.all,
            officials=[O("الهام راستین", "عضو کمیسیون اجتماعی و فرهنگی شورای شهر", OfficialRole.speaker)])),
        (0, EventStatus.published, dict(
            kind=EventKind.meeting, title="نشست ماهانهٔ دبیران سمن‌های شهرستان سمنان",
            topic="برنامه‌ریزی مشترک فعالیت‌های فصل",
            description="نشست ماهانهٔ دبیران سمن‌ها با کارشناسان دفتر امور اجتماعی؛ امروز برگزار می‌شود و پذیرش در ورودی باز است.",
            venue_name="سالن اجتماعات استانداری سمنان", venue_address="سمنان، میدان استانداری",
            venue_location=(35.5769, 53.3953),
            province="سمنان", county="سمنان",
            days=[(t, time(9, 0), time(20, 0))],
            capacity=40, per_ngo_quota=3, audience=Audience.province, audience_province="سمنان",
            officials=[O("بهرام سلیمانی", "مدیرکل دفتر امور اجتماعی و فرهنگی استانداری", OfficialRole.chair)])),
        (0, EventStatus.draft, dict(
            kind=EventKind.workshop, title="کارگاه آسیب‌شناسی فعالیت سمن‌های شاهرود",
            venue_name="سالن کتابخانهٔ مرکزی شاهرود", province="سمنان", county="شاهرود",
            days=[(t + timedelta(days=40), time(9, 0), time(12, 0))], capacity=40, per_ngo_quota=2)),
        (1, EventStatus.postponed, dict(
            kind=EventKind.workshop, title="کارگاه داوطلبی جوانان در شمیرانات",
            venue_name="سرای محلهٔ دربند", province="تهران", county="شمیرانات",
            days=[(t + timedelta(days=9), time(15, 0), time(18, 0))], capacity=30)),
    ]


FIRST_NAMES = ["زهرا", "محمد", "فاطمه", "علی", "مریم", "حسین", "نرگس", "رضا", "سمیه", "مهدی",
               "لیلا", "امیر", "سارا", "جواد", "الهام", "حمید"]
LAST_NAMES = ["احمدی", "رضایی", "کاظمی", "حسینی", "محمدی", "نوری", "کریمی", "جعفری", "صادقی",
              "رحیمی", "موسوی", "قاسمی"]
ROLES = ["دبیر", "عضو هیئت‌مدیره", "مسئول مالی", "عضو داوطلب", "بازرس"]

# Which demo NGOs send how many members to which demo event.
ATTENDANCE = {
    "کارگاه توانمندسازی سمن‌های استان سمنان": [("10001", 2), ("10002", 2), ("10003", 2)],
    "نشست فرماندار با سمن‌ها و خیریه‌های شمیرانات": [("10004", 3), ("10005", 3), ("10009", 2)],
    "آیین گشایش دفتر تسهیلگری و توسعهٔ محلی سیدآباد": [("10008", 3), ("10001", 1)],
    "کارگاه جذب منابع مردمی برای سمن‌های اصفهان": [("10006", 2), ("10007", 2)],
    "نشست دبیرخانه‌های منطقه‌ای سمن‌های شهر تهران": [("10004", 2), ("10005", 2), ("10001", 2)],
    "نشست ماهانهٔ دبیران سمن‌های شهرستان سمنان": [("10001", 2), ("10002", 3), ("10003", 2)],
}

# Door staff of the demo: who checks tickets in at which events.
DOOR_STAFF = {
    "door": ["نشست ماهانهٔ دبیران سمن‌های شهرستان سمنان", "آیین گشایش دفتر تسهیلگری و توسعهٔ محلی سیدآباد"],
    "door2": ["کارگاه جذب منابع مردمی برای سمن‌های اصفهان"],
}


def _attendees(event_id: int, ngo_regno: str, count: int) -> list[dict]:
    out = []
    for k in range(count):
        n = event_id * 100 + int(ngo_regno[-2:]) * 7 + k
        out.append({
            "full_name": f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[(n // 3) % len(LAST_NAMES)]}",
            "national_id": registrations.complete_national_id(f"{(n * 7919) % 10**9:09d}"),
            "mobile": f"0912{(n * 104729) % 10**7:07d}",
            "role": ROLES[n % len(ROLES)],
        })
    return out


def _register_demo(session, event, ngos):
    """Register the demo NGOs' members as if before the event (its window was open then)."""
    when = events.starts_at(event) - timedelta(days=3)
    for regno, count in ATTENDANCE.get(event.title, []):
        made = registrations.register(session, event, ngos[regno], _attendees(event.id, regno, count),
                                      now=when)
        if event.requires_approval:
            registrations.approve(session, made[0], now=when)


def _events(session, bodies, ngos):
    made = 0
    for body_index, status, spec in _event_specs(today()):
        body = bodies[body_index]
        if session.scalar(select(Event.id).where(Event.title == spec["title"], Event.body_id == body.id)):
            continue
        spec = dict(spec)
        province = find_province(session, spec.pop("province"))
        county = find_county(session, spec.pop("county"), province)
        occasion = spec.pop("occasion", None)
        audience_province = spec.pop("audience_province", None)
        audience_county = spec.pop("audience_county", None)
        data = events.EventInput(
            province=province, county=county,
            days=[events.DayInput(d, s, e) for d, s, e in spec.pop("days")],
            occasion=session.scalar(select(Occasion).where(Occasion.name == occasion)) if occasion else None,
            audience_province=find_province(session, audience_province) if audience_province else None,
            audience_county=(find_county(session, audience_county[1], find_province(session, audience_county[0]))
                             if audience_county else None),
            **spec)
        event, _ = events.create_event(session, body, data)
        if status != EventStatus.draft:
            events.publish(event)
            _register_demo(session, event, ngos)
        if status == EventStatus.completed:
            events.set_status(event, EventStatus.completed)
        elif status == EventStatus.postponed:
            events.set_status(event, EventStatus.postponed, reason="به دلیل هم‌زمانی با برنامهٔ استانی")
        made += 1
    return made


def load(session, *, password: str) -> list[str]:
    bodies = _bodies(session)
    ngos = _ngos(session)
    _users(session, bodies, ngos, password)
    made = _events(session, bodies, ngos)
    session.flush()
    for username, titles in DOOR_STAFF.items():
        for event in session.scalars(select(Event).where(Event.title.in_(titles))):
            checkin.assign_staff(session, event, username)  # once, however often demo-data runs
    session.flush()
    return [f"{len(bodies)} organizing bodies, {len(ngos)} NGOs, {len(USERS)} users, {made} new events"]
