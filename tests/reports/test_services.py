"""Every report's figures on the known history of conftest.py, worked out by hand."""
import pytest
from sqlalchemy import event as sa_event

from eventsapp.awards.models import AwardKind
from eventsapp.checkin import services as checkin
from eventsapp.checkin.models import CheckIn
from eventsapp.events.models import EventKind, Invitation
from eventsapp.jalali import from_jalali as J
from eventsapp.ngos.models import NgoStatus
from eventsapp.reports import facts
from eventsapp.reports import services as reports
from eventsapp.reports.models import Attendance
from eventsapp.reports.services import ReportFilter, Scope

from .world import at

Y1403 = ReportFilter(start=J(1403, 1, 1), end=J(1403, 12, 30))
Y1404 = ReportFilter(start=J(1404, 1, 1), end=J(1404, 12, 29))
ADMIN = Scope()


def b1(world):
    return Scope(body_id=world.bodies["B1"].id, ngo_province_id=world.bodies["B1"].province_id,
                 ngo_county_id=world.bodies["B1"].county_id)


def semnan(world):
    pid = world.bodies["B2"].province_id
    return Scope(province_id=pid, ngo_province_id=pid)


def test_scope_follows_the_users_body(db, world, make_user):
    admin, b1_user = make_user("admin"), make_user("organizer", body=world.bodies["B1"])
    b2_user, secretary = make_user("organizer", body=world.bodies["B2"]), make_user("secretary")
    assert reports.scope_for(admin) == Scope()
    assert reports.scope_for(b1_user).body_id == world.bodies["B1"].id
    assert reports.scope_for(b1_user).province_id is None
    assert reports.scope_for(b2_user).province_id == world.bodies["B2"].province_id
    assert reports.scope_for(b2_user).body_id is None
    with pytest.raises(reports.ReportError) as refused:
        reports.scope_for(secretary)
    assert refused.value.status == 403


def test_events_per_month_for_the_whole_country(db, world):
    report = reports.events_report(db.session, ADMIN, Y1404, today=world.today)
    # E3 (1404/02), E2 and E4 (1404/06); the draft and the cancelled event are not held.
    assert [e.title for e in report.events] == ["کارگاه سه", "نشست دو", "نشست چهار"]
    t = report.total
    assert (t.events, t.capacity, t.registered, t.attended, t.no_shows, t.checkins) == (3, 12, 7, 6, 1, 6)
    assert t.rate == pytest.approx(6 / 7)
    months = {m.key: m for m in report.months}
    assert list(months) == ["1404-01", "1404-02", "1404-03", "1404-04", "1404-05", "1404-06", "1404-07"]
    assert months["1404-02"].total.events == 1 and months["1404-02"].by_kind[EventKind.workshop].events == 1
    june = months["1404-06"]
    assert (june.total.events, june.by_kind[EventKind.meeting].events, june.total.registered,
            june.total.attended) == (2, 2, 4, 4)
    assert months["1404-03"].total.events == 0
    assert [(name, p.events, p.attended) for name, p in report.by_province] == [("سمنان", 2, 4), ("تهران", 1, 2)]


def test_a_two_day_workshop_counts_people_once_and_days_twice(db, world):
    report = reports.events_report(db.session, ADMIN, Y1403, today=world.today)
    e1 = next(e for e in report.events if e.title == "کارگاه یک")
    assert (e1.registered, e1.attended, e1.no_shows, e1.checkins) == (3, 2, 1, 3)
    e5 = next(e for e in report.events if e.title == "مراسم پنج")
    assert (e5.registered, e5.attended, e5.checkins) == (2, 1, 1)  # p10's check-in was undone


