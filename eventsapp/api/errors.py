"""API errors: every 4xx/5xx under /api/ is ``{"error": "<reason>", "message": "<Persian>"}``."""
from flask import jsonify, request


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, **extra):
        super().__init__(message)
        self.status, self.error, self.message, self.extra = status, error, message, extra

    def response(self):
        body = {"error": self.error, "message": self.message, **self.extra}
        return jsonify(body), self.status


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


def http_error_response(status: int):
    error, message = HTTP_ERRORS.get(status, HTTP_ERRORS[500] if status >= 500 else HTTP_ERRORS[400])
    return ApiError(status, error, message).response()


def json_body() -> dict:
    """The request's JSON object, or a 400 with a Persian message."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "بدنهٔ درخواست باید یک شیء JSON باشد.")
    return data


def optional_json_body() -> dict:
    """The request's JSON object, or {} when the request has no body at all."""
    if not request.get_data(cache=True):
        return {}
    return json_body()
