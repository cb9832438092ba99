from wtforms import BooleanField, PasswordField, SelectField, StringField

from ..forms import BaseForm, TextField, choices, max_length, optional, required
from .models import BODY_KIND_LABELS, ROLE_LABELS


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class LoginForm(BaseForm):
    username = StringField("نام کاربری", [required(), max_length(60)])
    password = PasswordField("گذرواژه", [required(), max_length(200)])
    remember = BooleanField("مرا به خاطر بسپار")


class UserForm(BaseForm):
    username = TextField("نام کاربری", [required(), max_length(60)])
    full_name = TextField("نام و نام خانوادگی", [required(), max_length(120)])
    mobile = TextField("شماره همراه", [optional(), max_length(20)])
    role = SelectField("نقش", choices=choices((r.value, label) for r, label in ROLE_LABELS.items()))
    body_id = SelectField("نهاد برگزارکننده", coerce=_int_or_none, validate_choice=False)
    ngo_registration_no = TextField("شماره ثبت سمن (برای دبیر سمن)", [optional(), max_length(30)])
    password = PasswordField("گذرواژه", [optional(), max_length(200)])
    active = BooleanField("فعال", default=True)


class PasswordResetForm(BaseForm):
    password = PasswordField("گذرواژهٔ تازه (خالی بگذارید تا ساخته شود)", [optional(), max_length(200)])


class ChangePasswordForm(BaseForm):
    current = PasswordField("گذرواژهٔ کنونی", [required(), max_length(200)])
    new = PasswordField("گذرواژهٔ تازه", [required(), max_length(200)])


class BodyForm(BaseForm):
    name = TextField("نام نهاد", [required(), max_length(200)])
    kind = SelectField("نوع", choices=choices((k.value, label) for k, label in BODY_KIND_LABELS.items()))
    province_id = SelectField("استان", coerce=_int_or_none, validate_choice=False)
    county_id = SelectField("شهرستان", coerce=_int_or_none, validate_choice=False)
    contact_email = TextField("رایانامهٔ تماس (برگزارکنندهٔ رویدادها در تقویم‌ها؛ اختیاری)",
                              [optional(), max_length(254)])


class TokenForm(BaseForm):
    name = TextField("نام توکن (مثلاً «گوشی درِ ورودی»)", [required(), max_length(100)])


class ConfirmForm(BaseForm):
    """An empty form: a POST button protected by CSRF."""


class ForgotForm(BaseForm):
    username = StringField("نام کاربری", [required(), max_length(60)])
    channel = SelectField("راه فرستادن", choices=choices([("sms", "کد با پیامک به شمارهٔ همراه حساب"),
                                                           ("email", "پیوند با رایانامهٔ حساب")]))


class ResetCodeForm(BaseForm):
    username = StringField("نام کاربری", [required(), max_length(60)])
    code = StringField("کد پیامک‌شده", [required(), max_length(12)])
    password = PasswordField("گذرواژهٔ تازه", [required(), max_length(200)])


class ResetLinkForm(BaseForm):
    password = PasswordField("گذرواژهٔ تازه", [required(), max_length(200)])


class ContactForm(BaseForm):
    mobile = TextField("شمارهٔ همراه", [optional(), max_length(20)])
    email = TextField("رایانامه", [optional(), max_length(254)])
    notify_by = SelectField("پیام‌های من از چه راهی برسد", choices=choices([
        ("sms", "پیامک"), ("email", "رایانامه"), ("both", "هر دو")]))
