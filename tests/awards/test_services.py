"""Award rules, decided by the services with the clock passed in: every refusal has an enum
reason and a Persian message and saves nothing; bulk giving is all or nothing; revoking keeps
the record; certificates of attendance go to exactly those checked in on enough days."""
import re
from datetime import time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from eventsapp.awards import services
from eventsapp.awards.models import Award, AwardKind
from eventsapp.awards.services import AwardError, AwardReason, Presenter
from eventsapp.events import services as events
from eventsapp.events.models import Official
from eventsapp.jalali import today
from eventsapp.places.services import find_province
from tests.awards.conftest import AFTER, MEETING_DAY, WORKSHOP_DAYS, at

PERSIAN = re.compile(r"[\u0600-\u06FF]")
CITATION = "به پاس همکاری ارزشمند در گسترش فعالیت‌های داوطلبانهٔ شهرستان"


def count(db) -> int:
    return db.session.query(Award).count()


def refused(db, reason, call):
    """``call`` is refused for ``reason``, in Persian, and nothing is saved."""
    before = count(db)
    with pytest.raises(AwardError) as info:
        call()
    db.session.rollback()
    assert info.value.reason == reason
    assert PERSIAN.search(info.value.message), info.value.message
    assert info.value.as_json()["error"] == reason.value
    assert count(db) == before
    return info.value


def chair(event) -> Official:
    return next(o for o in event.officials if o.role.value == "chair")


# --- giving --------------------------------------------------------------------------------

def test_bulk_gives_each_ngo_a_plaque_with_the_same_citation(db, meeting):
    ngos = meeting.ngos + [meeting.other]
    given = services.give_bulk(db.session, meeting.event, ngos, kind=AwardKind.plaque,
                               citation=CITATION, presented_by=chair(meeting.event),
                               actor=meeting.organizer, now=AFTER, allow_other_ngos=True)
    db.session.commit()
    assert [a.ngo for a in given.awards] == ngos
    assert count(db) == 3
    for award in given.awards:
        assert award.kind == AwardKind.plaque and award.title == "لوح تقدیر"
        assert award.citation == CITATION
        assert (award.presented_by_name, award.presented_by_title) == ("محمود توکلی", "فرماندار شمیرانات")
        assert award.presented_by_official_id == chair(meeting.event).id
        assert award.awarded_on == MEETING_DAY  # the event's last day
        assert award.created_by_id == meeting.organizer.id
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{20}", award.verification_code)
    assert len({a.verification_code for a in given.awards}) == 3
    # The NGO that did not register is accepted, and the organizer is told.
    assert len(given.warnings) == 1 and meeting.other.name in given.warnings[0]


def test_bulk_is_all_or_nothing(db, meeting):
    """One NGO that was not at the event refuses the whole batch, naming it."""
    error = refused(db, AwardReason.ngo_not_at_event, lambda: services.give_bulk(
        db.session, meeting.event, meeting.ngos + [meeting.far], citation=CITATION,
        actor=meeting.organizer, now=AFTER))
    assert meeting.far.name in error.message
    assert meeting.ngos[0].name not in error.message
    refused(db, AwardReason.no_ngos, lambda: services.give_bulk(
        db.session, meeting.event, [], actor=meeting.organizer, now=AFTER))


def test_bulk_refuses_when_any_one_is_a_duplicate(db, meeting):
    """A double-clicked form does not give everything twice; nothing of the second is saved."""
    services.give_bulk(db.session, meeting.event, meeting.ngos[:1], actor=meeting.organizer, now=AFTER)
    db.session.commit()
    error = refused(db, AwardReason.duplicate, lambda: services.give_bulk(
        db.session, meeting.event, meeting.ngos, actor=meeting.organizer, now=AFTER))
    assert error.status == 409 and meeting.ngos[0].name in error.message
    # Another title is another award; a revoked one can be given again.
    services.give_bulk(db.session, meeting.event, meeting.ngos, title="تقدیرنامهٔ ویژه",
                       actor=meeting.organizer, now=AFTER)
    first = db.session.query(Award).filter_by(title="لوح تقدیر").one()
    services.revoke(db.session, first, reason="نام سمن اشتباه چاپ شده بود", actor=meeting.organizer, now=AFTER)
    services.give_bulk(db.session, meeting.event, meeting.ngos[:1], actor=meeting.organizer, now=AFTER)
    db.session.commit()
    assert count(db) == 4


