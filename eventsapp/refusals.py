"""Refusals: how services say no.

A service that refuses raises a ``Refusal`` carrying an enum reason (machine-readable, stable
in the API) and a Persian message taken from its domain's mapping. Routes flash the message;
the API answers ``{"error": reason, "message": message}``.
"""
import enum


class Refusal(Exception):
    """Base for every domain's refusal. Subclasses set ``messages`` and ``status``."""

    messages: dict = {}
    status: int = 400

    def __init__(self, reason: enum.Enum, message: str | None = None, **details):
        self.reason = reason
        self.details = details
        template = message or self.messages.get(reason, "درخواست پذیرفته نشد.")
        self.message = template.format(**details) if details else template
        super().__init__(self.message)

    @property
    def code(self) -> str:
        return self.reason.value

    def as_json(self) -> dict:
        out = {"error": self.code, "message": self.message}
        out.update({k: v for k, v in self.details.items() if isinstance(v, (str, int, float, bool))})
        return out


class Access(enum.Enum):
    not_found = "not_found"  # the caller may not know it exists
    forbidden = "forbidden"  # the caller may see it but not do this


class AccessRefusal(Refusal):
    """What every domain's load-and-authorise helper raises, for pages and API alike: 404 for
    what the caller may not know exists, 403 for what they may see but not change."""

    messages = {Access.not_found: "پیدا نشد.", Access.forbidden: "اجازهٔ این کار را ندارید."}

    def __init__(self, reason: Access, message: str | None = None, **details):
        super().__init__(reason, message, **details)
        self.status = 404 if reason is Access.not_found else 403
