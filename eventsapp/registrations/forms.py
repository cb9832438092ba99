from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, SelectField

from ..forms import BaseForm, TextField, choices, max_length, optional
from .models import REG_STATUS_LABELS


class AttendeeForm(FlaskForm):
    class Meta:
        csrf = False

    full_name = TextField("نام و نام خانوادگی", [optional(), max_length(120)])
    national_id = TextField("کد ملی", [optional(), max_length(20)],
                            render_kw={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"})
    mobile = TextField("شمارهٔ همراه", [optional(), max_length(20)],
                       render_kw={"inputmode": "tel", "dir": "ltr", "autocomplete": "off",
                                  "placeholder": "09xxxxxxxxx"})
    role = TextField("نقش در سمن", [optional(), max_length(100)], render_kw={"placeholder": "مثلاً دبیر، عضو هیئت‌مدیره"})
    email = TextField("رایانامه (اختیاری)", [optional(), max_length(254)],
                      render_kw={"inputmode": "email", "dir": "ltr", "autocomplete": "off",
                                 "placeholder": "name@example.ir"})

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.full_name, self.national_id, self.mobile,
                                                         self.role, self.email))


class RegisterForm(BaseForm):
    attendees = FieldList(FormField(AttendeeForm), min_entries=3, max_entries=50)

    def filled_rows(self) -> list[tuple[AttendeeForm, dict]]:
        """The rows someone typed in, each with its form (to mark its fields)."""
        return [(a.form, {"full_name": a.form.full_name.data, "national_id": a.form.national_id.data,
                          "mobile": a.form.mobile.data, "role": a.form.role.data,
                          "email": a.form.email.data})
                for a in self.attendees if not a.form.is_blank()]


class RejectForm(BaseForm):
    note = TextField("علت (اختیاری)", [optional(), max_length(300)])


STATUS_CHOICES = choices(((s.value, label) for s, label in REG_STATUS_LABELS.items()), blank="همهٔ وضعیت‌ها")


class FilterForm(BaseForm):
    class Meta:
        csrf = False

    status = SelectField("وضعیت", choices=STATUS_CHOICES, validate_choice=False)
