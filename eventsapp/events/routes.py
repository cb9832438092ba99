"""Event pages: the public list, month calendar and event page; organizers' forms and actions."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import OrganizingBody, Role
from ..accounts.permissions import public, role_required
from ..extensions import db
from ..jalali import JalaliError, add_months, format_date, format_month, parse_date, to_jalali, today
from ..paging import page_arg
from ..places import services as places
from ..places.models import County
from . import bp, services
from .forms import EventForm, OccasionForm, StatusForm
from .models import KIND_LABELS, Event, EventKind, EventStatus, Occasion
from ..dbtypes import persian_order

PAGE_SIZE = 20


def _int_arg(name):
    value = request.args.get(name, type=int)
    return value if value and value > 0 else None


def _filter_from_args() -> services.EventFilter:
    kind = request.args.get("kind") or None
    return services.EventFilter(
        province_id=_int_arg("province"), county_id=_int_arg("county"),
        kind=EventKind(kind) if kind in {k.value for k in EventKind} else None,
        occasion_id=_int_arg("occasion"))


def _filter_context(f: services.EventFilter) -> dict:
    counties = []
    if f.province_id:
        counties = db.session.scalars(select(County).where(County.province_id == f.province_id)
                                      .order_by(persian_order(County.name))).all()
    return {
        "filters": f,
        "provinces": places.all_provinces(db.session),
        "counties": counties,
        "kinds": KIND_LABELS,
        "occasions": db.session.scalars(select(Occasion).order_by(persian_order(Occasion.name))).all(),
        "county_map": places.counties_by_province(db.session),
    }


@bp.route("/")
@public
def index():
    upcoming = db.session.scalars(services.public_events(since=today()).limit(6)).all()
    return render_template("public/index.html", today=today(), events=upcoming)


@bp.route("/events/")
@public
def listing():
    f = _filter_from_args()
    past = request.args.get("past") == "1"
    query = services.public_events(f, since=None if past else today())
    if past:
        query = query.where(Event.ends_on < today()).order_by(None).order_by(Event.starts_on.desc())
    page = db.paginate(query, page=page_arg(),
                       per_page=PAGE_SIZE, error_out=False)
    return render_template("events/list.html", page=page, past=past, **_filter_context(f))


@bp.route("/events/calendar")
@public
def calendar():
    current = to_jalali(today())
    jy = request.args.get("y", type=int) or current.year
    jm = request.args.get("m", type=int) or current.month
    if not (1300 <= jy <= 1500 and 1 <= jm <= 12):
        jy, jm = current.year, current.month
    f = _filter_from_args()
    weeks = services.month_calendar(db.session, jy, jm, f)
    prev_y, prev_m = add_months(jy, jm, -1)
    next_y, next_m = add_months(jy, jm, 1)
    return render_template("events/calendar.html", weeks=weeks, title=format_month(jy, jm),
                           jy=jy, jm=jm, prev=(prev_y, prev_m), next=(next_y, next_m),
                           today=today(), **_filter_context(f))


def _load(event_id) -> Event:
    event = db.get_or_404(Event, event_id)
    if not services.can_view(current_user, event):
        abort(404)
    return event


@bp.route("/events/<id:event_id>")
@public
def detail(event_id):
    event = _load(event_id)
    return render_template("events/detail.html", event=event,
                           can_manage=services.can_manage(current_user, event),
                           closes_at=services.registration_closes_at(event),
                           status_form=StatusForm(), transitions=services.TRANSITIONS[event.status],
                           started=services.has_started(event))


# --- organizers ----------------------------------------------------------------------------

@bp.route("/organizer/")
@role_required("organizer")
def organizer_home():
    events = db.session.scalars(services.body_events(current_user.body_id)).all()
    return render_template("events/organizer_home.html", events=events, today=today())


def _bodies_for(user):
    if user.role == Role.admin:
        return db.session.scalars(select(OrganizingBody).order_by(persian_order(OrganizingBody.name))).all()
    return None


def _render_form(form, event=None, status=200):
    """A form coming back after a refusal shows just the days that were filled in; a fresh one
    (or an event's) has a spare empty day row, so that a second day can be added without
    JavaScript."""
    if request.method == "POST":
        kept = [d for d in form.days if not d.form.is_blank()] or form.days.entries[:1]
        form.days.entries = kept
    else:
        wanted = min(form.days.max_entries, max(2, len(form.days.entries) + 1))
        while len(form.days) < wanted:
            form.days.append_entry()
    return render_template("events/form.html", form=form, event=event,
                           county_map=places.counties_by_province(db.session)), status


def _flash_warnings(conflicts):
    for conflict in conflicts:
        flash("هشدار: " + conflict.message, "warning")


@bp.route("/events/new", methods=["GET", "POST"])
@role_required("organizer", "admin")
def create():
    form = EventForm()
    bodies = _bodies_for(current_user)
    if request.method == "GET" and current_user.body and current_user.body.province_id:
        form.province_id.data = current_user.body.province_id
        form.county_id.data = current_user.body.county_id
    form.fill_choices(db.session, places.all_provinces(db.session), bodies)
    if not form.validate_on_submit():
        if request.method == "POST":
            form.check_rules(db.session, services.problems)
        return _render_form(form, status=400 if request.method == "POST" else 200)
    body = current_user.body if bodies is None else db.session.get(OrganizingBody, form.body_id.data or 0)
    if body is None:
        form.body_id.errors = ["نهاد برگزارکننده را انتخاب کنید."]
        return _render_form(form, status=400)
    data, unknown = form.to_input(db.session)
    if unknown:
        form.invited.errors = [f"این شماره‌ها به هیچ سمنی نمی‌خورد: {'، '.join(unknown)}"]
        return _render_form(form, status=400)
    try:
        event, conflicts = services.create_event(db.session, body, data, actor=current_user)
    except services.EventError as refusal:
        db.session.rollback()
        if not form.mark(refusal):
            flash(refusal.message, "error")
        return _render_form(form, status=400)
    db.session.commit()
    flash("رویداد به صورت پیش‌نویس ذخیره شد. پس از بازبینی، آن را منتشر کنید.", "success")
    _flash_warnings(conflicts)
    return redirect(url_for(".detail", event_id=event.id))


def _load_managed(event_id) -> Event:
    event = db.get_or_404(Event, event_id)
    if not services.can_manage(current_user, event):
        abort(403 if services.can_view(current_user, event) else 404)
    return event


@bp.route("/events/<id:event_id>/edit", methods=["GET", "POST"])
@role_required("organizer", "admin")
def edit(event_id):
    event = _load_managed(event_id)
    form = EventForm() if request.method == "POST" else EventForm.for_event(event)
    form.fill_choices(db.session, places.all_provinces(db.session))
    if event.status not in services.EDITABLE:
        flash(services.EventError(services.EventReason.not_editable, status=event.status.label).message, "error")
        return redirect(url_for(".detail", event_id=event.id))
    if not form.validate_on_submit():
        if request.method == "POST":
            form.check_rules(db.session, services.problems)
        return _render_form(form, event, status=400 if request.method == "POST" else 200)
    data, unknown = form.to_input(db.session)
    if unknown:
        form.invited.errors = [f"این شماره‌ها به هیچ سمنی نمی‌خورد: {'، '.join(unknown)}"]
        return _render_form(form, event, status=400)
    try:
        conflicts = services.update_event(db.session, event, data)
    except services.EventError as refusal:
        db.session.rollback()
        if not form.mark(refusal):
            flash(refusal.message, "error")
        return _render_form(form, event, status=400)
    db.session.commit()
    flash("تغییرات ذخیره شد.", "success")
    _flash_warnings(conflicts)
    return redirect(url_for(".detail", event_id=event.id))


STATUS_DONE = {
    EventStatus.published: "رویداد منتشر شد و برای همه دیده می‌شود.",
    EventStatus.postponed: "رویداد به تعویق افتاد.",
    EventStatus.cancelled: "رویداد لغو شد.",
    EventStatus.completed: "رویداد برگزارشده ثبت شد.",
}


@bp.route("/events/<id:event_id>/status/<target>", methods=["POST"])
@role_required("organizer", "admin")
def change_status(event_id, target):
    event = _load_managed(event_id)
    if target not in {s.value for s in EventStatus}:
        abort(404)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(event, EventStatus(target), reason=form.reason.data or "")
        except services.EventError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(STATUS_DONE[EventStatus(target)], "success")
    else:
        flash("درخواست نامعتبر است؛ صفحه را دوباره باز کنید.", "error")
    return redirect(url_for(".detail", event_id=event.id))


@bp.route("/events/occasions-near")
@role_required("organizer", "admin")
def occasions_near():
    """Occasions near a typed Jalali date, for the event form's suggestions."""
    try:
        d = parse_date(request.args.get("date", ""))
    except JalaliError as error:
        return jsonify({"error": error.reason, "message": error.message, "occasions": []}), 400
    return jsonify({"occasions": [
        {"id": o.occasion.id, "name": o.occasion.name, "start": format_date(o.start, "medium"),
         "end": format_date(o.end, "medium"), "contains": o.contains(d)}
        for o in services.occasions_near(db.session, d)]})


# --- admins: occasions -------------------------------------------------------------------

@bp.route("/admin/occasions")
@role_required("admin")
def occasions():
    items = db.session.scalars(select(Occasion).order_by(Occasion.calendar, Occasion.month, Occasion.day)).all()
    jy = to_jalali(today()).year
    spans = {o.id: services.occasion_span(o, jy) for o in items}
    return render_template("events/occasions.html", occasions=items, spans=spans, jy=jy)


@bp.route("/admin/occasions/new", methods=["GET", "POST"], defaults={"occasion_id": None})
@bp.route("/admin/occasions/<id:occasion_id>", methods=["GET", "POST"])
@role_required("admin")
def occasion_edit(occasion_id):
    occasion = db.get_or_404(Occasion, occasion_id) if occasion_id else None
    form = OccasionForm(obj=occasion)
    if request.method == "GET" and occasion:
        form.calendar.data = occasion.calendar.value
    if form.validate_on_submit():
        try:
            services.save_occasion(db.session, occasion, name=form.name.data,
                                   calendar=form.calendar.data, month=form.month.data,
                                   day=form.day.data, length_days=form.length_days.data,
                                   description=form.description.data or "",
                                   active=form.active.data)
        except services.EventError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash("مناسبت ذخیره شد.", "success")
            return redirect(url_for(".occasions"))
    return render_template("events/occasion_form.html", form=form, occasion=occasion)
