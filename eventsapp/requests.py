"""The app's request class: JSON that the database could not store, or that Python cannot
parse without running out of stack, is no JSON at all (a 400 with a Persian message, or
``None`` for ``silent``), never a 500 further on."""
import json

from flask import Request as FlaskRequest
from werkzeug.exceptions import BadRequest

NOT_JSON = "بدنهٔ درخواست JSON درستی نیست (تودرتویی بیش از اندازه یا نویسهٔ نامعتبر)."


class Request(FlaskRequest):
    def get_json(self, force=False, silent=False, cache=True):
        try:
            data = super().get_json(force=force, silent=silent, cache=cache)
            if data is not None and not isinstance(data, (int, float, bool)):
                # A lone surrogate ("\ud800") parses, but no UTF-8 column can hold it.
                json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (RecursionError, UnicodeEncodeError):
            if silent:
                return None
            raise BadRequest(NOT_JSON) from None
        return data
