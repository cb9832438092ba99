"""Where messages go: SMS backends and SMTP, chosen by settings.

``SMS_BACKEND``: ``outbox`` (default: kept in the database and shown, never sent), ``http`` (a
generic gateway: POST JSON ``{"to", "text", "id"}`` with a bearer token, any 2xx accepted),
``kavenegar`` or ``smsir`` (two Iranian providers' documented HTTP APIs).
``MAIL_BACKEND``: ``outbox`` (default) or ``smtp`` (``MAIL_SERVER`` …).

Every backend's ``send(message)`` returns a :class:`Delivery` or raises :class:`SendError`
with what went wrong; a network error or timeout is a SendError too. Nothing here touches
the database.
"""
from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

SMS_BACKENDS = ("outbox", "http", "kavenegar", "smsir")
MAIL_BACKENDS = ("outbox", "smtp")


class SendError(Exception):
    """The message was not accepted (this time): ``answer`` says what came back."""

    def __init__(self, answer: str, *, permanent: bool = False):
        super().__init__(answer)
        self.answer = answer[:500]
        self.permanent = permanent


@dataclass
class Delivery:
    answer: str
    ref: str = ""


@dataclass
class Outgoing:
    """What a backend needs of a message: no ORM object crosses into the network code."""

    key: str
    channel: str
    to: str
    recipient_name: str
    subject: str
    body: str
    html: str | None = None
    ics: str | None = None
    ics_method: str | None = None


def _post(url: str, *, data: bytes, headers: dict, timeout: float) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        body = error.read(500).decode("utf-8", "replace") if error.fp else ""
        return error.code, body
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SendError(f"no answer: {reason}") from None


def _answer(status: int, body: str) -> str:
    return f"HTTP {status} {body.strip()[:400]}"


def _local_mobile(to: str) -> str:
    """+989121234567 → 09121234567 (the Iranian providers take the national form)."""
    return "0" + to[3:] if to.startswith("+98") else to


