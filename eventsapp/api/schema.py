"""What every API schema is made of: fields whose limits are in the OpenAPI document, and
Persian validation messages from one mapping (a field's label + a reason).

A field or validator that refuses a value says only *why*, as a reason key (``reason("too_long",
max=250)``); ``validation_error`` turns the first refusal into the stable error body
``{"error", "message", "field", "fields"}``, with the Persian sentence from ``REASONS`` and the
field's label from ``LABELS``. Domain schemas add their own labels with ``add_labels``.
"""
import datetime as dt
import json
import re

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

from ..jalali import MAX_YEAR, MIN_YEAR, iso_instant, local_datetime, parse_time, to_utc
from ..persian import to_latin_digits, to_persian_digits

MAX_ID = 2**31 - 1  # ids beyond the database's integer exist nowhere
MAX_COUNT = 1_000_000  # capacities, quotas and other counts
MAX_PAGE = 100_000
MAX_PER_PAGE = 100
# reason → (error enum in the answer, Persian sentence). {label} is the field's label.
REASONS = {
    "missing": ("invalid", "{label} را بفرستید."),
    "null": ("invalid", "{label} نمی‌تواند خالی (null) باشد."),
    "unknown_field": ("invalid", "فیلد «{label}» شناخته نیست."),
    "text": ("invalid", "{label} باید متن باشد."),
    "blank": ("invalid", "{label} نمی‌تواند خالی باشد."),
    "too_long": ("invalid", "{label} حداکثر {max} نویسه می‌تواند داشته باشد."),
    "integer": ("invalid", "{label} باید عدد صحیح باشد."),
    "range": ("invalid", "{label} باید عددی از {min} تا {max} باشد."),
    "boolean": ("invalid", "{label} باید true یا false باشد."),
    "choice": ("invalid", "{label} باید یکی از این‌ها باشد: {choices}."),
    "object": ("invalid", "{label} باید یک شیء JSON باشد."),
    "list": ("invalid", "{label} باید یک فهرست (آرایهٔ JSON) باشد."),
    "too_many": ("invalid", "{label} حداکثر {max} مورد می‌تواند داشته باشد."),
    "too_few": ("invalid", "{label} دست‌کم {min} مورد باید داشته باشد."),
    "reference": ("invalid", "{label} را با نام یا شناسه بفرستید."),
    "invalid_date": ("invalid_date", "تاریخ میلادی را به شکل ۲۰۱۹-۰۸-۱۴ وارد کنید."),
    "invalid_time": ("invalid_time", "{label} را به شکل ۰۹:۳۰ بفرستید."),
    "invalid_instant": ("invalid_date", "{label} را به شکل ISO 8601 بفرستید، مانند 2019-08-01T09:00:00+04:30 "
                                        "(بدون اختلاف ساعت، به وقت تهران خوانده می‌شود)."),
    "invalid": ("invalid", "{label} نامعتبر است."),
}

# field path (list indexes dropped) or field name → label. Domains add theirs (add_labels).
LABELS = {
    "page": "شمارهٔ صفحه",
    "per_page": "تعداد در هر صفحه",
    "_schema": "بدنهٔ درخواست",
    "json": "بدنهٔ درخواست",
}


def add_labels(labels: dict) -> None:
    """A domain's field labels, by path ("venue.name") or by name ("title")."""
    LABELS.update(labels)


def reason(key: str, **params) -> str:
    """A validation message that names a reason of ``REASONS`` (and its numbers)."""
    return key if not params else f"{key}|{json.dumps(params, ensure_ascii=False)}"


def _label(path: str) -> str:
    plain = re.sub(r"\[\d+\]", "", path)
    return LABELS.get(plain) or LABELS.get(plain.rsplit(".", 1)[-1]) or plain


