"""One append-only table: ``audit_entries``."""
import enum

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..jalali import utcnow


class Action(str, enum.Enum):
    """What was done. The value is stable (the API answers it); its part before the dot is the
    type of the object it was done to."""

    user_create = "user.create"
    user_edit = "user.edit"
    user_password = "user.password"
    token_create = "token.create"
    token_revoke = "token.revoke"
    device_create = "device.create"
    device_revoke = "device.revoke"
    body_create = "body.create"
    body_edit = "body.edit"
    occasion_create = "occasion.create"
    occasion_edit = "occasion.edit"
    event_settings = "event.settings"
    ngo_create = "ngo.create"
    ngo_edit = "ngo.edit"
    ngo_contact = "ngo.contact"
    ngo_secretary = "ngo.secretary"
    ngo_import = "ngo.import"
    claim_submit = "claim.submit"
    claim_approve = "claim.approve"
    claim_reject = "claim.reject"
    event_create = "event.create"
    event_edit = "event.edit"
    event_publish = "event.publish"
    event_cancel = "event.cancel"
    event_postpone = "event.postpone"
    event_complete = "event.complete"
    registration_create = "registration.create"
    registration_cancel = "registration.cancel"
    registration_approve = "registration.approve"
    registration_reject = "registration.reject"
    registration_promote = "registration.promote"
    checkin_manual = "checkin.manual"
    checkin_undo = "checkin.undo"
    award_issue = "award.issue"
    award_revoke = "award.revoke"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]

    @property
    def object_type(self) -> str:
        return self.value.split(".", 1)[0]


ACTION_LABELS = {
    Action.user_create: "ساخت کاربر",
    Action.user_edit: "ویرایش کاربر",
    Action.user_password: "تغییر گذرواژه",
    Action.token_create: "ساخت توکن API",
    Action.token_revoke: "باطل کردن توکن API",
    Action.device_create: "ساخت دستگاه پذیرش",
    Action.device_revoke: "باطل کردن دستگاه پذیرش",
    Action.body_create: "ساخت نهاد برگزارکننده",
    Action.body_edit: "ویرایش نهاد برگزارکننده",
    Action.occasion_create: "ساخت مناسبت",
    Action.occasion_edit: "ویرایش مناسبت",
    Action.event_settings: "تغییر تنظیمات رویداد",
    Action.ngo_create: "ثبت سمن",
    Action.ngo_edit: "ویرایش سمن",
    Action.ngo_contact: "ویرایش نشانی و تماس سمن",
    Action.ngo_secretary: "ساخت دبیر سمن",
    Action.ngo_import: "درون‌ریزی فهرست سمن‌ها",
    Action.claim_submit: "درخواست دبیری سمن",
    Action.claim_approve: "پذیرش درخواست دبیری",
    Action.claim_reject: "رد درخواست دبیری",
    Action.event_create: "ساخت رویداد",
    Action.event_edit: "ویرایش رویداد",
    Action.event_publish: "انتشار رویداد",
    Action.event_cancel: "لغو رویداد",
    Action.event_postpone: "تعویق رویداد",
    Action.event_complete: "برگزارشده",
    Action.registration_create: "ثبت‌نام",
    Action.registration_cancel: "لغو ثبت‌نام",
    Action.registration_approve: "تأیید ثبت‌نام",
    Action.registration_reject: "رد ثبت‌نام",
    Action.registration_promote: "آمدن از فهرست انتظار",
    Action.checkin_manual: "پذیرش دستی",
    Action.checkin_undo: "لغو ورود",
    Action.award_issue: "اهدای جایزه",
    Action.award_revoke: "ابطال جایزه",
}

class ObjectType(str, enum.Enum):
    """The types of object an entry can be about (the part of an action before its dot)."""

    user = "user"
    token = "token"
    device = "device"
    body = "body"
    occasion = "occasion"
    ngo = "ngo"
    claim = "claim"
    event = "event"
    registration = "registration"
    checkin = "checkin"
    award = "award"


OBJECT_TYPE_LABELS = {
    "user": "کاربر",
    "token": "توکن API",
    "device": "دستگاه پذیرش",
    "body": "نهاد برگزارکننده",
    "occasion": "مناسبت",
    "ngo": "سمن",
    "claim": "درخواست دبیری",
    "event": "رویداد",
    "registration": "ثبت‌نام",
    "checkin": "ورود",
    "award": "جایزه",
}


class AuditEntry(db.Model):
    """Who did what to which object, when; ``before``/``after`` hold only the fields that
    changed. The actor's name and the object's label are kept as text, as they were then, so
    an entry reads the same whatever happens to the rows later (no foreign keys)."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_body_at", "body_id", "at"),
        Index("ix_audit_entries_event_at", "event_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str] = mapped_column(String(150), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_label: Mapped[str] = mapped_column(String(250), default="")
    # Scopes: the organizing body whose organizers see the entry, and the event it belongs to.
    body_id: Mapped[int | None] = mapped_column(Integer)
    event_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    @property
    def actor(self) -> dict:
        return {"id": self.actor_id, "name": self.actor_name}

    @property
    def action_enum(self) -> Action | None:
        try:
            return Action(self.action)
        except ValueError:
            return None

    @property
    def action_label(self) -> str:
        action = self.action_enum
        return action.label if action else self.action

    @property
    def object_type_label(self) -> str:
        return OBJECT_TYPE_LABELS.get(self.object_type, self.object_type)


# The trigger that keeps the table append-only (the migration has its own copy, as it was).
APPEND_ONLY_MESSAGE = "audit entries are append-only"
TRIGGERS = {
    "sqlite": {
        "create": [
            "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
            "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END",
        ],
        "drop": ["DROP TRIGGER IF EXISTS audit_entries_no_update",
                 "DROP TRIGGER IF EXISTS audit_entries_no_delete"],
    },
    "postgresql": {
        "create": [
            "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege'; "
            "END $$",
            "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
            "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
            "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
        ],
        "drop": ["DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
                 "DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries",
                 "DROP FUNCTION IF EXISTS audit_entries_append_only()"],
    },
}
