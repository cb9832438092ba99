"""Password reset: a code by SMS (read here from the message the gateway received) or a
link by e-mail (from the SMTP server); expiring, single-use, limited per account and per
address; completing it ends other sessions and revokes API tokens."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventsapp.accounts import reset, services as accounts
from eventsapp.accounts.models import ApiToken, PasswordReset
from eventsapp.jalali import utcnow
from eventsapp.notifications import worker
from eventsapp.notifications.models import OutboxMessage
from tests.conftest import api_headers, login


def last_body(db):
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first().body


def code_in(text):
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def test_reset_by_sms_code_end_to_end(db, client, app, delivering, make_user):
    gateway, _ = delivering
    user = make_user("secretary", mobile="09127778899")
    headers = api_headers(user)
    other = app.test_client()
    assert login(other, user).status_code == 302
    response = client.post("/password/forgot", data={"username": user.username, "channel": "sms"})
    assert response.status_code == 302 and "/password/code" in response.location
    worker.deliver_once()
    sent, = gateway.by_key.values()
    assert sent["to"] == "+989127778899"
    code = code_in(sent["text"])
    wrong = "000000" if code != "000000" else "111111"
    bad = client.post("/password/code", data={"username": user.username, "code": wrong,
                                              "password": "new-pass-1405"})
    assert bad.status_code == 422 and "درست نیست" in bad.get_data(as_text=True)
    good = client.post("/password/code", data={"username": user.username, "code": code,
                                               "password": "new-pass-1405"})
    assert good.status_code == 302 and good.location.endswith("/login")
    assert accounts.authenticate(db.session, user.username, "new-pass-1405").id == user.id
    assert other.get("/account/").status_code == 302, "the other session has ended"
    assert client.get("/api/v1/me", headers=headers).status_code == 401, "API tokens revoked"
    again = client.post("/password/code", data={"username": user.username, "code": code,
                                                "password": "another-pass-1"})
    assert again.status_code == 422, "a code works once"


def test_reset_by_email_link_end_to_end(db, client, delivering, make_user):
    _, smtpd = delivering
    user = make_user("organizer")
    user.email = "org@example.ir"
    db.session.commit()
    client.post("/password/forgot", data={"username": user.username, "channel": "email"})
    worker.deliver_once()
    mail, = smtpd.messages
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"https://events\.example\.ir(/password/reset/\S+)", text).group(1)
    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": "mail-pass-1405"})
    assert done.status_code == 302
    assert accounts.authenticate(db.session, user.username, "mail-pass-1405").id == user.id
    assert client.get(link).status_code == 404, "a link works once"


def test_the_answer_does_not_tell_whether_an_account_exists(db, client, make_user):
    nobody = client.post("/password/forgot", data={"username": "no-such-user", "channel": "sms"},
                         follow_redirects=True)
    user = make_user("secretary", mobile="09127778800")
    somebody = client.post("/password/forgot", data={"username": user.username, "channel": "sms"},
                           follow_redirects=True)
    from eventsapp.accounts.routes import SENT
    assert SENT in nobody.get_data(as_text=True) and SENT in somebody.get_data(as_text=True)
    assert db.session.scalar(select(PasswordReset.user_id)) == user.id


def test_requests_are_limited_per_account_and_per_address(db, make_user):
    user = make_user("secretary", mobile="09127778801")
    now = utcnow()
    for n in range(3):
        reset.request_reset(db.session, user, "sms", now=now + timedelta(minutes=n))
    with pytest.raises(reset.ResetError) as refused:
        reset.request_reset(db.session, user, "sms", now=now + timedelta(minutes=5))
    assert refused.value.reason == reset.ResetReason.too_many
    reset.request_reset(db.session, user, "sms", now=now + timedelta(minutes=61))
    # another account with the same mobile shares the address's limit
    twin = make_user("organizer", mobile="09127778802")
    twin2 = make_user("organizer", mobile="09127778802")
    for n in range(2):
        reset.request_reset(db.session, twin, "sms", now=now + timedelta(minutes=n))
    reset.request_reset(db.session, twin2, "sms", now=now + timedelta(minutes=3))
    with pytest.raises(reset.ResetError):
        reset.request_reset(db.session, twin2, "sms", now=now + timedelta(minutes=4))


def test_a_code_expires_and_allows_five_tries(db, make_user):
    user = make_user("secretary", mobile="09127778803")
    now = utcnow()
    reset.request_reset(db.session, user, "sms", now=now)
    code = code_in(last_body(db))
    with pytest.raises(reset.ResetError) as late:
        reset.check_code(db.session, user, code, now=now + timedelta(minutes=16))
    assert late.value.reason == reset.ResetReason.expired
    reset.request_reset(db.session, user, "sms", now=now + timedelta(minutes=20))
    code = code_in(last_body(db))
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(reset.ResetError):
            reset.check_code(db.session, user, wrong, now=now + timedelta(minutes=21))
    with pytest.raises(reset.ResetError):
        reset.check_code(db.session, user, code, now=now + timedelta(minutes=21))


def test_a_new_request_voids_the_previous_code(db, make_user):
    user = make_user("secretary", mobile="09127778804")
    now = utcnow()
    reset.request_reset(db.session, user, "sms", now=now)
    first = code_in(last_body(db))
    reset.request_reset(db.session, user, "sms", now=now + timedelta(minutes=1))
    second = code_in(last_body(db))
    if first != second:
        with pytest.raises(reset.ResetError):
            reset.check_code(db.session, user, first, now=now + timedelta(minutes=2))
    assert reset.check_code(db.session, user, second, now=now + timedelta(minutes=2))


def test_an_account_without_that_address_is_told(db, make_user):
    user = make_user("organizer")
    with pytest.raises(reset.ResetError) as refused:
        reset.request_reset(db.session, user, "email")
    assert refused.value.reason == reset.ResetReason.no_address


def test_the_user_chooses_channels_on_the_account_page(db, client, login_as):
    user = login_as("secretary")
    response = client.post("/account/", data={"contact-submit": "1", "contact-mobile": "۰۹۱۲۳۴۵۶۷۸۹",
                                              "contact-email": "Me@Example.IR",
                                              "contact-notify_by": "both"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.mobile, user.email, user.notify_by.value) == ("09123456789", "me@example.ir", "both")
    bad = client.post("/account/", data={"contact-submit": "1", "contact-email": "not-an-address",
                                         "contact-notify_by": "email"})
    assert "رایانامه درست نیست" in bad.get_data(as_text=True)