def _flatten(messages, prefix=""):
    """webargs/marshmallow messages → [(path, message)], in the order they were found."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "view_args") and not prefix:
                yield from _flatten(value, "")
                continue
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix or "_schema"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            yield from _flatten(value, path)
    elif isinstance(messages, (list, tuple)):
        for item in messages:
            yield from _flatten(item, prefix)
    else:
        yield prefix, str(messages)


def _sentence(path: str, message: str) -> tuple[str, str]:
    key, _, raw = message.partition("|")
    params = json.loads(raw) if raw else {}
    if key not in REASONS:
        key, params = "invalid", {}
    error, template = REASONS[key]
    shown = {k: to_persian_digits(v) if isinstance(v, int) else v for k, v in params.items()}
    return error, template.format(label=_label(path), **shown)


def validation_error(messages) -> dict:
    """The error body for what a schema refused: the first field's reason and sentence, and a
    sentence for every refused field."""
    found = list(_flatten(messages)) or [("_schema", "invalid")]
    sentences = {}
    for path, message in found:
        sentences.setdefault(path, _sentence(path, message)[1])
    field, first = found[0]
    error, message = _sentence(field, first)
    return {"error": error, "message": message, "field": field, "fields": sentences}


# --- the base schema and fields -------------------------------------------------------------

class Schema(ma.Schema):
    """Refuses fields it does not know (the document says ``additionalProperties: false``)."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {"unknown": reason("unknown_field"), "type": reason("object")}


_COMMON = {"required": reason("missing"), "null": reason("null")}


# What the document says of a field is what the field checks: a pattern it documents it also
# matches, so that input valid by the document is never a 400.
# Gregorian years whose Jalali year lies within what jalali.py accepts (a test keeps them together).
MIN_GREGORIAN_YEAR, MAX_GREGORIAN_YEAR = MIN_YEAR + 622, MAX_YEAR + 620
YEARS = "(192[2-9]|19[3-9][0-9]|20[0-9]{2}|21[01][0-9]|2120)"
# JSON Schema's \s (ECMA-262): a text is blank when it has nothing but these.
SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


class Patterned:
    """A field that checks the pattern it documents (a digit of another script, a year outside
    the Jalali calendar here or an hour 25 are outside it)."""

    pattern = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.metadata["pattern"] = self.pattern

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.search(self.pattern, value):
            raise self.make_error(self.mismatch(value))
        return super()._deserialize(value, attr, data, **kwargs)

    def mismatch(self, value) -> str:
        return "invalid"


class Text(Patterned, fields.String):
    """A string of at most ``max`` characters, never with NUL (PostgreSQL's text cannot hold
    it); with ``blank=False`` not only JSON Schema's white space."""

    default_error_messages = {**_COMMON, "invalid": reason("text"), "invalid_utf8": reason("text"),
                              "blank": reason("blank")}

    def __init__(self, max: int | None = None, *, blank: bool = True, **kwargs):
        self.max_length = max
        self.pattern = "^[^\x00]*$" if blank else f"^[^\x00]*[^\x00{SPACE}][^\x00]*$"
        super().__init__(**kwargs)
        if max is not None:
            self.metadata.setdefault("maxLength", max)
        if not blank:
            self.metadata.setdefault("minLength", 1)

    def mismatch(self, value) -> str:
        return "invalid" if not isinstance(value, str) or "\x00" in value else "blank"

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(reason("too_long", max=self.max_length))
        return text


class Integer(fields.Integer):
    """A whole number (JSON integer, not a boolean, not 2.5) within ``min``…``max``."""

    default_error_messages = {**_COMMON, "invalid": reason("integer"), "too_large": reason("integer")}

    def __init__(self, min: int = 0, max: int = MAX_COUNT, **kwargs):
        self.min_value, self.max_value = min, max
        super().__init__(strict=True, **kwargs)
        self.metadata.setdefault("minimum", min)
        self.metadata.setdefault("maximum", max)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if not self.min_value <= number <= self.max_value:
            raise ValidationError(reason("range", min=self.min_value, max=self.max_value))
        return number


class QueryInteger(Integer):
    """An integer in a query string: Persian or Arabic-Indic digits are read too."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.strict = False

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = to_latin_digits(value.strip())
            if not re.fullmatch(r"[+-]?[0-9]{1,12}", value):
                raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def Id(**kwargs) -> Integer:  # noqa: N802 (a field factory)
    """A row id: 1 … 2**31-1."""
    return Integer(min=1, max=MAX_ID, **kwargs)


class Boolean(fields.Boolean):
    """Only JSON true or false."""

    truthy, falsy = {True}, {False}
    default_error_messages = {**_COMMON, "invalid": reason("boolean")}


class Enum(fields.String):
    """One of an enum's values (or of ``allowed``), documented as an enum."""

    default_error_messages = {**_COMMON, "invalid": reason("choice")}

    def __init__(self, enum_cls, *, allowed=None, **kwargs):
        self.enum_cls = enum_cls
        self.allowed = [m.value for m in (allowed or enum_cls)]
        super().__init__(**kwargs)
        self.metadata.setdefault("enum", self.allowed)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else getattr(value, "value", value)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or value not in self.allowed:
            raise ValidationError(reason("choice", choices="، ".join(self.allowed)))
        return self.enum_cls(value)


