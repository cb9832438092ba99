"""Award forms: one award, the same plaque to several NGOs, certificates of attendance,
showing the honoured NGOs on the event page, and revoking with a reason.

Several of these forms share the awards page, so each has its own prefix (``bulk-``, ``one-``,
``cert-``): their fields and labels never clash.
"""
from wtforms import BooleanField, SelectField, SelectMultipleField, TextAreaField

from ..events.models import Official
from ..forms import (BaseForm, CountField, JalaliDateField, TextField, choices, max_length,
                     optional)
from .models import AWARD_KIND_LABELS, AwardKind
from .services import LIMITS, Presenter

OTHER_PRESENTER = "— کس دیگری (نام و سمت را بنویسید) —"


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


def _kind_choices(exclude=()):
    return choices((k.value, label) for k, label in AWARD_KIND_LABELS.items() if k not in exclude)


def official_label(official: Official) -> str:
    return f"{official.name}، {official.title}" if official.title else official.name


class _AwardFields(BaseForm):
    """What every award has: title, text, presenter, date."""

    title = TextField("عنوان", [optional(), max_length(LIMITS["title"])])
    citation = TextAreaField("متن", [optional(), max_length(LIMITS["citation"])])
    presenter = SelectField("اهداکننده", coerce=_int_or_none, validate_choice=False)
    presented_by_name = TextField("نام اهداکننده", [optional(), max_length(LIMITS["presented_by_name"])])
    presented_by_title = TextField("سمت اهداکننده", [optional(), max_length(LIMITS["presented_by_title"])])
    awarded_on = JalaliDateField("تاریخ اهدا", [optional()])

    def fill(self, event, *, fresh: bool, default_date=None):
        """Choices from the event; on a fresh form, its chair presents, on the default date."""
        self.presenter.choices = choices(((o.id, official_label(o)) for o in event.officials),
                                         blank=OTHER_PRESENTER)
        if fresh:
            chair = next((o for o in event.officials if o.role.value == "chair"), None)
            self.presenter.data = chair.id if chair else None
            self.awarded_on.data = default_date

    def presenter_input(self, session) -> Presenter | None:
        """The chosen official (the service checks it is the event's), else a name and title."""
        if self.presenter.data:
            return Presenter(official=session.get(Official, self.presenter.data)
                             or Official(id=self.presenter.data, event_id=None, name=""))
        if self.presented_by_name.data or self.presented_by_title.data:
            return Presenter(name=self.presented_by_name.data or "",
                             title=self.presented_by_title.data or "")
        return None

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if (not self.presenter.data and self.presented_by_title.data
                and not self.presented_by_name.data):
            self.presented_by_name.errors = list(self.presented_by_name.errors) + [
                "نام اهداکننده را هم بنویسید."]
            ok = False
        return ok


class BulkAwardForm(_AwardFields):
    """«اعطای لوح به چند سمن»: the same award, with the same text, to each NGO ticked."""

    ngo_ids = SelectMultipleField("سمن‌های حاضر در رویداد", coerce=int, validate_choice=False)
    other_ngo_ids = SelectMultipleField("سمن‌های دیگر شهرستان", coerce=int, validate_choice=False)
    kind = SelectField("نوع", choices=_kind_choices(exclude=(AwardKind.certificate,)),
                       default=AwardKind.plaque.value)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "bulk")
        super().__init__(*args, **kwargs)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not (self.ngo_ids.data or self.other_ngo_ids.data):
            self.ngo_ids.errors = list(self.ngo_ids.errors) + ["دست‌کم یک سمن را انتخاب کنید."]
            ok = False
        return ok


class AwardForm(_AwardFields):
    """One award: to an NGO, a person, or a person on behalf of an NGO."""

    kind = SelectField("نوع", choices=_kind_choices(), default=AwardKind.plaque.value)
    ngo_id = SelectField("سمن", coerce=_int_or_none, validate_choice=False)
    recipient_name = TextField("نام شخص", [optional(), max_length(LIMITS["recipient_name"])])
    recipient_title = TextField("سمت یا نقش شخص", [optional(), max_length(LIMITS["recipient_title"])])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "one")
        super().__init__(*args, **kwargs)

    def fill_ngos(self, at_event, others):
        groups = {}
        if at_event:
            groups["سمن‌های حاضر در رویداد"] = [(str(e.ngo.id), e.ngo.name) for e in at_event]
        if others:
            groups["سمن‌های دیگر شهرستان"] = [(str(n.id), n.name) for n in others]
        self.ngo_id.choices = {"": [("", "— بدون سمن (فقط شخص) —")], **groups}


class CertificatesForm(_AwardFields):
    """Certificates of attendance for everyone checked in on enough days."""

    min_days = CountField("کمینهٔ روزهای حضور")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cert")
        super().__init__(*args, **kwargs)

    def fill(self, event, *, fresh: bool, default_date=None):
        super().fill(event, fresh=fresh, default_date=default_date)
        if fresh:
            self.min_days.data = len(event.days)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.min_days.data is None and not self.min_days.errors:
            self.min_days.errors = list(self.min_days.errors) + ["تعداد روز را وارد کنید."]
            ok = False
        return ok


class VisibilityForm(BaseForm):
    awards_public = BooleanField("فهرست سمن‌های تقدیرشده در صفحهٔ رویداد دیده شود")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "vis")
        super().__init__(*args, **kwargs)


class RevokeForm(BaseForm):
    # Required by the service (reason_required), which says so in its own words.
    reason = TextField("علت ابطال", [optional(), max_length(LIMITS["reason"])])