def test_filters_by_kind_province_county_body_and_occasion(db, world):
    s, T = db.session, world.today
    f = ReportFilter(kind=EventKind.workshop)
    assert [e.title for e in reports.events_report(s, ADMIN, f, today=T).events] == ["کارگاه یک", "کارگاه سه"]
    semnan_id = world.bodies["B2"].province_id
    f = ReportFilter(province_id=semnan_id)
    assert {e.title for e in reports.events_report(s, ADMIN, f, today=T).events} == {"کارگاه سه", "نشست چهار"}
    f = ReportFilter(county_id=world.bodies["B4"].county_id)
    assert [e.title for e in reports.events_report(s, ADMIN, f, today=T).events] == ["نشست چهار"]
    f = ReportFilter(body_id=world.bodies["B1"].id)
    assert [e.title for e in reports.events_report(s, ADMIN, f, today=T).events] == ["کارگاه یک", "نشست دو"]
    f = ReportFilter(occasion_id=10**6)
    assert reports.events_report(s, ADMIN, f, today=T).events == []


def test_an_organizer_sees_only_their_bodys_events_and_a_provincial_office_its_province(db, world):
    s, T = db.session, world.today
    mine = reports.events_report(s, b1(world), ReportFilter(), today=T)
    assert [e.title for e in mine.events] == ["کارگاه یک", "نشست دو"]
    assert (mine.total.registered, mine.total.attended, mine.total.checkins) == (5, 4, 5)
    # Even filtering by another body or province shows nothing of theirs.
    other = ReportFilter(body_id=world.bodies["B4"].id)
    assert reports.events_report(s, b1(world), other, today=T).events == []
    assert reports.reached_people(s, b1(world), other, today=T) == (0, 0)
    province = reports.events_report(s, semnan(world), Y1404, today=T)
    assert {e.title for e in province.events} == {"کارگاه سه", "نشست چهار"}  # B2's and B4's
    assert (province.total.registered, province.total.attended) == (5, 4)


def test_reach_first_timers_and_never_reached(db, world):
    s, T = db.session, world.today
    r = reports.reach(s, ADMIN, Y1404, today=T)
    # N1 (p1, p2), N2 (p4), N3 (p5), N4 (p7, p8); N2 came to nothing before (p3 did not come).
    assert (r.ngos, r.people, r.first_time, r.never_reached) == (4, 6, 3, 2)
    assert [n.name for n in s.scalars(reports.never_reached_query(ADMIN, Y1404, today=T))] == ["جمعیت ج", "جمعیت چ"]
    everything = reports.reach(s, ADMIN, ReportFilter(), today=T)
    # p1, p2, p4, p5, p7, p8, p9: p1 and p2 came to two events each, counted once.
    assert (everything.ngos, everything.people) == (5, 7)
    mine = reports.reach(s, b1(world), Y1404, today=T)
    assert (mine.ngos, mine.people, mine.first_time, mine.never_reached) == (2, 2, 1, 1)  # N7 in Shemiranat
    province = reports.reach(s, semnan(world), Y1404, today=T)
    assert (province.ngos, province.people, province.first_time, province.never_reached) == (3, 4, 3, 1)


def test_the_outreach_list_becomes_an_invitation_list_in_one_step(db, world):
    s = db.session
    upcoming = world.events["upcoming"]
    assert [e.id for e in reports.upcoming_events(s, b1(world))] == [upcoming.id]
    added = reports.invite_never_reached(s, b1(world), ReportFilter(), upcoming)
    s.commit()
    assert added == 1
    assert [i.ngo_id for i in s.query(Invitation).filter_by(event_id=upcoming.id)] == [world.ngos["N7"].id]
    with pytest.raises(reports.ReportError) as again:  # already invited: nothing left
        reports.invite_never_reached(s, b1(world), ReportFilter(), upcoming)
    assert again.value.reason == reports.ReportReason.nothing_to_invite
    with pytest.raises(reports.ReportError) as past:
        reports.invite_never_reached(s, b1(world), ReportFilter(), world.events["E2"])
    assert past.value.reason == reports.ReportReason.event_not_upcoming


