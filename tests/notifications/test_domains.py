"""The services of other domains queue their messages: awards (to the attendee and the NGO's
secretaries, by each user's choice of channel), an approved secretary claim; approval and
rejection of registrations."""
from sqlalchemy import select

from eventsapp.accounts.models import NotifyBy
from eventsapp.awards import services as awards
from eventsapp.ngos import services as ngos
from eventsapp.notifications.models import Channel, OutboxMessage
from eventsapp.registrations import services as registrations
from tests.awards.conftest import meeting, workshop  # noqa: F401  (fixtures)
from tests.awards.test_services import AFTER

from .conftest import person


def queued(db, kind):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                              .order_by(OutboxMessage.id)).all()


def test_an_award_reaches_the_ngos_secretaries_by_their_chosen_channel(db, meeting, make_user):
    ngo = meeting.ngos[0]
    by_sms = make_user("secretary", ngo=ngo, mobile="09125550001")
    by_mail = make_user("secretary", ngo=ngo, mobile="09125550002")
    by_mail.email, by_mail.notify_by = "sec@example.ir", NotifyBy.email
    db.session.commit()
    given = awards.give_award(db.session, meeting.event, ngo=ngo, title="لوح سپاس",
                              actor=meeting.organizer)
    db.session.commit()
    messages = queued(db, "award")
    assert {(m.user_id, m.channel) for m in messages} == {(by_sms.id, Channel.sms),
                                                          (by_mail.id, Channel.email)}
    code = given.awards[0].verification_code
    assert all(f"/awards/verify/{code}" in m.body for m in messages)
    assert "لوح سپاس" in messages[0].body


def test_a_certificate_of_attendance_reaches_the_attendee(db, workshop):
    run = awards.certificates_for_attendance(db.session, workshop.event, actor=workshop.organizer,
                                             now=AFTER)
    db.session.commit()
    messages = queued(db, "award")
    assert {m.registration_id for m in messages} == {a.registration_id for a in run.awards}
    assert {m.registration_id for m in messages} == {workshop.both.id}
    assert messages[0].to == "+98" + workshop.both.mobile[1:]


def test_an_approved_claim_tells_the_new_secretary(db, make_ngo, make_user):
    make_ngo(registration_no="7788")
    claim = ngos.submit_claim(db.session, "7788", "newsec11", "مریم نوری", "09121112233",
                              "secret-123")
    db.session.commit()
    user = ngos.approve_claim(db.session, claim, make_user("admin"))
    db.session.commit()
    message, = queued(db, "claim_approved")
    assert message.to == "+989121112233" and message.user_id == user.id
    assert "newsec11" in message.body and "/login" in message.body


def test_approval_and_rejection_are_told(db, make_event, make_ngo):
    event = make_event(approval=True)
    ngo = make_ngo()
    one, two = registrations.register(db.session, event, ngo, [person(1), person(2)])
    db.session.commit()
    assert [m.kind for m in queued(db, "pending")] == ["pending", "pending"]
    registrations.approve(db.session, one)
    registrations.reject(db.session, two, note="ظرفیت ویژهٔ اعضای هیئت‌مدیره")
    db.session.commit()
    approved, = queued(db, "approved")
    assert approved.registration_id == one.id and one.short_code[:4] in approved.body
    rejected, = queued(db, "rejected")
    assert rejected.registration_id == two.id
