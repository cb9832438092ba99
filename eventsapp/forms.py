"""Form pieces shared by every domain: Persian messages and normalised text fields."""
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, IntegerField, PasswordField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from .jalali import JalaliError, format_date, parse_date, parse_time
from .persian import clean_text, to_latin_digits

REQUIRED = "این خانه را پر کنید."


def required():
    return DataRequired(message=REQUIRED)


def input_required():
    return InputRequired(message=REQUIRED)


def max_length(n: int):
    return Length(max=n, message=f"حداکثر {n} نویسه مجاز است.")


def optional():
    return Optional()


def choices(pairs, blank: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, optionally after a blank option."""
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(value, label) for value, label in pairs]


def _normalize(value):
    return clean_text(value) if isinstance(value, str) else value


class TextField(StringField):
    """A text field whose input is normalised (ی/ک, digits, tatweel, spaces) on the way in."""

    def __init__(self, label=None, validators=None, **kwargs):
        filters = list(kwargs.pop("filters", ())) + [_normalize]
        super().__init__(label, validators, filters=filters, **kwargs)


class JalaliDateField(StringField):
    """A Jalali date typed in any digits (۱۴۰۳/۰۵/۲۳, ١٤٠٣-٥-٢٣, 1403/5/23); ``data`` is a
    Gregorian ``date``. The Jalali picker (data-jdp) helps, but typing always works."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"data-jdp": "", "inputmode": "numeric", "dir": "ltr", "autocomplete": "off",
                     "placeholder": "۱۴۰۵/۰۶/۰۲", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_date(self.data, "input") if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            try:
                self.data = parse_date(text)
            except JalaliError as error:
                raise ValueError(error.message) from None


class ClockField(StringField):
    """A Tehran wall-clock time typed as 9:30, ۰۹:۳۰ or 21; ``data`` is a ``time``."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "dir": "ltr", "autocomplete": "off",
                     "placeholder": "۰۹:۰۰", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            try:
                self.data = parse_time(text)
            except JalaliError as error:
                raise ValueError(error.message) from None


class CountField(IntegerField):
    """A whole number typed in Persian, Arabic-Indic or Latin digits.

    A text input with a numeric keyboard: browsers drop Persian digits typed into a
    type=number input, so that input would leave the field empty.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "dir": "ltr", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            text = to_latin_digits(valuelist[0]).strip().replace(",", "")
            try:
                self.data = int(text)
            except ValueError:
                self.data = None
                raise ValueError("یک عدد درست وارد کنید.") from None
        else:
            self.data = None


class BaseForm(FlaskForm):
    """All forms: CSRF on, Persian CSRF messages."""

    class Meta:
        def get_translations(self, form):
            return PersianTranslations()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Flask-WTF raises its CSRF messages in English, past the translations above.
        csrf_field = self._fields.get("csrf_token")
        if csrf_field is not None and csrf_field.errors:
            csrf_field.errors = [PersianTranslations().gettext(e) for e in csrf_field.errors]
        return ok


class PersianTranslations:
    """WTForms' built-in messages, in Persian."""

    _messages = {
        "The CSRF token is missing.": "نشست شما منقضی شده است؛ صفحه را دوباره باز کنید و بفرستید.",
        "The CSRF token is invalid.": "درخواست نامعتبر است؛ صفحه را دوباره باز کنید و بفرستید.",
        "The CSRF token has expired.": "نشست شما منقضی شده است؛ صفحه را دوباره باز کنید و بفرستید.",
        "The CSRF tokens do not match.": "درخواست نامعتبر است؛ صفحه را دوباره باز کنید و بفرستید.",
        "Not a valid choice.": "گزینهٔ انتخاب‌شده معتبر نیست.",
        "Not a valid integer value.": "یک عدد درست وارد کنید.",
        "Invalid Choice: could not coerce.": "گزینهٔ انتخاب‌شده معتبر نیست.",
        "This field is required.": REQUIRED,
    }

    def gettext(self, string):
        return self._messages.get(string, string)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


__all__ = ["BaseForm", "TextField", "choices", "JalaliDateField", "ClockField", "CountField", "PasswordField", "required", "input_required", "max_length",
           "optional"]


def error_count(form) -> int:
    """How many messages a form's fields hold, rows of its lists included (the banner says how
    many to fix). Counted from the fields, which also hold what a route marked after validation."""
    total = 0
    for field in form:
        if isinstance(field, FormField):
            total += error_count(field.form)
        elif isinstance(field, FieldList):
            total += sum(error_count(entry.form) if isinstance(entry, FormField) else len(entry.errors)
                         for entry in field.entries)
            total += sum(1 for message in field.errors if isinstance(message, str))
        else:
            total += len(field.errors)
    return total
