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