class Date(Patterned, fields.Field):
    """A Gregorian date as ISO ``YYYY-MM-DD``, within the years the Jalali calendar here covers."""

    default_error_messages = {**_COMMON, "invalid": reason("invalid_date")}
    pattern = f"^{YEARS}-[0-9]{{2}}-[0-9]{{2}}$"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("type", "string")
        self.metadata.setdefault("format", "date")

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value else None

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)  # the form and the year
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # 2019-02-30
            raise self.make_error("invalid") from None


class Time(Patterned, fields.Field):
    """A wall-clock time ``HH:MM`` (Tehran local)."""

    default_error_messages = {**_COMMON, "invalid": reason("invalid_time")}
    pattern = "^([01]?[0-9]|2[0-3])(:[0-5][0-9]){0,2}$"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("type", "string")
        self.metadata.setdefault("example", "09:30")

    def _serialize(self, value, attr, obj, **kwargs):
        return value.strftime("%H:%M") if value else None

    def _deserialize(self, value, attr, data, **kwargs):
        return parse_time(super()._deserialize(value, attr, data, **kwargs))


class Instant(Patterned, fields.Field):
    """An instant: ISO 8601 in (no offset = Tehran time), out to the second with Tehran's offset."""

    default_error_messages = {**_COMMON, "invalid": reason("invalid_instant")}
    pattern = f"^{YEARS}-"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.setdefault("type", "string")
        self.metadata.setdefault("format", "date-time")

    def _serialize(self, value, attr, obj, **kwargs):
        return iso_instant(value)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)  # the year
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise self.make_error("invalid") from None
        if parsed.tzinfo is None:  # no offset: Tehran's wall clock
            return to_utc(local_datetime(parsed.date(), parsed.time()))
        return to_utc(parsed)


class List(fields.List):
    """A JSON array of at most ``max`` items."""

    default_error_messages = {**_COMMON, "invalid": reason("list")}

    def __init__(self, inner, *, max: int, min: int = 0, **kwargs):
        super().__init__(inner, **kwargs)
        self.max_items, self.min_items = max, min
        self.metadata.setdefault("maxItems", max)
        if min:
            self.metadata.setdefault("minItems", min)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and len(value) > self.max_items:
            raise ValidationError(reason("too_many", max=self.max_items))
        if isinstance(value, list) and len(value) < self.min_items:
            raise ValidationError(reason("too_few", min=self.min_items))
        return super()._deserialize(value, attr, data, **kwargs)


class Nested(fields.Nested):
    default_error_messages = {**_COMMON, "type": reason("object")}


class Reference(fields.Field):
    """A row named by its id (an integer) or by its name (a string), such as a province."""

    default_error_messages = {**_COMMON, "invalid": reason("reference")}

    def __init__(self, max: int = 100, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max
        self.metadata.setdefault("oneOf", [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                                           {"type": "string", "maxLength": max}])

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.make_error("invalid")
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise ValidationError(reason("range", min=1, max=MAX_ID))
        if isinstance(value, str) and len(value) > self.max_length:
            raise ValidationError(reason("too_long", max=self.max_length))
        return value


class PageQuery(Schema):
    """``?page=&per_page=`` of every list."""

    class Meta:
        unknown = ma.EXCLUDE  # a query string may carry what a browser or proxy added

    page = QueryInteger(min=1, max=MAX_PAGE, load_default=1)
    per_page = QueryInteger(min=1, max=MAX_PER_PAGE, load_default=20)


class PageSchema(Schema):
    """The paging fields of every list answer."""

    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


__all__ = ["Schema", "Text", "Integer", "QueryInteger", "Id", "Boolean", "Enum", "Date", "Time",
           "Instant", "List", "Nested", "Reference", "PageQuery", "PageSchema", "fields",
           "validate", "ValidationError", "reason", "add_labels", "validation_error", "MAX_ID",
           "MAX_COUNT"]