def test_a_person_on_behalf_of_an_ngo_or_alone(db, meeting):
    event = meeting.event
    on_behalf = services.give_award(
        db.session, event, kind=AwardKind.statuette, ngo=meeting.ngos[0], recipient_name="زهرا احمدی",
        recipient_title="دبیر سمن", title="تندیس داوطلب نمونه", presented_by=Presenter(name="کامران رحیمی", title="رئیس ادارهٔ ورزش و جوانان"),
        awarded_on="۱۴۰۴/۰۶/۰۵", actor=meeting.organizer, now=AFTER).award
    alone = services.give_award(db.session, event, kind="letter", recipient_name="  سعید  یزدان‌پناه ",
                                actor=meeting.organizer, now=AFTER).award
    db.session.commit()
    assert (on_behalf.ngo, on_behalf.recipient_name, on_behalf.recipient_title) == (meeting.ngos[0], "زهرا احمدی", "دبیر سمن")
    assert on_behalf.presented_by_official_id is None and on_behalf.presented_by_name == "کامران رحیمی"
    assert on_behalf.awarded_on == MEETING_DAY
    assert alone.ngo is None and alone.recipient_name == "سعید یزدان‌پناه" and alone.title == "تقدیرنامه"


def test_no_recipient_is_refused(db, meeting):
    refused(db, AwardReason.no_recipient, lambda: services.give_award(
        db.session, meeting.event, recipient_name="   ", actor=meeting.organizer, now=AFTER))


def test_the_presenter_must_be_one_of_the_events_officials(db, meeting, workshop):
    stranger = workshop.event.officials[0]
    refused(db, AwardReason.official_not_of_event, lambda: services.give_bulk(
        db.session, meeting.event, meeting.ngos, presented_by=stranger, actor=meeting.organizer, now=AFTER))


@pytest.mark.parametrize("typed, reason, words", [
    ("1404/07/31", AwardReason.invalid_date, "وجود ندارد"),      # Mehr has 30 days
    ("۱۴۰۴/۱۲/۳۰", AwardReason.invalid_date, "وجود ندارد"),      # 1404 is not a leap year
    ("31/6/1404", AwardReason.invalid_date, "۱۴۰۳/۰۵/۲۳"),
    ("1404/06/04", AwardReason.date_before_event, "۵ شهریور ۱۴۰۴"),
    ("1404/06/21", AwardReason.date_in_future, "امروز"),        # after AFTER
])
def test_dates_are_jalali_and_must_exist_and_fit(db, meeting, typed, reason, words):
    error = refused(db, reason, lambda: services.give_award(
        db.session, meeting.event, ngo=meeting.ngos[0], awarded_on=typed, actor=meeting.organizer, now=AFTER))
    assert words in error.message


def test_awarded_on_defaults_to_the_last_day_or_today_if_earlier(db, workshop):
    """During a two-day workshop, on its first day, the default is that day."""
    during = at(WORKSHOP_DAYS[0], 12)
    award = services.give_award(db.session, workshop.event, ngo=workshop.ngo, actor=workshop.organizer,
                                now=during).award
    assert award.awarded_on == WORKSHOP_DAYS[0]
    assert services.default_awarded_on(workshop.event, AFTER) == WORKSHOP_DAYS[1]


def test_only_the_events_organizers(db, meeting, make_user, make_body):
    stranger = make_user("organizer", body=make_body(name="استانداری سمنان", province="سمنان", county=None))
    error = refused(db, AwardReason.not_allowed, lambda: services.give_bulk(
        db.session, meeting.event, meeting.ngos, actor=stranger, now=AFTER))
    assert error.status == 403
    award = services.give_bulk(db.session, meeting.event, meeting.ngos, actor=make_user("admin"), now=AFTER).award
    db.session.commit()
    refused(db, AwardReason.not_allowed, lambda: services.revoke(
        db.session, award, reason="اشتباه", actor=stranger, now=AFTER))


