"""The event form: Jalali days typed in any digits, venue, capacity, audience, officials."""
import re
from datetime import time

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, FieldList, FormField, SelectField, TextAreaField, ValidationError

from ..forms import (BaseForm, ClockField, CountField, JalaliDateField, TextField, choices,
                     max_length, optional, required)
from ..jalali import local_datetime, to_tehran, to_utc
from ..ngos.models import Ngo
from ..persian import to_latin_digits
from ..places.models import County, Province
from .models import (AUDIENCE_LABELS, KIND_LABELS, OFFICIAL_ROLE_LABELS, Audience, Event,
                     EventKind, Occasion, OfficialRole)
from .services import DayInput, EventError, EventInput, OfficialInput, parse_location
from ..dbtypes import persian_order


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class _SubForm(FlaskForm):
    class Meta:
        csrf = False


class DayForm(_SubForm):
    date = JalaliDateField("تاریخ")
    start = ClockField("ساعت آغاز")
    end = ClockField("ساعت پایان")

    def is_blank(self):
        return not any((f.raw_data or [""])[0].strip() for f in (self.date, self.start, self.end))


class OfficialForm(_SubForm):
    name = TextField("نام", [optional(), max_length(150)])
    title = TextField("سمت", [optional(), max_length(250)])
    role = SelectField("نقش", choices=choices((r.value, label) for r, label in OFFICIAL_ROLE_LABELS.items()))