def test_per_ngo_rows_and_history(db, world):
    s, T = db.session, world.today
    total, rows = reports.ngo_rows(s, ADMIN, Y1404, today=T)
    assert total == 4
    got = {r.name: (r.events, r.days, r.people, r.awards) for r in rows}
    assert got == {"انجمن الف": (2, 2, 2, 1), "کانون ت": (2, 2, 2, 0), "انجمن ب": (1, 1, 1, 1),
                   "کانون پ": (1, 1, 1, 1)}
    assert [r.name for r in rows] == ["انجمن الف", "کانون ت", "انجمن ب", "کانون پ"]
    total, page = reports.ngo_rows(s, ADMIN, Y1404, today=T, limit=2, offset=2)
    assert total == 4 and [r.name for r in page] == ["انجمن ب", "کانون پ"]
    history = reports.ngo_history(s, world.ngos["N1"], today=T)
    assert [(h.title, h.registered, h.attended, h.days) for h in history] == [
        ("نشست چهار", 1, 1, 1), ("نشست دو", 1, 1, 1), ("کارگاه یک", 2, 2, 2)]
    assert [k for k, _ in history[1].awards] == [AwardKind.plaque]
    assert [k for k, _ in history[2].awards] == [AwardKind.letter]
    # An organizer sees the NGO's history at their own body's events only.
    assert [h.title for h in reports.ngo_history(s, world.ngos["N1"], b1(world), today=T)] == ["نشست دو", "کارگاه یک"]


def test_activity_derived_from_participation_beside_the_declared_status(db, world):
    s = db.session
    result = reports.activity(s, ADMIN, today=world.today)  # 12 months back: 1403/07/01
    # N1 (E2, E4) and N4 (E3, E4) active; N2, N3, N5 one event; N6, N7 none. E1 is too old.
    assert result.derived == {NgoStatus.active: 2, NgoStatus.semi_active: 3, NgoStatus.inactive: 2}
    assert result.declared == {NgoStatus.active: 5, NgoStatus.semi_active: 1, NgoStatus.inactive: 1}
    rows = {r.province: r for r in result.provinces}
    assert rows["تهران"].derived == {NgoStatus.active: 1, NgoStatus.semi_active: 1, NgoStatus.inactive: 1}
    assert rows["سمنان"].derived == {NgoStatus.active: 1, NgoStatus.semi_active: 1, NgoStatus.inactive: 1}
    assert rows["سمنان"].declared[NgoStatus.inactive] == 1
    assert rows["اصفهان"].derived[NgoStatus.semi_active] == 1
    assert "۱۲ ماه" in reports.activity_rule(result.rule)
    # Admins change the rule: 3 months back from 1404/07/01 only E2 and E4 (1404/06/05) count.
    reports.save_settings(s, months=3, active_min=3, semi_min=1)
    result = reports.activity(s, ADMIN, today=world.today)
    assert result.derived == {NgoStatus.active: 0, NgoStatus.semi_active: 3, NgoStatus.inactive: 4}
    with pytest.raises(reports.ReportError):
        reports.save_settings(s, months=3, active_min=1, semi_min=1)
    province = reports.activity(s, semnan(world), today=world.today)
    assert province.total == 3 and [r.province for r in province.provinces] == ["سمنان"]


def test_awards_per_kind_event_and_ngo(db, world):
    report = reports.awards_report(db.session, ADMIN, Y1404, today=world.today)
    assert report.by_kind[AwardKind.plaque] == 2 and report.by_kind[AwardKind.statuette] == 1
    assert report.total == 3  # the revoked plaque is not counted
    assert [(title, total) for _, title, _, _, total in report.by_event] == [("کارگاه سه", 1), ("نشست دو", 2)]
    assert {name: total for _, name, _, total in report.by_ngo} == {"انجمن الف": 1, "انجمن ب": 1, "کانون پ": 1}
    assert reports.awards_report(db.session, ADMIN, ReportFilter(), today=world.today).total == 4


def test_the_attendance_sheet_has_a_column_per_day(db, world):
    days, rows = reports.attendance_sheet(db.session, world.events["E1"])
    assert days == [J(1403, 5, 10), J(1403, 5, 11)]
    sheet = {r.full_name: [t is not None for t in r.times] for r in rows}
    assert sheet == {"شرکت‌کننده 1": [True, True], "شرکت‌کننده 2": [True, False], "شرکت‌کننده 3": [False, False]}
    assert [r.ngo for r in rows] == ["انجمن الف", "انجمن الف", "انجمن ب"]
    assert rows[0].county == "شمیرانات"


