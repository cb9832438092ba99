"""Feed tokens (one live per owner, regenerate revokes) and what each feed holds."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from eventsapp.calendars import services
from eventsapp.calendars.models import FeedKind, FeedToken
from eventsapp.calendars.services import FeedError, FeedReason
from eventsapp.checkin.models import EventStaff
from eventsapp.events import services as events
from eventsapp.jalali import today, utcnow
from eventsapp.registrations import services as registrations
from eventsapp.registrations.services import complete_national_id

from .conftest import gday, soon


def nid(n):
    return complete_national_id(f"{n:09d}")


def person(n):
    return {"full_name": f"عضو شمارهٔ {n}", "national_id": nid(n), "mobile": f"0912{n:07d}"}


# --- tokens -----------------------------------------------------------------------------------

def test_get_or_create_gives_one_live_token_per_owner(db, make_user):
    user = make_user("secretary")
    first = services.get_or_create_token(db.session, FeedKind.user, user)
    again = services.get_or_create_token(db.session, FeedKind.user, user)
    ngo = services.get_or_create_token(db.session, FeedKind.ngo, user.ngo)
    db.session.commit()
    assert first is again and first.kind == FeedKind.user and first.user_id == user.id
    assert ngo.ngo_id == user.ngo_id and ngo.token != first.token
    assert len(first.token) >= 32
    assert services.resolve_token(db.session, first.token) is first


def test_the_database_refuses_a_second_live_token(db, make_user):
    user = make_user("door")
    services.get_or_create_token(db.session, FeedKind.user, user)
    db.session.commit()
    db.session.add(FeedToken(kind=FeedKind.user, user_id=user.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_regenerate_revokes_the_old_token(db, make_user):
    user = make_user("organizer")
    old = services.get_or_create_token(db.session, FeedKind.body, user.body)
    db.session.commit()
    old_value = old.token
    new = services.regenerate_token(db.session, FeedKind.body, user.body)
    db.session.commit()
    assert new.token != old_value and new.revoked_at is None and old.revoked_at is not None
    assert services.resolve_token(db.session, old_value) is None
    assert services.resolve_token(db.session, new.token) is new
    assert services.live_token(db.session, FeedKind.body, user.body) is new
    # Regenerating with no token yet simply makes one.
    other = make_user("secretary")
    assert services.regenerate_token(db.session, FeedKind.ngo, other.ngo).ngo_id == other.ngo_id


@pytest.mark.parametrize("raw", ["", "x", "short", "a" * 65, "../../etc/passwd", "نشانی" * 5])
def test_garbage_tokens_resolve_to_nothing(db, raw):
    assert services.resolve_token(db.session, raw) is None


def test_a_deactivated_users_feed_stops(db, make_user):
    user = make_user("door")
    token = services.get_or_create_token(db.session, FeedKind.user, user)
    user.active = False
    db.session.commit()
    assert services.resolve_token(db.session, token.token) is None


def test_who_holds_which_feed(make_user):
    secretary, organizer, door = make_user("secretary"), make_user("organizer"), make_user("door")
    assert [k for k, _ in services.owned_feeds(secretary)] == [FeedKind.user, FeedKind.ngo]
    assert [k for k, _ in services.owned_feeds(organizer)] == [FeedKind.user, FeedKind.body]
    assert [k for k, _ in services.owned_feeds(door)] == [FeedKind.user]
    assert services.owner_for(organizer, FeedKind.body) is organizer.body
    with pytest.raises(FeedError) as info:
        services.owner_for(secretary, FeedKind.body)
    assert info.value.reason == FeedReason.not_allowed and info.value.status == 403
    assert not info.value.message.isascii()


# --- what feeds hold -------------------------------------------------------------------------

def ids(events_):
    return [e.id for e in events_]


def test_body_feed_keeps_cancelled_and_completed_never_drafts(db, make_event, make_user):
    organizer = make_user("organizer")
    body = organizer.body
    live = make_event([gday(soon(5))], body=body, title="منتشرشده", now=utcnow())
    cancelled = make_event([gday(soon(6))], body=body, title="لغوشده", status="cancelled",
                           venue="سالن دوم", now=utcnow())
    done = make_event([gday(today() - timedelta(days=20))], body=body, title="برگزارشده",
                      status="completed", venue="سالن سوم", now=utcnow())
    make_event([gday(soon(7))], body=body, title="پیش‌نویس", status="draft", venue="سالن چهارم")
    make_event([gday(today() - timedelta(days=400))], body=body, title="کهنه", status="completed",
               venue="سالن پنجم", now=utcnow() - timedelta(days=500))
    make_event([gday(soon(8))], title="نهاد دیگر", venue="سالن ششم")
    token = services.get_or_create_token(db.session, FeedKind.body, body)
    assert ids(services.feed_events(db.session, token)) == [done.id, live.id, cancelled.id]


def test_ngo_feed_follows_its_members_registrations(db, make_event, make_user):
    secretary = make_user("secretary")
    ngo = secretary.ngo
    now = utcnow()
    first = make_event([gday(soon(5))], title="نخست", now=now)
    second = make_event([gday(soon(6))], title="دوم", venue="سالن دوم", now=now)
    third = make_event([gday(soon(7))], title="سوم", venue="سالن سوم", now=now)
    make_event([gday(soon(8))], title="بی‌ثبت‌نام", venue="سالن چهارم", now=now)
    registrations.register(db.session, first, ngo, [person(1)], actor=secretary, now=now)
    [dropped] = registrations.register(db.session, second, ngo, [person(2)], actor=secretary, now=now)
    [was] = registrations.register(db.session, third, ngo, [person(3)], actor=secretary, now=now)
    registrations.cancel(db.session, dropped, actor=secretary, now=now)
    # The third event is cancelled, and the NGO's registration with it: it stays, cancelled.
    events.cancel(third, "تعطیلی", now=now)
    registrations.cancel(db.session, was, actor=secretary, now=now)
    db.session.commit()
    token = services.get_or_create_token(db.session, FeedKind.ngo, ngo)
    assert ids(services.feed_events(db.session, token)) == [first.id, third.id]
    # Another NGO's feed is empty.
    other = services.get_or_create_token(db.session, FeedKind.ngo, make_user("secretary").ngo)
    assert services.feed_events(db.session, other) == []


def test_personal_feed_created_staffed_registered(db, make_event, make_user):
    now = utcnow()
    organizer, door, secretary = make_user("organizer"), make_user("door"), make_user("secretary")
    made = make_event([gday(soon(5))], body=organizer.body, actor=organizer, title="ساختهٔ من",
                      now=now)
    staffed = make_event([gday(soon(6))], title="پذیرش", venue="سالن دوم", now=now)
    db.session.add(EventStaff(event_id=staffed.id, user_id=door.id))
    registered = make_event([gday(soon(7))], title="ثبت‌نام", venue="سالن سوم", now=now)
    registrations.register(db.session, registered, secretary.ngo, [person(4)], actor=secretary,
                           now=now)
    make_event([gday(soon(9))], body=organizer.body, actor=organizer, status="draft",
               title="پیش‌نویس من", venue="سالن چهارم")
    db.session.commit()

    def feed(user):
        return ids(services.feed_events(db.session, services.get_or_create_token(
            db.session, FeedKind.user, user)))

    assert feed(organizer) == [made.id]
    assert feed(door) == [staffed.id]
    assert feed(secretary) == [registered.id]


def test_public_feed_filters(db, make_event):
    from eventsapp.events.models import EventKind
    from eventsapp.places.services import find_county, find_province
    now = utcnow()
    tehran = make_event([gday(soon(5))], title="تهران", now=now)
    shemiran = find_county(db.session, "شمیرانات", find_province(db.session, "تهران"))
    rey = make_event([gday(soon(6))], title="ری", county="ری", venue="سالن ری", now=now,
                     kind=EventKind.meeting)
    isfahan = make_event([gday(soon(7))], title="اصفهان", province="اصفهان", county=None,
                         venue="سالن اصفهان", now=now)
    make_event([gday(soon(8))], title="پیش‌نویس", status="draft", venue="سالن پیش‌نویس")
    f = events.EventFilter
    assert ids(services.public_feed_events(db.session)) == [tehran.id, rey.id, isfahan.id]
    assert ids(services.public_feed_events(db.session, f(province_id=tehran.venue.province_id))) == [
        tehran.id, rey.id]
    assert ids(services.public_feed_events(db.session, f(county_id=shemiran.id))) == [tehran.id]
    assert ids(services.public_feed_events(db.session, f(kind=EventKind.meeting))) == [rey.id]


def test_occasion_years_are_this_jalali_year_and_four_more():
    from datetime import datetime, timezone
    now = datetime(2026, 11, 22, tzinfo=timezone.utc)  # 1 Azar 1405
    assert services.occasion_years(now=now) == [1405, 1406, 1407, 1408, 1409]
    assert services.occasion_years(now=datetime(2027, 3, 21, 12, tzinfo=timezone.utc))[0] == 1406


def test_feed_rows_match_the_event_file_and_follow_every_change(db, make_event, make_user):
    """Feeds read plain rows; they must show exactly what the event's own file shows, and a
    change to anything shown (here the body's name, which is not the event's row) shows."""
    from eventsapp.calendars import ical
    organizer = make_user("organizer")
    event = make_event([gday(soon(5)), gday(soon(6), "14:00", "16:00")], body=organizer.body,
                       now=utcnow(), topic="موضوع", description="  شرح  ")
    token = services.get_or_create_token(db.session, FeedKind.body, organizer.body)
    [row] = services.feed_events(db.session, token)
    assert row == ical.EventData.of(event)
    site = ical.Site("https://events.example.ir")
    before = ical.feed_ics([row], site, name="x")
    organizer.body.name = "نام تازهٔ نهاد"
    db.session.commit()
    [renamed] = services.feed_events(db.session, token)
    assert renamed.body_name == "نام تازهٔ نهاد"
    after = ical.feed_ics([renamed], site, name="x")
    assert after != before and "نام تازهٔ نهاد".encode() in after.replace(b"\r\n ", b"")
