"""NGO registry forms: the NGO, a secretary's contact details, secretaries, claims, imports."""
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import EqualTo
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import BaseForm, TextField, choices, max_length, optional, required
from .models import CAPACITY_LEVELS, FIELD_LABELS, NGO_STATUS_LABELS


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


FIELD_CHOICES = choices((f.value, label) for f, label in FIELD_LABELS.items())


class NgoForm(BaseForm):
    name = TextField("نام سمن", [required(), max_length(250)])
    registration_no = TextField("شمارهٔ ثبت", [required(), max_length(30)],
                                render_kw={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})
    is_charity = BooleanField("خیریه است")
    fields = CheckboxesField("حوزه‌های فعالیت", choices=FIELD_CHOICES,
                             render_kw={"class": "check-list"})
    province_id = SelectField("استان", coerce=_int_or_none, validate_choice=False)
    county_id = SelectField("شهرستان", coerce=_int_or_none, validate_choice=False)
    address = TextField("نشانی", [optional(), max_length(400)])
    phone = TextField("تلفن", [optional(), max_length(30)],
                      render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"})
    status = SelectField("وضعیت اعلام‌شده",
                         choices=choices((s.value, label) for s, label in NGO_STATUS_LABELS.items()))
    capacity_level = SelectField("سطح توانمندی", coerce=_int_or_none, validate_choice=False,
                                 choices=choices(CAPACITY_LEVELS.items(), blank="نامشخص"))
    notes = TextAreaField("یادداشت (فقط برگزارکنندگان می‌بینند)", [optional(), max_length(5000)])

    def fill_places(self, provinces, counties_of):
        self.province_id.choices = choices(((p.id, p.name) for p in provinces), blank="—")
        self.county_id.choices = choices(
            ((c.id, c.name) for c in counties_of(self.province_id.data)), blank="—")


class ContactForm(BaseForm):
    """What a secretary changes on their own NGO."""

    address = TextField("نشانی", [optional(), max_length(400)])
    phone = TextField("تلفن", [optional(), max_length(30)],
                      render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "off"})
    fields = CheckboxesField("حوزه‌های فعالیت", choices=FIELD_CHOICES,
                             render_kw={"class": "check-list"})


class SecretaryForm(BaseForm):
    username = TextField("نام کاربری", [required(), max_length(60)],
                         render_kw={"dir": "ltr", "autocomplete": "off", "autocapitalize": "none"})
    full_name = TextField("نام و نام خانوادگی", [required(), max_length(120)])
    mobile = TextField("شمارهٔ همراه", [optional(), max_length(20)],
                       render_kw={"dir": "ltr", "inputmode": "tel"})
    password = PasswordField("گذرواژه (خالی بگذارید تا ساخته شود)", [optional(), max_length(200)],
                             render_kw={"dir": "ltr", "autocomplete": "new-password"})


class ClaimForm(BaseForm):
    registration_no = TextField("شمارهٔ ثبت سمن", [required(), max_length(30)],
                                render_kw={"dir": "ltr", "inputmode": "numeric", "autocomplete": "off"})
    full_name = TextField("نام و نام خانوادگی", [required(), max_length(120)],
                          render_kw={"autocomplete": "name"})
    mobile = TextField("شمارهٔ همراه", [required(), max_length(20)],
                       render_kw={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"})
    username = TextField("نام کاربری دلخواه", [required(), max_length(60)],
                         render_kw={"dir": "ltr", "autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("گذرواژه", [required(), max_length(200)],
                             render_kw={"dir": "ltr", "autocomplete": "new-password"})
    password2 = PasswordField("تکرار گذرواژه",
                              [required(), EqualTo("password", message="دو گذرواژه یکی نیستند.")],
                              render_kw={"dir": "ltr", "autocomplete": "new-password"})


class RejectForm(BaseForm):
    note = TextField("علت (اختیاری)", [optional(), max_length(300)])


class ImportForm(BaseForm):
    file = FileField("پروندهٔ CSV یا Excel (xlsx)", [
        FileRequired("پرونده‌ای برگزینید."),
        FileAllowed(["csv", "xlsx", "xls", "txt"], "فقط پروندهٔ CSV یا xlsx پذیرفته می‌شود."),
    ], render_kw={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
