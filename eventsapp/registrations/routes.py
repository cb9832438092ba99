"""Registration pages: a secretary registers members and manages them; organizers review,
approve, export."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.permissions import role_required
from ..events import services as events
from ..events.models import Event, EventStatus
from ..extensions import begin_write, db
from ..jalali import today, utcnow
from ..ngos.models import Ngo
from ..paging import page_arg
from ..persian import sort_key, to_persian_digits
from . import access, bp, exports, services
from .forms import RegisterForm, RejectForm
from .models import RegStatus, Registration
from ..dbtypes import persian_order

PAGE_SIZE = 50


def _summary(regs) -> str:
    counts = {}
    for r in regs:
        counts[r.status] = counts.get(r.status, 0) + 1
    parts = [f"{to_persian_digits(n)} نفر {s.label}" for s, n in counts.items()]
    return "ثبت‌نام انجام شد: " + "، ".join(parts) + "."


# --- secretaries ---------------------------------------------------------------------------

@bp.route("/secretary/")
@role_required("secretary")
def secretary_home():
    ngo = current_user.ngo
    upcoming = db.session.scalars(events.public_events(since=today())
                                  .where(Event.status == EventStatus.published)).all()
    open_events = [e for e in upcoming if services.in_audience(e, ngo)]
    mine = db.session.scalars(
        select(Registration).where(Registration.ngo_id == ngo.id)
        .options(selectinload(Registration.event).selectinload(Event.days))
        .order_by(Registration.id.desc()).limit(200)).all()
    by_event = {}
    for reg in mine:
        by_event.setdefault(reg.event, []).append(reg)
    return render_template("registrations/secretary_home.html", ngo=ngo, open_events=open_events,
                           by_event=by_event)


@bp.route("/events/<id:event_id>/register", methods=["GET", "POST"])
@role_required("secretary")
def register(event_id):
    event = access.event_for(current_user, event_id)
    ngo = current_user.ngo
    form = RegisterForm()
    status = 200
    if form.validate_on_submit():
        rows = form.filled_rows()
        problems = services.attendee_problems([person for _, person in rows])
        if problems:
            for index, found in problems.items():  # every bad field marked at once
                for name, refusal in found:
                    getattr(rows[index][0], name).errors.append(refusal.message)
            flash("برخی خانه‌ها نادرست است؛ خانه‌های نشان‌داده‌شده را درست کنید.", "error")
            status = 400
        else:
            begin_write(db.session)
            event = db.session.get(Event, event_id)
            try:
                made = services.register(db.session, event, db.session.get(Ngo, ngo.id),
                                         [person for _, person in rows], actor=current_user)
            except services.RegistrationError as refusal:
                db.session.rollback()
                flash(refusal.message, "error")
                status = 400
            else:
                db.session.commit()
                flash(_summary(made), "success")
                return redirect(url_for(".my_registrations", event_id=event_id))
    elif form.is_submitted():
        status = 400
    try:
        services.check_open(event, utcnow())
        closed = None
    except services.RegistrationError as refusal:
        closed = refusal.message
    used = services.active_count(db.session, event, ngo.id)
    return render_template("registrations/register.html", event=event, form=form, ngo=ngo,
                           closed=closed,
                           used=used, seats_left=services.seats_left(event),
                           in_audience=services.in_audience(event, ngo),
                           closes_at=events.registration_closes_at(event)), status


@bp.route("/events/<id:event_id>/my-registrations")
@role_required("secretary")
def my_registrations(event_id):
    event = access.event_for(current_user, event_id)
    regs = db.session.scalars(services.registrations_query(
        event, services.RegFilter(ngo_id=current_user.ngo_id))).all()
    return render_template("registrations/my_registrations.html", event=event, regs=regs,
                           confirm=RejectForm())


@bp.route("/registrations/<id:reg_id>/cancel", methods=["POST"])
@role_required("secretary", "organizer", "admin")
def cancel(reg_id):
    access.registration_for(current_user, reg_id)
    if not RejectForm().validate_on_submit():
        abort(400)
    begin_write(db.session)
    reg = db.session.get(Registration, reg_id)
    try:
        promoted = services.cancel(db.session, reg, actor=current_user)
    except services.RegistrationError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        note = f" {promoted[0].full_name} از فهرست انتظار جای او را گرفت." if promoted else ""
        flash(f"ثبت‌نام «{reg.full_name}» لغو شد.{note}", "success")
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for(".my_registrations", event_id=reg.event_id))


# --- organizers ----------------------------------------------------------------------------

def _filter() -> services.RegFilter:
    status = request.args.get("status") or ""
    return services.RegFilter(
        status=RegStatus(status) if status in {s.value for s in RegStatus} else None,
        ngo_id=request.args.get("ngo", type=int) or None,
        q=(request.args.get("q") or "").strip()[:100])


@bp.route("/events/<id:event_id>/registrations")
@role_required("organizer", "admin")
def event_registrations(event_id):
    event = access.event_for(current_user, event_id, manage=True)
    f = _filter()
    query = services.registrations_query(event, f)
    page = db.paginate(query, page=page_arg(),
                       per_page=PAGE_SIZE, error_out=False)
    counts = services.status_counts(db.session, event)
    ngo_ids = db.session.scalars(select(Registration.ngo_id).where(Registration.event_id == event.id).distinct())
    ngos = db.session.scalars(select(Ngo).where(Ngo.id.in_(list(ngo_ids))).order_by(persian_order(Ngo.name))).all()
    return render_template("registrations/event_registrations.html", event=event, page=page,
                           counts=counts, filters=f, ngos=ngos, form=RejectForm(),
                           can_fill=event.confirmed_count < event.capacity and counts[RegStatus.waitlisted] > 0)


@bp.route("/registrations/<id:reg_id>/<action>", methods=["POST"])
@role_required("organizer", "admin")
def decide(reg_id, action):
    if action not in ("approve", "reject"):
        abort(404)
    access.registration_for(current_user, reg_id, manage=True)
    form = RejectForm()
    if not form.validate_on_submit():
        abort(400)
    begin_write(db.session)
    reg = db.session.get(Registration, reg_id)
    try:
        if action == "approve":
            services.approve(db.session, reg, actor=current_user)
        else:
            services.reject(db.session, reg, note=form.note.data or "", actor=current_user)
    except services.RegistrationError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        db.session.commit()
        flash(f"«{reg.full_name}»: {reg.status.label}.", "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for(".event_registrations", event_id=reg.event_id))


@bp.route("/events/<id:event_id>/registrations/fill", methods=["POST"])
@role_required("organizer", "admin")
def fill_waitlist(event_id):
    access.event_for(current_user, event_id, manage=True)
    if not RejectForm().validate_on_submit():
        abort(400)
    begin_write(db.session)
    promoted = services.fill_from_waitlist(db.session, db.session.get(Event, event_id),
                                           actor=current_user)
    db.session.commit()
    flash(f"{to_persian_digits(len(promoted))} نفر از فهرست انتظار قطعی شدند.", "success")
    return redirect(url_for(".event_registrations", event_id=event_id))


@bp.route("/events/<id:event_id>/registrations.<fmt>")
@role_required("organizer", "admin")
def export(event_id, fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    event = access.event_for(current_user, event_id, manage=True)
    regs = db.session.scalars(services.registrations_query(event, _filter())).all()
    regs.sort(key=lambda r: (sort_key(r.ngo.name), sort_key(r.full_name)))  # Persian order
    name = f"registrations-{event.id}.{fmt}"
    if fmt == "csv":
        body, mime = exports.to_csv(regs), "text/csv; charset=utf-8"
    else:
        body, mime = exports.to_xlsx(regs, event.title), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})