def test_not_before_the_event_nor_for_drafts_or_cancelled_ones(db, make_body, make_user, make_ngo):
    body = make_body(name="نهاد آزمون")
    organizer = make_user("organizer", body=body)
    later = today() + timedelta(days=30)
    data = events.EventInput(kind="ceremony", title="آیین گشایش", venue_name="دفتر",
                             province=find_province(db.session, "گلستان"),
                             days=[events.DayInput(later, time(16), time(18))], capacity=10)
    event, _ = events.create_event(db.session, body, data)
    db.session.commit()
    refused(db, AwardReason.event_not_held, lambda: services.give_award(
        db.session, event, recipient_name="کسی", actor=organizer))
    events.publish(event)
    db.session.commit()
    error = refused(db, AwardReason.event_not_started, lambda: services.give_award(
        db.session, event, recipient_name="کسی", actor=organizer))
    assert "آغاز" in error.message
    assert services.why_not_now(event) == error.message


def test_long_text_is_refused(db, meeting):
    refused(db, AwardReason.too_long, lambda: services.give_award(
        db.session, meeting.event, ngo=meeting.ngos[0], citation="ا" * 2001, actor=meeting.organizer, now=AFTER))


# --- revoking ------------------------------------------------------------------------------

def test_revoking_keeps_the_record_with_who_and_why(db, meeting):
    award = services.give_bulk(db.session, meeting.event, meeting.ngos[:1], actor=meeting.organizer, now=AFTER).award
    db.session.commit()
    refused(db, AwardReason.reason_required, lambda: services.revoke(
        db.session, award, reason="  ", actor=meeting.organizer, now=AFTER))
    assert award.revoked_at is None
    when = AFTER + timedelta(days=2)
    services.revoke(db.session, award, reason="سمن منحل شده است", actor=meeting.organizer, now=when)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Award, award.id)
    assert kept.is_revoked and kept.revoked_at == when
    assert kept.revoked_by == meeting.organizer and kept.revoke_reason == "سمن منحل شده است"
    assert kept.ngo == meeting.ngos[0] and kept.title == "لوح تقدیر"  # the rest is untouched
    error = refused(db, AwardReason.already_revoked, lambda: services.revoke(
        db.session, kept, reason="دوباره", actor=meeting.organizer, now=when))
    assert error.status == 409 and "۱۴۰۴" in error.message
    assert db.session.get(Award, award.id).revoke_reason == "سمن منحل شده است"


# --- certificates of attendance ------------------------------------------------------------

def certified(db, event) -> set[int]:
    return {a.registration_id for a in db.session.query(Award).filter_by(event_id=event.id, kind=AwardKind.certificate)}


def test_certificates_go_to_exactly_those_checked_in_on_every_day(db, workshop):
    run = services.certificates_for_attendance(db.session, workshop.event, actor=workshop.organizer, now=AFTER)
    db.session.commit()
    assert (run.created, run.min_days, run.days, run.too_few_days, run.already) == (1, 2, 2, 2, 0)
    assert certified(db, workshop.event) == {workshop.both.id}
    award = run.awards[0]
    assert award.recipient_name == "لیلا کریمی" and award.ngo == workshop.ngo and award.title == "گواهی حضور"
    assert award.citation == "در این کارگاه توانمندسازی در همهٔ ۲ روزِ آن حضور داشته است."
    assert award.recipient_title == ""  # no role was given at registration
    assert award.awarded_on == WORKSHOP_DAYS[1]


def test_one_day_is_enough_when_the_organizer_says_so_and_twice_adds_none(db, workshop):
    services.certificates_for_attendance(db.session, workshop.event, actor=workshop.organizer, now=AFTER)
    run = services.certificates_for_attendance(db.session, workshop.event, 1, actor=workshop.organizer, now=AFTER)
    db.session.commit()
    assert (run.created, run.already, run.too_few_days) == (2, 1, 0)
    # Exactly the three who were let in: not the absent one, not the one whose entry was undone.
    assert certified(db, workshop.event) == {workshop.both.id, workshop.first.id, workshop.second.id}
    by_reg = {a.registration_id: a for a in run.awards}
    assert "در ۱ روز از ۲ روزِ آن" in by_reg[workshop.first.id].citation
    again = services.certificates_for_attendance(db.session, workshop.event, 1, actor=workshop.organizer, now=AFTER)
    db.session.commit()
    assert (again.created, again.already) == (0, 3)
    assert db.session.query(Award).count() == 3


def test_a_revoked_certificate_is_not_given_again_by_a_rerun(db, workshop):
    run = services.certificates_for_attendance(db.session, workshop.event, 1, actor=workshop.organizer, now=AFTER)
    services.revoke(db.session, run.awards[0], reason="نام اشتباه", actor=workshop.organizer, now=AFTER)
    db.session.commit()
    again = services.certificates_for_attendance(db.session, workshop.event, 1, actor=workshop.organizer, now=AFTER)
    assert (again.created, again.already) == (0, 3)


