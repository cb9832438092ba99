"""An event's messages for its organizers (status, resend, part counts), and a secretary's
"send all our tickets again"."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..accounts.permissions import role_required
from ..events import services as events
from ..events.models import Event
from ..extensions import db
from ..notifications.models import OutboxMessage
from ..persian import to_persian_digits
from . import bp, reminders, services


def _event_for_organizer(event_id) -> Event:
    event = db.get_or_404(Event, event_id)
    if not events.can_manage(current_user, event):
        abort(403 if events.can_view(current_user, event) else 404)
    return event


def _event_for_secretary(event_id) -> Event:
    event = db.get_or_404(Event, event_id)
    if not events.can_view(current_user, event):
        abort(404)
    return event


@bp.route("/events/<id:event_id>/messages")
@role_required("organizer", "admin")
def event_messages(event_id):
    event = _event_for_organizer(event_id)
    messages = services.event_messages(db.session, event)
    return render_template("messages/event_messages.html", event=event, messages=messages,
                           counts=services.status_counts(messages), form=FlaskForm(),
                           costs=services.template_costs(event), organizer=True,
                           reminder_hours=reminders.hours_of(event))


@bp.route("/events/<id:event_id>/reminders", methods=["POST"])
@role_required("organizer", "admin")
def set_reminders(event_id):
    event = _event_for_organizer(event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        reminders.set_hours(event, request.form.get("hours", "")[:60])
    except reminders.ReminderHoursError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for(".event_messages", event_id=event_id))
    db.session.commit()
    hours = reminders.hours_of(event)
    flash("یادآوری‌ها: " + ("، ".join(f"{to_persian_digits(h)} ساعت پیش" for h in hours) or "هیچ")
          + " از آغاز هر روز.", "success")
    return redirect(url_for(".event_messages", event_id=event_id))


@bp.route("/messages/<id:message_id>/resend", methods=["POST"])
@role_required("organizer", "admin")
def resend(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.event_id is None:
        abort(404)
    _event_for_organizer(message.event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.resend_message(db.session, message)
    db.session.commit()
    flash(f"پیام به {message.to} دوباره در صف ارسال است.", "success")
    return redirect(url_for(".event_messages", event_id=message.event_id))


@bp.route("/events/<id:event_id>/my-messages")
@role_required("secretary")
def my_messages(event_id):
    event = _event_for_secretary(event_id)
    messages = services.event_messages(db.session, event, ngo_id=current_user.ngo_id)
    return render_template("messages/event_messages.html", event=event, messages=messages,
                           counts=services.status_counts(messages), form=FlaskForm(),
                           costs=None, organizer=False)


@bp.route("/events/<id:event_id>/tickets/send", methods=["POST"])
@role_required("secretary")
def send_tickets(event_id):
    event = _event_for_secretary(event_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    made = services.send_tickets_again(db.session, event, current_user.ngo_id)
    db.session.commit()
    if made:
        flash(f"{to_persian_digits(len(made))} پیام بلیت در صف ارسال است.", "success")
    else:
        flash("بلیت قطعی‌ای برای فرستادن نیست.", "info")
    return redirect(url_for(".my_messages", event_id=event_id))