def test_the_summary_of_the_api(db, world):
    got = reports.summary(db.session, ADMIN, Y1404, today=world.today)
    assert {k: v for k, v in got.items() if k != "by_month"} == {
        "events_held": 3, "registrations": 7, "attendees": 6, "checkins": 6, "ngos_reached": 4,
        "people_reached": 6, "no_show_rate": round(1 / 7, 4)}
    assert got["by_month"][1] == {"month": "1404-02", "events": 1, "attendees": 2}
    assert got["by_month"][5] == {"month": "1404-06", "events": 2, "attendees": 4}


def test_the_facts_follow_new_check_ins_undos_and_deletions(db, world):
    s = db.session
    assert facts.refresh(s) == "fresh"
    p6 = world.regs["p6@E3"]
    assert s.get(Attendance, p6.id) is None
    result = checkin.check_in(s, world.events["E3"], p6.ticket_code, now=at(J(1404, 2, 15), 10))
    assert result.verdict.value == "ok"
    s.commit()
    assert facts.refresh(s) == "updated"
    s.commit()
    assert s.get(Attendance, p6.id).days == 1
    assert reports.reach(s, ADMIN, Y1404, today=world.today).people == 7
    from eventsapp.accounts.models import User
    admin = s.query(User).filter_by(username="undoer").one()
    checkin.undo(s, s.query(CheckIn).filter_by(registration_id=p6.id).one(), user=admin,
                 now=at(J(1404, 2, 15), 10, 5))
    s.commit()
    assert facts.refresh(s) == "updated"
    s.commit()
    assert s.get(Attendance, p6.id) is None
    s.query(CheckIn).filter_by(registration_id=world.regs["p1@E2"].id).delete()
    s.commit()
    assert facts.refresh(s) == "rebuilt"
    s.commit()
    assert s.get(Attendance, world.regs["p1@E2"].id) is None
    assert s.query(Attendance).count() == 8  # the nine registrations that came, less p1 at E2


def test_each_report_runs_a_fixed_number_of_statements(db, world, make_ngo):
    """Queries per report do not grow with the rows: count them, add events' worth of NGOs,
    people and check-ins, count again."""
    s, T = db.session, world.today

    def statements(fn):
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            fn()
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    calls = {
        "events": lambda: reports.events_report(s, ADMIN, ReportFilter(), today=T),
        "reach": lambda: reports.reach(s, ADMIN, Y1404, today=T),
        "ngos": lambda: reports.ngo_rows(s, ADMIN, ReportFilter(), today=T),
        "history": lambda: reports.ngo_history(s, world.ngos["N1"], today=T),
        "activity": lambda: reports.activity(s, ADMIN, today=T),
        "awards": lambda: reports.awards_report(s, ADMIN, ReportFilter(), today=T),
        "sheet": lambda: reports.attendance_sheet(s, world.events["E1"]),
        "summary": lambda: reports.summary(s, ADMIN, ReportFilter(), today=T),
    }
    before = {name: statements(fn) for name, fn in calls.items()}
    from eventsapp.registrations import services as registrations
    from .world import person
    extra = [make_ngo(name=f"سمن افزوده {i}", province="تهران", county="شمیرانات") for i in range(4)]
    from eventsapp.events.models import EventStatus
    e1 = world.events["E1"]
    e1.capacity, e1.status = 40, EventStatus.published  # reopened for the test's late arrivals
    for i, ngo in enumerate(extra):
        made = registrations.register(s, e1, ngo, [person(100 + 3 * i + k) for k in range(3)],
                                      now=at(J(1403, 5, 1), 9))
        for reg in made:
            checkin.check_in(s, e1, reg.ticket_code, now=at(J(1403, 5, 10), 9, 30))
    e1.status = EventStatus.completed
    s.commit()
    facts.refresh(s)
    s.commit()
    after = {name: statements(fn) for name, fn in calls.items()}
    assert after == before
    assert max(before.values()) <= 6


def test_the_refresh_command(app, db, world):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["reports-refresh"]).output.strip() == "fresh"
    assert runner.invoke(args=["reports-refresh", "--rebuild"]).output.strip() == "rebuilt"
    db.session.expire_all()
    assert db.session.query(Attendance).count() == 9