def test_the_database_allows_one_live_certificate_per_registration(db, workshop):
    run = services.certificates_for_attendance(db.session, workshop.event, actor=workshop.organizer, now=AFTER)
    db.session.commit()
    first = run.awards[0]
    copy = Award(event_id=first.event_id, kind=AwardKind.certificate, registration_id=first.registration_id,
                 recipient_name=first.recipient_name, title="گواهی حضور", awarded_on=first.awarded_on)
    db.session.add(copy)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("min_days", [0, 3, -1])
def test_min_days_must_be_within_the_events_days(db, workshop, min_days):
    error = refused(db, AwardReason.min_days_invalid, lambda: services.certificates_for_attendance(
        db.session, workshop.event, min_days, actor=workshop.organizer, now=AFTER))
    assert "۲" in error.message


def test_certificates_with_nobody_checked_in_give_none(db, meeting):
    run = services.certificates_for_attendance(db.session, meeting.event, actor=meeting.organizer, now=AFTER)
    assert (run.created, run.attendees) == (0, 0)


# --- codes and who sees what -----------------------------------------------------------------

def test_codes_are_read_from_urls_and_paper():
    code = "ABCDEFGHJKLMNPQRSTUV"
    for typed in (code, code.lower(), "ABCD-EFGH-JKLM-NPQR-STUV", " abcd efgh jklm npqr stuv ",
                  f"https://events.example.ir/awards/verify/{code}", f"http://x/awards/verify/{code}/?a=1"):
        assert services.clean_code(typed) == code, typed
    assert services.clean_code("ABCD2345ABCD2345ABC۹") == "ABCD2345ABCD2345ABC9"
    for bad in ("", "ABC", "ABCDEFGHJKLMNPQRSTU0", "ABCDEFGHJKLMNPQRSTUVW", "' OR 1=1 --", None):
        assert services.clean_code(bad) is None, bad
    assert services.format_code(code) == "ABCD-EFGH-JKLM-NPQR-STUV"


def test_what_the_event_page_and_the_ngo_page_show(db, meeting, make_user):
    given = services.give_bulk(db.session, meeting.event, meeting.ngos, actor=meeting.organizer, now=AFTER).awards
    services.give_award(db.session, meeting.event, kind="certificate", ngo=meeting.ngos[0],
                        recipient_name="زهرا احمدی", actor=meeting.organizer, now=AFTER)
    services.revoke(db.session, given[1], reason="اشتباه", actor=meeting.organizer, now=AFTER)
    db.session.commit()
    first, second = meeting.ngos
    # Hidden until the organizer shows them.
    assert services.public_honours(db.session, meeting.event) == []
    assert services.ngo_awards(db.session, first, None) == []
    services.set_awards_public(meeting.event, True, actor=meeting.organizer)
    db.session.commit()
    assert services.public_honours(db.session, meeting.event) == [(first, [given[0]])]
    assert services.ngo_awards(db.session, first, None) == [given[0]]  # not the person's certificate
    assert services.ngo_awards(db.session, second, None) == []          # revoked
    secretary = make_user("secretary", ngo=first)
    assert len(services.ngo_awards(db.session, first, secretary)) == 2
    assert len(services.ngo_awards(db.session, second, make_user("secretary", ngo=second))) == 1
    assert services.can_print(secretary, given[0]) and not services.can_print(secretary, given[1])


def test_a_run_that_loses_a_race_skips_what_the_other_made(db, workshop, monkeypatch):
    """If another run inserted a certificate after this one looked, the partial unique index
    refuses the copy; this run then goes one by one and counts it as already given."""
    first = services.certificates_for_attendance(db.session, workshop.event, actor=workshop.organizer, now=AFTER)
    db.session.commit()
    monkeypatch.setattr(services, "certified_registrations", lambda session, event: set())
    run = services.certificates_for_attendance(db.session, workshop.event, 1, actor=workshop.organizer, now=AFTER)
    db.session.commit()
    assert (run.created, run.already) == (2, 1)
    assert {a.registration_id for a in run.awards} == {workshop.first.id, workshop.second.id}
    assert db.session.query(Award).count() == 3 and first.awards[0].registration_id == workshop.both.id
