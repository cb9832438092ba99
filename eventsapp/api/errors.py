"""API errors: every 4xx/5xx under /api/ is ``{"error": "<reason>", "message": "<Persian>", …}``.

One schema (``ErrorSchema``) documents the body of every error status; the extras it lists are
the only ones an answer carries besides what a domain's refusal adds (``details`` of a
``Refusal``, documented there as further properties).
"""
from flask import jsonify

from .schema import Schema, fields, validation_error


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, **extra):
        super().__init__(message)
        self.status, self.error, self.message, self.extra = status, error, message, extra

    def response(self):
        body = {"error": self.error, "message": self.message, **self.extra}
        return jsonify(body), self.status


class ErrorSchema(Schema):
    class Meta:
        unknown = "include"  # a refusal may add its details (documented as further properties)

    error = fields.String(required=True, metadata={"description": "reason, a stable enum value"})
    message = fields.String(required=True, metadata={"description": "Persian message for people"})
    field = fields.String(metadata={"description": "the refused field's path, as `days[0].date`"})
    fields_ = fields.Dict(data_key="fields", keys=fields.String(), values=fields.String(),
                          metadata={"description": "a Persian sentence for every refused field"})
    retry_after = fields.Integer(metadata={"description": "seconds to wait (429)"})


# Status → (reason, Persian message) for errors raised outside our code (404, 405, …).
HTTP_ERRORS = {
    400: ("bad_request", "درخواست نامعتبر است."),
    401: ("unauthorized", "توکن معتبر فرستاده نشده است."),
    403: ("forbidden", "اجازهٔ این کار را ندارید."),
    404: ("not_found", "پیدا نشد."),
    405: ("method_not_allowed", "این روش درخواست برای این نشانی پذیرفته نیست."),
    413: ("too_large", "حجم درخواست بیش از اندازه است."),
    415: ("unsupported_media_type", "بدنهٔ درخواست باید JSON باشد."),
    429: ("rate_limited", "درخواست‌ها بیش از اندازه است؛ کمی بعد دوباره بفرستید."),
    500: ("server_error", "خطای داخلی رخ داد؛ دوباره امتحان کنید."),
}


def http_error_response(exc_or_status):
    """The JSON answer for an HTTP error: a schema's refusal (webargs puts its messages in
    ``exc.data``) names the field; any other status gets its reason and Persian sentence."""
    status = getattr(exc_or_status, "code", exc_or_status) or 500
    data = getattr(exc_or_status, "data", None) or {}
    if "messages" in data:
        return jsonify(validation_error(data["messages"])), status
    error, message = HTTP_ERRORS.get(status, HTTP_ERRORS[500] if status >= 500 else HTTP_ERRORS[400])
    description = getattr(exc_or_status, "description", None)
    if status == 400 and isinstance(description, str) and not description.isascii():
        error, message = "invalid_json", description  # the request class's Persian sentence
    body, status = ApiError(status, error, message).response()
    allowed = getattr(exc_or_status, "valid_methods", None)
    if allowed:
        body.headers["Allow"] = ", ".join(allowed)  # a 405 names what the address takes
    return body, status


def errors(described: dict):
    """Documents the error statuses an endpoint answers besides the token's 401/403, each with
    its meaning and the error body ({status: meaning}); no wrapper per status at run time."""
    from . import bp

    def decorate(view):
        for status, text in described.items():
            view._apidoc = bp.alt_response(status, schema=ErrorSchema, description=text)(view)._apidoc
        return view
    return decorate


def answers(meanings: dict, *statuses, **descriptions):
    """``errors`` for the ``statuses`` a module describes once (``meanings``), ``s404=…`` for
    an endpoint's own wording."""
    return errors({s: descriptions.get(f"s{s}", meanings[s]) for s in statuses})