class EventForm(BaseForm):
    body_id = SelectField("نهاد برگزارکننده", coerce=_int_or_none, validate_choice=False)
    kind = SelectField("نوع رویداد", choices=choices((k.value, label) for k, label in KIND_LABELS.items()))
    title = TextField("عنوان", [required(), max_length(250)])
    topic = TextField("موضوع", [optional(), max_length(250)])
    description = TextAreaField("توضیح", [optional(), max_length(5000)])
    days = FieldList(FormField(DayForm), min_entries=1, max_entries=31)
    venue_name = TextField("محل برگزاری", [required(), max_length(200)])
    venue_address = TextField("نشانی", [optional(), max_length(400)])
    venue_location = TextField("موقعیت روی نقشه", [optional(), max_length(500)])
    province_id = SelectField("استان", coerce=_int_or_none, validate_choice=False)
    county_id = SelectField("شهرستان", coerce=_int_or_none, validate_choice=False)
    capacity = CountField("ظرفیت کل (نفر)")
    per_ngo_quota = CountField("سهم هر سمن (نفر)", [optional()])
    registration_opens_date = JalaliDateField("آغاز ثبت‌نام: تاریخ", [optional()])
    registration_opens_time = ClockField("ساعت", [optional()])
    registration_closes_date = JalaliDateField("پایان ثبت‌نام: تاریخ", [optional()])
    registration_closes_time = ClockField("ساعت", [optional()])
    audience = SelectField("مخاطبان", choices=choices((a.value, label) for a, label in AUDIENCE_LABELS.items()))
    audience_province_id = SelectField("استانِ مخاطبان", coerce=_int_or_none, validate_choice=False)
    audience_county_id = SelectField("شهرستانِ مخاطبان", coerce=_int_or_none, validate_choice=False)
    invited = TextAreaField("شماره‌های ثبت سمن‌های دعوت‌شده", [optional(), max_length(20000)])
    requires_approval = BooleanField("ثبت‌نام‌ها پس از تأیید برگزارکننده قطعی شوند")
    occasion_id = SelectField("مناسبت", coerce=_int_or_none, validate_choice=False)
    officials = FieldList(FormField(OfficialForm), min_entries=1, max_entries=30)

    def fill_choices(self, session, provinces, bodies=None):
        place = [(p.id, p.name) for p in provinces]
        self.province_id.choices = choices(place, blank="—")
        self.audience_province_id.choices = choices(place, blank="—")
        self.county_id.choices = choices(self._counties(session, self.province_id.data), blank="—")
        self.audience_county_id.choices = choices(
            self._counties(session, self.audience_province_id.data), blank="—")
        occasions = session.scalars(select(Occasion).where(Occasion.active.is_(True)).order_by(persian_order(Occasion.name)))
        self.occasion_id.choices = choices(((o.id, o.name) for o in occasions), blank="بدون مناسبت")
        if bodies is not None:
            self.body_id.choices = choices(((b.id, b.name) for b in bodies), blank="—")

    @staticmethod
    def _counties(session, province_id):
        if not province_id:
            return []
        return [(c.id, c.name) for c in session.scalars(
            select(County).where(County.province_id == province_id).order_by(persian_order(County.name)))]

    def validate_venue_location(self, field):
        try:
            parse_location(field.data)
        except EventError as refusal:
            raise ValidationError(refusal.message) from None

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        filled = [d for d in self.days if not d.form.is_blank()]
        for day in filled:
            for f in (day.form.date, day.form.start, day.form.end):
                if f.data is None and not f.errors:
                    f.errors = list(f.errors) + ["این خانه را پر کنید."]
                    ok = False
        if not filled:
            self.days[0].form.date.errors = list(self.days[0].form.date.errors) + [
                "دست‌کم یک روز برای رویداد تعیین کنید."]
            ok = False
        if self.capacity.data is None and not self.capacity.errors:
            self.capacity.errors = list(self.capacity.errors) + ["ظرفیت را وارد کنید."]
            ok = False
        for when in ("opens", "closes"):
            d, t = getattr(self, f"registration_{when}_date"), getattr(self, f"registration_{when}_time")
            if t.data is not None and d.data is None and not d.errors:
                d.errors = list(d.errors) + ["تاریخ را هم وارد کنید."]
                ok = False
        return ok

    # A service rule's field (events.services.problems) → this form's field name.
    SERVICE_FIELDS = {"title": "title", "capacity": "capacity", "per_ngo_quota": "per_ngo_quota",
                      "venue.name": "venue_name", "venue.province": "province_id",
                      "venue.county": "county_id", "registration_opens_at": "registration_opens_date",
                      "registration_closes_at": "registration_closes_date",
                      "audience_province": "audience_province_id",
                      "audience_county": "audience_county_id", "invited_ngos": "invited"}

    def mark(self, refusal) -> bool:
        """Puts every rule the service found broken next to its field (an end before the start
        on that day's row); False when one of them has no field here to go to."""
        filled = [d.form for d in self.days if not d.form.is_blank()]
        return self._mark(getattr(refusal, "problems", None) or [refusal], filled)

    def check_rules(self, session, problems_of) -> None:
        """When the form itself has errors: the service's rules too, on what did parse, so that
        every error shows at once (a field that has an error already keeps just that one)."""
        complete = [d.form for d in self.days if not d.form.is_blank()
                    and None not in (d.form.date.data, d.form.start.data, d.form.end.data)]
        try:
            data, _ = self.to_input(session)
        except ValueError:  # a select with a value the form has already refused
            return
        data.days = [DayInput(f.date.data, f.start.data, f.end.data) for f in complete]
        self._mark(problems_of(data), complete, only_new=True)

    def _mark(self, found, days, only_new=False) -> bool:
        officials = [o.form for o in self.officials if (o.form.name.data or o.form.title.data)]
        placed = True
        for problem in found:
            target = self._field_for(problem.details.get("field", ""), days, officials)
            if target is None:
                placed = False
            elif not (only_new and target.errors):
                target.errors = list(target.errors) + [problem.message]
        return placed

    def _field_for(self, path, filled, officials):
        found = re.fullmatch(r"(days|officials)\[(\d+)\]\.(\w+)", path)
        if found:
            rows, index, name = found.groups()
            rows = filled if rows == "days" else officials
            return getattr(rows[int(index)], name, None) if int(index) < len(rows) else None
        if path == "days":
            return (filled[0] if filled else self.days[0].form).date
        name = self.SERVICE_FIELDS.get(path)
        return getattr(self, name) if name else None

    def _location(self):
        try:
            return parse_location(self.venue_location.data)
        except EventError:
            return None  # refused by validate_venue_location already

    def invited_numbers(self) -> list[str]:
        return [n for n in re.split(r"[\s,،؛;]+", to_latin_digits(self.invited.data or "")) if n]

    def to_input(self, session) -> tuple[EventInput, list[str]]:
        """The parsed event, and registration numbers that matched no NGO."""
        def instant(d, t, default):
            return to_utc(local_datetime(d, t or default)) if d else None

        numbers = self.invited_numbers()
        ngos = list(session.scalars(select(Ngo).where(Ngo.registration_no.in_(numbers)))) if numbers else []
        unknown = sorted(set(numbers) - {n.registration_no for n in ngos})
        data = EventInput(
            kind=EventKind(self.kind.data),
            title=self.title.data or "",
            topic=self.topic.data or "",
            description=self.description.data or "",
            venue_name=self.venue_name.data or "",
            venue_address=self.venue_address.data or "",
            venue_location=self._location(),
            province=session.get(Province, self.province_id.data) if self.province_id.data else None,
            county=session.get(County, self.county_id.data) if self.county_id.data else None,
            days=[DayInput(d.form.date.data, d.form.start.data, d.form.end.data)
                  for d in self.days if not d.form.is_blank()],
            capacity=self.capacity.data,
            per_ngo_quota=self.per_ngo_quota.data,
            registration_opens_at=instant(self.registration_opens_date.data,
                                          self.registration_opens_time.data, time(0, 0)),
            registration_closes_at=instant(self.registration_closes_date.data,
                                           self.registration_closes_time.data, time(23, 59)),
            audience=Audience(self.audience.data),
            audience_province=(session.get(Province, self.audience_province_id.data)
                               if self.audience_province_id.data else None),
            audience_county=(session.get(County, self.audience_county_id.data)
                             if self.audience_county_id.data else None),
            invited_ngos=ngos,
            requires_approval=self.requires_approval.data,
            occasion=session.get(Occasion, self.occasion_id.data) if self.occasion_id.data else None,
            officials=[OfficialInput(o.form.name.data, o.form.title.data or "", OfficialRole(o.form.role.data))
                       for o in self.officials if (o.form.name.data or o.form.title.data)],
        )
        return data, unknown

    @classmethod
    def for_event(cls, event: Event) -> "EventForm":
        """A form filled from an existing event (for GET of the edit page)."""
        opens = to_tehran(event.registration_opens_at) if event.registration_opens_at else None
        closes = to_tehran(event.registration_closes_at) if event.registration_closes_at else None
        form = cls(data={
            "body_id": event.body_id, "kind": event.kind.value, "title": event.title,
            "topic": event.topic, "description": event.description,
            "days": [{"date": d.date, "start": d.start_time, "end": d.end_time} for d in event.days],
            "venue_name": event.venue.name, "venue_address": event.venue.address,
            "venue_location": (", ".join(f"{v:g}" for v in event.venue.location)
                               if event.venue.location else ""),
            "province_id": event.venue.province_id, "county_id": event.venue.county_id,
            "capacity": event.capacity, "per_ngo_quota": event.per_ngo_quota,
            "registration_opens_date": opens.date() if opens else None,
            "registration_opens_time": opens.time().replace(tzinfo=None) if opens else None,
            "registration_closes_date": closes.date() if closes else None,
            "registration_closes_time": closes.time().replace(tzinfo=None) if closes else None,
            "audience": event.audience.value,
            "audience_province_id": event.audience_province_id,
            "audience_county_id": event.audience_county_id,
            "invited": "\n".join(i.ngo.registration_no for i in event.invitations),
            "requires_approval": event.requires_approval,
            "occasion_id": event.occasion_id,
            "officials": [{"name": o.name, "title": o.title, "role": o.role.value}
                          for o in event.officials] or [{}],
        })
        return form


class StatusForm(BaseForm):
    reason = TextField("علت (به ثبت‌نام‌کنندگان نشان داده می‌شود)", [optional(), max_length(500)])


class OccasionForm(BaseForm):
    name = TextField("نام مناسبت", [required(), max_length(200)])
    calendar = SelectField("تقویم", choices=choices([("jalali", "هجری شمسی"), ("gregorian", "میلادی")]))
    month = CountField("ماه (عدد)")
    day = CountField("روز")
    length_days = CountField("چند روز", default=1)
    description = TextField("توضیح", [optional(), max_length(500)])
    active = BooleanField("فعال", default=True)
