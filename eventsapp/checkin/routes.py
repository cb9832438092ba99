"""Door pages: the scanner, finding people, undo, door staff, scanner devices, live counts."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from wtforms.validators import Optional

from ..accounts.permissions import role_required
from ..api.schema import ValidationError, validation_error
from ..extensions import begin_write, db
from ..forms import BaseForm, CountField, TextField, max_length, required
from ..jalali import utcnow
from ..refusals import Refusal
from . import access, bp, services, throttle
from .schemas import ScannedAttendeeSchema, LiveSchema, PageScanSchema, ScanResultSchema


class StaffForm(BaseForm):
    name = TextField("نام کاربری", [required(), max_length(100)])


class DeviceForm(BaseForm):
    name = TextField("نام دستگاه", [required(), max_length(100)])


class WindowForm(BaseForm):
    before = CountField("از چند دقیقه پیش از آغاز", [Optional()])
    after = CountField("تا چند دقیقه پس از پایان", [Optional()])


def _scan_data() -> dict:
    """The scanner page's check request: a JSON object (anything else is no code), or a form."""
    if not request.is_json:
        return {k: v for k, v in request.form.items() if k in ("code", "gate", "nonce")}
    data = request.get_json()  # bad JSON (deep, a lone surrogate) is a 400 here
    return data if isinstance(data, dict) else {}


@bp.route("/door/")
@role_required("door")
def door_home():
    return render_template("checkin/door_home.html", events=services.staff_events(db.session, current_user))


@bp.route("/events/<id:event_id>/scan")
@role_required("door", "organizer", "admin")
def scan_page(event_id):
    event = access.scannable_event(db.session, current_user, event_id)
    return render_template("checkin/scan.html", event=event, form=BaseForm())


@bp.route("/events/<id:event_id>/scan/check", methods=["POST"])
@role_required("door", "organizer", "admin")
def scan_check(event_id):
    """The scanner page posts here (session + CSRF header): the one scan path of the API
    (``services.scan_now``), with the same per-user rate limits."""
    event = access.scannable_event(db.session, current_user, event_id)
    staff_id, key = current_user.id, f"checkin-user:{current_user.id}"
    by_hand = services.ManualBy(staff_id, current_user.display_name, event.body_id)
    db.session.rollback()  # its reads are over: end them, give the connection back to the pool
    try:
        throttle.before_scan(key)
        scan = PageScanSchema(partial=("code",)).load(_scan_data())
    except BadRequest as exc:
        return jsonify({"error": "invalid_json", "message": exc.description}), 400
    except ValidationError as exc:
        return jsonify(validation_error(exc.messages)), 400
    except Refusal as refusal:
        return jsonify(refusal.as_json()), refusal.status
    result = services.scan_now(db.engine, event_id, scan.get("code", ""), staff_id=staff_id,
                               gate=scan["gate"], nonce=scan["nonce"],
                               manual=by_hand if scan["manual"] else None)
    throttle.after_scan(key, result.verdict)
    return jsonify(ScanResultSchema().dump(result))


@bp.route("/events/<id:event_id>/scan/search")
@role_required("door", "organizer", "admin")
def scan_search(event_id):
    event = access.scannable_event(db.session, current_user, event_id)
    people = services.search_attendees(db.session, event, request.args.get("q", ""))
    return jsonify({"results": [
        {**ScannedAttendeeSchema().dump(services.attendee(r)), "code": r.ticket_code, "national_id_tail": r.national_id[-4:],
         "mobile_tail": r.mobile[-4:]} for r in people]})


@bp.route("/checkins/<id:checkin_id>/undo", methods=["POST"])
@role_required("door", "organizer", "admin")
def undo(checkin_id):
    begin_write(db.session)
    checkin = access.undoable_checkin(db.session, current_user, checkin_id)
    try:
        services.undo(db.session, checkin, user=current_user)
    except services.CheckinError as refusal:
        db.session.rollback()
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return jsonify(refusal.as_json()), refusal.status
        flash(refusal.message, "error")
    else:
        db.session.commit()
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return jsonify({"undone": True, "message": "ورود لغو شد."})
        flash("ورود لغو شد.", "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for(".live", event_id=checkin.event_id))


# --- organizers: door staff, devices, live counts ------------------------------------------

@bp.route("/events/<id:event_id>/door", methods=["GET", "POST"])
@role_required("organizer", "admin")
def door_setup(event_id):
    event = access.managed_event(db.session, current_user, event_id)
    staff_form, device_form = StaffForm(prefix="staff"), DeviceForm(prefix="device")
    new_token = None
    if request.method == "POST":
        action = request.form.get("action")
        try:
            if action == "add_staff" and staff_form.validate_on_submit():
                services.assign_staff(db.session, event, staff_form.name.data)
                flash("به کارکنان پذیرش این رویداد افزوده شد.", "success")
            elif action == "remove_staff" and BaseForm().validate_on_submit():
                row = access.assigned_staff(db.session, current_user, event.id,
                                            request.form.get("user_id", type=int) or 0)
                services.unassign_staff(db.session, event, row.user_id)
                flash("از کارکنان پذیرش برداشته شد.", "success")
            elif action == "add_device" and device_form.validate_on_submit():
                _, new_token = services.create_device(db.session, event, device_form.name.data,
                                                      actor=current_user)
                flash("دستگاه ساخته شد؛ توکن آن را همین حالا در دستگاه وارد کنید.", "success")
                device_form.name.data = ""
            elif action == "revoke_device" and BaseForm().validate_on_submit():
                device = access.managed_device(db.session, current_user,
                                               request.form.get("device_id", type=int) or 0, event)
                services.revoke_device(device, actor=current_user)
                flash("توکن دستگاه باطل شد.", "success")
            elif action == "window":
                window_form = WindowForm()
                window_form.validate()  # checks CSRF; a count it cannot read stays None
                if window_form.errors.get("csrf_token"):
                    flash(window_form.errors["csrf_token"][0], "error")
                else:  # the service refuses a missing or out-of-range count
                    services.set_window(event, window_form.before.data, window_form.after.data,
                                        actor=current_user)
                    flash("بازهٔ پذیرش ذخیره شد.", "success")
            db.session.commit()
        except services.CheckinError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        if new_token is None:
            return redirect(url_for(".door_setup", event_id=event.id))
    staff, devices = services.event_staff(db.session, event), services.event_devices(db.session, event)
    return render_template("checkin/door_setup.html", event=event, staff=staff, devices=devices,
                           staff_form=staff_form, device_form=device_form, form=BaseForm(),
                           new_token=new_token)


@bp.route("/events/<id:event_id>/live")
@role_required("organizer", "admin")
def live(event_id):
    event = access.managed_event(db.session, current_user, event_id)
    return render_template("checkin/live.html", event=event,
                           counts=services.live_counts(db.session, event))


@bp.route("/events/<id:event_id>/live.json")
@role_required("organizer", "admin")
def live_json(event_id):
    event = access.managed_event(db.session, current_user, event_id)
    return jsonify(LiveSchema().dump({"event_id": event.id, **services.live_counts(db.session, event),
                                      "at": utcnow()}))


