"""The two Iranian providers' adapters against a local server answering as their APIs are
documented, the part counts of Persian SMS, addresses and the opt-out link."""
import pytest

from eventsapp.notifications import channels, sms, worker
from eventsapp.notifications.models import Channel, MessageStatus
from eventsapp.notifications.outbox import address, normalize_address, queue


def outgoing(**kw):
    data = dict(key="k.1.sms", channel="sms", to="+989121234567", recipient_name="", subject="",
                body="سلام، بلیت شما آماده است")
    data.update(kw)
    return channels.Outgoing(**data)


def test_kavenegar_posts_the_documented_form_with_the_key_as_localid(gateway):
    gateway.style = "kavenegar"
    base = gateway.url.rsplit("/", 1)[0]
    backend = channels.Kavenegar({"KAVENEGAR_API_KEY": "KEY-1", "KAVENEGAR_SENDER": "10004346",
                                  "KAVENEGAR_URL": base})
    delivery = backend.send(outgoing())
    (path, headers, _), = gateway.requests
    assert path == "/v1/KEY-1/sms/send.json"
    form = gateway.by_key["k.1.sms"]["form"]
    assert form == {"receptor": "09121234567", "message": "سلام، بلیت شما آماده است",
                    "sender": "10004346", "localid": "k.1.sms"}
    assert delivery.ref == "8792001"


def test_kavenegar_refusal_is_permanent_and_a_server_error_is_not(gateway):
    base = gateway.url.rsplit("/", 1)[0]
    backend = channels.Kavenegar({"KAVENEGAR_API_KEY": "K", "KAVENEGAR_URL": base})
    gateway.fail_next = 1
    with pytest.raises(channels.SendError) as info:
        backend.send(outgoing())
    assert not info.value.permanent and "HTTP 500" in info.value.answer


def test_smsir_posts_the_documented_json_with_the_api_key_header(gateway):
    gateway.style = "smsir"
    base = gateway.url.rsplit("/", 1)[0]
    backend = channels.SmsIr({"SMSIR_API_KEY": "abc", "SMSIR_LINE_NUMBER": "30007732000000",
                              "SMSIR_URL": base})
    delivery = backend.send(outgoing())
    (path, headers, _), = gateway.requests
    assert path == "/v1/send/bulk" and headers["X-Api-Key"] == "abc"
    sent, = gateway.by_key.values()
    assert sent["json"] == {"lineNumber": 30007732000000, "messageText": "سلام، بلیت شما آماده است",
                            "mobiles": ["09121234567"], "sendDateTime": None}
    assert delivery.ref == "501"


def test_a_backend_missing_its_settings_says_which(app):
    with pytest.raises(ValueError, match="SMS_GATEWAY_URL"):
        channels.backend_for({"SMS_BACKEND": "http"}, "sms")
    with pytest.raises(ValueError, match="unknown"):
        channels.backend_for({"SMS_BACKEND": "carrier-pigeon"}, "sms")
    assert channels.backend_for({}, "sms") is None


def test_persian_sms_parts_are_ucs2():
    assert sms.parts("س" * 70) == 1
    assert sms.parts("س" * 71) == 2
    assert sms.parts("س" * 134) == 2
    assert sms.parts("س" * 135) == 3
    assert sms.parts("a" * 160) == 1 and sms.parts("a" * 161) == 2
    assert sms.units("a" * 69 + "س") == 70, "one Persian letter makes the whole text UCS-2"
    assert sms.units("😀") == 2


@pytest.mark.parametrize("raw, expected", [
    ("09121234567", "+989121234567"), ("۰۹۱۲۱۲۳۴۵۶۷", "+989121234567"),
    ("+98 912 123 4567", "+989121234567"), ("00989121234567", "+989121234567"),
    ("9121234567", "+989121234567"), ("0212345678", None), ("", None),
])
def test_mobiles_are_normalised_for_the_gateway(raw, expected):
    assert normalize_address(Channel.sms, raw) == expected


def test_an_opted_out_address_gets_nothing_but_what_it_asked_for(db, client):
    addr = address(db.session, Channel.sms, "09121234567")
    db.session.commit()
    page = client.get(f"/o/{addr.code}")
    assert page.status_code == 200 and "لغو پیام‌ها" in page.get_data(as_text=True)
    assert addr.opted_out_at is None, "opening the link (a preview) changes nothing"
    client.post(f"/o/{addr.code}", data={"action": "out"})
    db.session.refresh(addr)
    assert addr.opted_out_at is not None
    assert queue(db.session, key="news.1.sms", kind="ticket", addr=addr, body="x") is None
    reset = queue(db.session, key="reset.1.sms", kind="password_reset", addr=addr, body="کد",
                  essential=True)
    assert reset is not None and reset.status == MessageStatus.kept
    client.post(f"/o/{addr.code}", data={"action": "in"})
    db.session.refresh(addr)
    assert addr.opted_out_at is None
    assert client.get("/o/nosuchcode").status_code == 404


def test_the_same_key_queued_twice_is_one_message(db):
    addr = address(db.session, Channel.email, "A@Example.ir")
    assert addr.address == "a@example.ir"
    one = queue(db.session, key="same.key", kind="t", addr=addr, body="x")
    two = queue(db.session, key="same.key", kind="t", addr=addr, body="y")
    assert one is two and two.body == "x"


def test_resending_a_sent_message_is_a_new_message_with_a_new_key(db, delivering):
    from eventsapp.notifications.outbox import resend
    gateway, _ = delivering
    addr = address(db.session, Channel.sms, "09121234567")
    m = queue(db.session, key="t.1.sms", kind="t", addr=addr, body="بلیت")
    db.session.commit()
    worker.deliver_once()
    db.session.refresh(m)
    copy = resend(db.session, m)
    db.session.commit()
    assert copy.key == "t.1.sms.again1" and copy.status == MessageStatus.queued
    worker.deliver_once()
    assert list(gateway.by_key) == ["t.1.sms", "t.1.sms.again1"]