class HttpGateway:
    """The generic gateway: one JSON POST per message."""

    name = "http"

    def __init__(self, config):
        self.url = config.get("SMS_GATEWAY_URL") or ""
        self.token = config.get("SMS_GATEWAY_TOKEN") or ""
        self.timeout = float(config.get("SMS_TIMEOUT", 10))
        if not self.url:
            raise ValueError("SMS_BACKEND=http needs SMS_GATEWAY_URL")

    def send(self, message: Outgoing) -> Delivery:
        data = json.dumps({"to": message.to, "text": message.body, "id": message.key},
                          ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Idempotency-Key": message.key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        status, body = _post(self.url, data=data, headers=headers, timeout=self.timeout)
        if 200 <= status < 300:
            return Delivery(_answer(status, body))
        raise SendError(_answer(status, body), permanent=status in (400, 401, 403, 404, 422))


class Kavenegar:
    """Kavenegar's REST API: ``POST {base}/v1/{API key}/sms/send.json`` with form fields
    ``receptor``, ``message``, ``sender`` and ``localid``; the answer's ``return.status`` is
    200 on success and ``entries[0].messageid`` identifies the message. ``localid`` is their
    duplicate guard: the same localid is not sent twice."""

    name = "kavenegar"

    def __init__(self, config):
        self.key = config.get("KAVENEGAR_API_KEY") or ""
        self.sender = config.get("KAVENEGAR_SENDER") or ""
        self.base = (config.get("KAVENEGAR_URL") or "https://api.kavenegar.com").rstrip("/")
        self.timeout = float(config.get("SMS_TIMEOUT", 10))
        if not self.key:
            raise ValueError("SMS_BACKEND=kavenegar needs KAVENEGAR_API_KEY")

    def send(self, message: Outgoing) -> Delivery:
        fields = {"receptor": _local_mobile(message.to), "message": message.body,
                  "localid": message.key}
        if self.sender:
            fields["sender"] = self.sender
        url = f"{self.base}/v1/{urllib.parse.quote(self.key, safe='')}/sms/send.json"
        status, body = _post(url, data=urllib.parse.urlencode(fields).encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"},
                             timeout=self.timeout)
        try:
            answer = json.loads(body)
            code = int(answer["return"]["status"])
        except (ValueError, KeyError, TypeError):
            raise SendError(_answer(status, body)) from None
        if code != 200:
            # 4xx codes are the request's fault (bad number, no credit…); 5xx may pass later.
            raise SendError(_answer(status, body), permanent=400 <= code < 500 and code != 429)
        entries = answer.get("entries") or [{}]
        return Delivery(_answer(status, body), ref=str(entries[0].get("messageid", "")))


class SmsIr:
    """SMS.ir's REST API v1: ``POST {base}/v1/send/bulk`` with the ``X-API-KEY`` header and
    JSON ``{"lineNumber", "messageText", "mobiles": [...]}``; ``status`` 1 is success and
    ``data.messageIds`` identifies the message. SMS.ir takes no idempotency key: the outbox's
    own claiming is what keeps a message from going twice."""

    name = "smsir"

    def __init__(self, config):
        self.key = config.get("SMSIR_API_KEY") or ""
        self.line = config.get("SMSIR_LINE_NUMBER") or ""
        self.base = (config.get("SMSIR_URL") or "https://api.sms.ir").rstrip("/")
        self.timeout = float(config.get("SMS_TIMEOUT", 10))
        if not self.key or not self.line:
            raise ValueError("SMS_BACKEND=smsir needs SMSIR_API_KEY and SMSIR_LINE_NUMBER")

    def send(self, message: Outgoing) -> Delivery:
        line = int(self.line) if str(self.line).isdigit() else self.line
        data = json.dumps({"lineNumber": line, "messageText": message.body,
                           "mobiles": [_local_mobile(message.to)], "sendDateTime": None},
                          ensure_ascii=False).encode()
        status, body = _post(f"{self.base}/v1/send/bulk", data=data, timeout=self.timeout,
                             headers={"Content-Type": "application/json", "Accept": "text/plain",
                                      "X-API-KEY": self.key})
        try:
            answer = json.loads(body)
            code = int(answer["status"])
        except (ValueError, KeyError, TypeError):
            raise SendError(_answer(status, body)) from None
        if code != 1:
            raise SendError(_answer(status, body), permanent=400 <= status < 500 and status != 429)
        ids = (answer.get("data") or {}).get("messageIds") or [""]
        return Delivery(_answer(status, body), ref=str(ids[0]))


class Smtp:
    """E-mail over SMTP: right-to-left HTML with a text part, and the .ics invitation."""

    name = "smtp"

    def __init__(self, config):
        self.server = config.get("MAIL_SERVER") or "localhost"
        self.port = int(config.get("MAIL_PORT") or 25)
        self.username = config.get("MAIL_USERNAME") or ""
        self.password = config.get("MAIL_PASSWORD") or ""
        self.tls = bool(config.get("MAIL_USE_TLS"))
        self.sender = config.get("MAIL_DEFAULT_SENDER") or "eventsapp@localhost"
        self.timeout = float(config.get("MAIL_TIMEOUT", 15))
        self.domain = self.sender.rpartition("@")[2] or "localhost"

    def build(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = formataddr((message.recipient_name, message.to)) if message.recipient_name \
            else message.to
        mail["Subject"] = message.subject
        # The idempotency key is the Message-ID: a copy sent again after a crash is the same
        # message to every mail system that deduplicates.
        mail["Message-ID"] = f"<{message.key}@{self.domain}>"
        mail["Content-Language"] = "fa"
        mail.set_content(message.body)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        if message.ics:
            method = message.ics_method or "REQUEST"
            mail.add_attachment(message.ics.encode(), maintype="text", subtype="calendar",
                                filename="invite.ics",
                                params={"method": method, "charset": "utf-8"})
        return mail

    def send(self, message: Outgoing) -> Delivery:
        mail = self.build(message)
        try:
            with smtplib.SMTP(self.server, self.port, timeout=self.timeout) as smtp:
                if self.tls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                refused = smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            raise SendError(f"SMTP refused {error.recipients}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as error:
            raise SendError(f"SMTP {type(error).__name__}: {error}") from None
        if refused:
            raise SendError(f"SMTP refused {refused}", permanent=True)
        return Delivery("SMTP 250 accepted", ref=mail["Message-ID"])


SMS = {"http": HttpGateway, "kavenegar": Kavenegar, "smsir": SmsIr}
MAIL = {"smtp": Smtp}


def backend_name(config, channel: str) -> str:
    name = (config.get("SMS_BACKEND") if channel == "sms" else config.get("MAIL_BACKEND")) or "outbox"
    allowed = SMS_BACKENDS if channel == "sms" else MAIL_BACKENDS
    if name not in allowed:
        raise ValueError(f"unknown {channel} backend {name!r}: one of {', '.join(allowed)}")
    return name


def backend_for(config, channel: str):
    """The backend that delivers ``channel``, or None when it is the outbox itself."""
    name = backend_name(config, channel)
    if name == "outbox":
        return None
    return (SMS if channel == "sms" else MAIL)[name](config)
