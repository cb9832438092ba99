"""Rendering message texts: SMS kept within its part budget, e-mail as text and RTL HTML."""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from ..notifications import sms
from ..persian import to_persian_digits

# An SMS may take this many parts (UCS-2: 70 characters in one, 67 per part beyond).
SMS_PARTS = {"default": 2}


def sms_link(url: str) -> str:
    """A link as short as phones still open: https:// is dropped (they add it back)."""
    return url[len("https://"):] if url.startswith("https://") else url


def shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[:max(1, n - 1)].rstrip() + "…"


def render_sms(template: str, *, fit=("title", "venue"), max_parts: int = 2, **values) -> str:
    """``messages/<template>.sms.txt``, with the values named in ``fit`` shortened, one after
    the other, until the text fits in ``max_parts``."""
    text = _sms(template, values)
    for key in (fit,) if isinstance(fit, str) else fit:
        full = values.get(key) or ""
        n = len(full)
        while sms.parts(text) > max_parts and n > 8:
            n -= max(1, (sms.units(text) - sms.limit_for(max_parts)) // 2)
            values[key] = shorten(full, n)
            text = _sms(template, values)
    return text


def _sms(name, values) -> str:
    text = render_template(f"messages/{name}.sms.txt", **values)
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


@dataclass
class Mail:
    subject: str
    text: str
    html: str


def render_mail(template: str, *, subject: str, **values) -> Mail:
    text = render_template(f"messages/{template}.mail.txt", **values).strip() + "\n"
    if values.get("optout"):
        text += f"\n--\nبرای نگرفتن پیام‌های بعدی: {values['optout']}\n"
    html = render_template("messages/_mail.html", subject=subject, body=text,
                           action_url=values.get("action_url"),
                           action_label=values.get("action_label"),
                           optout=values.get("optout"))
    return Mail(subject, text, html)


def fa(value) -> str:
    return to_persian_digits(value)
