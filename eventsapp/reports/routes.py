"""Report pages under /reports/ and their CSV/XLSX exports: load the filters, find the user's
scope, bring the attendance facts up to date, call one report service, render or export."""
from dataclasses import dataclass, field

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import exports
from ..accounts.models import OrganizingBody, Role
from ..accounts.permissions import role_required
from ..events import services as events
from ..events.models import KIND_LABELS, Event, EventKind, Occasion
from ..extensions import db
from ..jalali import MAX_YEAR, MIN_YEAR, JalaliError, format_date, parse_date, to_jalali, today
from ..ngos.models import Ngo, NgoStatus
from ..paging import page_arg
from ..persian import to_latin_digits, to_persian_digits
from ..places import services as places
from ..places.models import County
from . import bp, facts, services, tables

PAGE_SIZE = 50


@dataclass
class FilterForm:
    """What the filter form shows back: the values as typed, and the refusals."""

    year: str = ""
    start: str = ""
    end: str = ""
    province: int | None = None
    county: int | None = None
    body: int | None = None
    kind: str = ""
    occasion: int | None = None
    errors: list = field(default_factory=list)


def _int_arg(name):
    text = to_latin_digits(request.args.get(name, "") or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text) or None


def _read_filter(scope) -> tuple[services.ReportFilter, FilterForm]:
    """The report filter from the query string: a Jalali year (any digits) or a date range typed
    in Jalali, province, county, body, kind, occasion. Without any period the current year."""
    form = FilterForm(year=(request.args.get("year") if "year" in request.args else str(to_jalali(today()).year)),
                      start=request.args.get("from", "")[:20], end=request.args.get("to", "")[:20],
                      province=_int_arg("province"), county=_int_arg("county"), body=_int_arg("body"),
                      kind=request.args.get("kind", "")[:20], occasion=_int_arg("occasion"))
    start = end = None
    if form.start or form.end:
        for label, text in (("from", form.start), ("to", form.end)):
            if not text:
                continue
            try:
                day = parse_date(text)
            except JalaliError as exc:
                form.errors.append(f"تاریخ {'آغاز' if label == 'from' else 'پایان'} بازه: {exc.message}")
                continue
            if label == "from":
                start = day
            else:
                end = day
        if start and end and start > end:
            form.errors.append("آغاز بازه پس از پایان آن است.")
            start = end = None
        form.year = ""
    elif form.year:
        year = to_latin_digits(form.year.strip())
        if not year.isascii() or not year.isdigit() or not MIN_YEAR <= int(year[:6]) <= MAX_YEAR:
            form.errors.append(f"سال را شمسی و میان {to_persian_digits(MIN_YEAR)} و "
                               f"{to_persian_digits(MAX_YEAR)} وارد کنید، مانند ۱۴۰۴.")
            form.year = ""
        else:
            start, end = services.jalali_year_range(int(year))
            form.year = year
    kind = EventKind(form.kind) if form.kind in {k.value for k in EventKind} else None
    if form.kind and kind is None:
        form.errors.append("نوع رویداد شناخته نیست.")
        form.kind = ""
    county = db.session.get(County, form.county) if form.county else None
    if county is not None and form.province and county.province_id != form.province:
        form.errors.append("این شهرستان در استان انتخاب‌شده نیست.")
        county, form.county = None, None
    return services.ReportFilter(start=start, end=end, province_id=form.province,
                                 county_id=county.id if county else None, body_id=form.body, kind=kind,
                                 occasion_id=form.occasion), form


def _bodies(scope):
    query = select(OrganizingBody).order_by(OrganizingBody.name)
    if scope.body_id is not None:
        return []
    if scope.province_id is not None:
        query = query.where(OrganizingBody.province_id == scope.province_id)
    return db.session.scalars(query).all()


def _context(scope, f, form, active):
    provinces = places.all_provinces(db.session)
    if scope.province_id:
        provinces = [p for p in provinces if p.id == scope.province_id]
    this_year = to_jalali(today()).year
    return {
        "scope": scope, "f": f, "form": form, "active": active, "provinces": provinces,
        "county_map": places.counties_by_province(db.session),
        "counties": (db.session.scalars(select(County).where(County.province_id == form.province)
                                        .order_by(County.name)).all() if form.province else []),
        "bodies": _bodies(scope), "kinds": KIND_LABELS,
        "occasions": db.session.scalars(select(Occasion).order_by(Occasion.month, Occasion.day)).all(),
        "years": list(range(this_year, this_year - 6, -1)),
        "period": _period_label(f),
        "query": {k: v for k, v in request.args.items() if k != "page"},
    }


def _period_label(f) -> str:
    if f.start and f.end:
        j1, j2 = to_jalali(f.start), to_jalali(f.end)
        if (j1.month, j1.day) == (1, 1) and j1.year == j2.year and j2.month == 12 and j2.day >= 29:
            return f"سال {to_persian_digits(j1.year)}"
        return f"{format_date(f.start, 'medium')} تا {format_date(f.end, 'medium')}"
    if f.start:
        return f"از {format_date(f.start, 'medium')}"
    if f.end:
        return f"تا {format_date(f.end, 'medium')}"
    return "همهٔ سال‌ها"


def _prepare():
    """Scope, fresh facts (committed), filter."""
    scope = services.scope_for(current_user)
    facts.refresh(db.session)
    db.session.commit()
    f, form = _read_filter(scope)
    return scope, f, form


def _render(template, scope, f, form, active, **values):
    status = 400 if form.errors else 200
    return render_template(template, **_context(scope, f, form, active), **values), status


def _export(fmt, name, title, table):
    headers, rows = table
    if fmt == "csv":
        body, mimetype = exports.to_csv(headers, rows), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(headers, rows, title=title, fallback="گزارش")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    stamp = today().isoformat()
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="report-{name}-{stamp}.{fmt}"'})


FORMATS = ("csv", "xlsx")


# --- events per month ------------------------------------------------------------------------

@bp.route("/reports/")
@role_required("organizer", "admin")
def overview():
    scope, f, form = _prepare()
    report = services.events_report(db.session, scope, f)
    ngos, people = services.reached_people(db.session, scope, f)
    return _render("reports/overview.html", scope, f, form, "overview", report=report,
                   ngos_reached=ngos, people_reached=people, month_chart=_month_chart(report),
                   province_chart=_province_chart(report))


def _month_chart(report):
    return {"labels": [m.label for m in report.months],
            "series": [{"label": k.label, "data": [m.by_kind[k].events for m in report.months]} for k in EventKind],
            "rates": [round(m.total.rate * 100, 1) if m.total.rate is not None else None for m in report.months]}


def _province_chart(report):
    return {"labels": [name for name, _ in report.by_province],
            "series": [{"label": "حاضران", "data": [t.attended for _, t in report.by_province]},
                       {"label": "غایبان", "data": [t.no_shows for _, t in report.by_province]}]}


@bp.route("/reports/months.<any(csv, xlsx):fmt>")
@role_required("organizer", "admin")
def months_export(fmt):
    scope, f, _ = _prepare()
    report = services.events_report(db.session, scope, f)
    return _export(fmt, "months", "رویدادها به تفکیک ماه", tables.months_table(report))


@bp.route("/reports/provinces.<any(csv, xlsx):fmt>")
@role_required("organizer", "admin")
def provinces_export(fmt):
    scope, f, _ = _prepare()
    report = services.events_report(db.session, scope, f)
    return _export(fmt, "provinces", "به تفکیک استان", tables.provinces_table(report))


@bp.route("/reports/events")
@role_required("organizer", "admin")
def event_list():
    scope, f, form = _prepare()
    report = services.events_report(db.session, scope, f)
    page = _Page(report.events, page_arg(), PAGE_SIZE)
    return _render("reports/events.html", scope, f, form, "events", report=report, page=page)


@bp.route("/reports/events.<any(csv, xlsx):fmt>")
@role_required("organizer", "admin")
def events_export(fmt):
    scope, f, _ = _prepare()
    report = services.events_report(db.session, scope, f)
    return _export(fmt, "events", "رویدادها", tables.events_table(report))


class _Page:
    """A page of a list already in memory (or of ``total`` rows with ``items`` given)."""

    def __init__(self, items, page, per_page, total=None):
        self.total = len(items) if total is None else total
        self.per_page, self.pages = per_page, max(1, -(-self.total // per_page))
        self.page = min(page, self.pages)
        self.items = items[(self.page - 1) * per_page:self.page * per_page] if total is None else items
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1


# --- reach and the outreach list -------------------------------------------------------------

@bp.route("/reports/reach")
@role_required("organizer", "admin")
def reach():
    scope, f, form = _prepare()
    result = services.reach(db.session, scope, f)
    number = page_arg()
    query = services.never_reached_query(scope, f)
    page = db.paginate(query, page=number, per_page=PAGE_SIZE, error_out=False, count=False)
    page = _Page(list(page.items), page.page, PAGE_SIZE, total=result.never_reached)
    return _render("reports/reach.html", scope, f, form, "reach", result=result, page=page,
                   upcoming=services.upcoming_events(db.session, scope))


@bp.route("/reports/reach.<any(csv, xlsx):fmt>")
@role_required("organizer", "admin")
def reach_export(fmt):
    scope, f, _ = _prepare()
    outreach = db.session.scalars(services.never_reached_query(scope, f)).all()
    return _export(fmt, "outreach", "سمن‌های دیده‌نشده", tables.reach_table(None, outreach))


@bp.route("/reports/reach/invite", methods=["POST"])
@role_required("organizer", "admin")
def invite():
    scope = services.scope_for(current_user)
    facts.refresh(db.session)
    db.session.commit()
    f, form = _read_filter(scope)
    event_id = to_latin_digits(request.form.get("event_id", "")).strip()
    event = db.session.get(Event, int(event_id)) if event_id.isdigit() and len(event_id) < 10 else None
    if event is None or not events.can_manage(current_user, event) or not services.can_see_event(scope, event):
        flash("رویدادی را که برگزارکنندهٔ آن هستید انتخاب کنید.", "error")
        return redirect(url_for(".reach", **request.args))
    try:
        added = services.invite_never_reached(db.session, scope, f, event)
    except services.ReportError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(url_for(".reach", **request.args))
    db.session.commit()
    note = "" if event.audience.value == "invited" else (
        f" مخاطبان این رویداد «{event.audience.label}» است؛ برای آن‌که تنها دعوت‌شدگان ثبت‌نام کنند، "
        "مخاطبان را در ویرایش رویداد «فقط سمن‌های دعوت‌شده» کنید.")
    flash(f"{to_persian_digits(added)} سمن به فهرست دعوت «{event.title}» افزوده شد.{note}", "success")
    return redirect(url_for("events.detail", event_id=event.id))


# --- per NGO ---------------------------------------------------------------------------------

@bp.route("/reports/ngos")
@role_required("organizer", "admin")
def ngos():
    scope, f, form = _prepare()
    number = page_arg()
    total, rows = services.ngo_rows(db.session, scope, f, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    page = _Page(rows, number, PAGE_SIZE, total=total)
    return _render("reports/ngos.html", scope, f, form, "ngos", page=page)


@bp.route("/reports/ngos.<any(csv, xlsx):fmt>")
@role_required("organizer", "admin")
def ngos_export(fmt):
    scope, f, _ = _prepare()
    _, rows = services.ngo_rows(db.session, scope, f)
    return _export(fmt, "ngos", "سمن‌ها", tables.ngos_table(rows))


@bp.route("/reports/ngos/<id:ngo_id>")
@role_required("organizer", "admin")
def ngo_history(ngo_id):
    scope = services.scope_for(current_user)
    ngo = db.get_or_404(Ngo, ngo_id)
    rows = services.ngo_history(db.session, ngo, scope)
    if request.args.get("format") in FORMATS:
        return _export(request.args["format"], f"ngo-{ngo.id}", ngo.name, tables.history_table(rows))
    return render_template("reports/ngo_history.html", ngo=ngo, rows=rows, scope=scope)


@bp.app_template_global()
def ngo_participation(ngo):
    """For the NGO's own pages (``ngos/detail.html``, ``ngos/my_ngo.html``): its history at the
    events the viewer's reports cover (its secretaries: every event), or None for a viewer with
    no reports."""
    if current_user.is_authenticated and current_user.role == Role.secretary:
        if current_user.ngo_id != ngo.id:
            return None
        return services.ngo_history(db.session, ngo, services.Scope())
    try:
        scope = services.scope_for(current_user)
    except services.ReportError:
        return None
    return services.ngo_history(db.session, ngo, scope)


@bp.app_template_global()
def organizer_dashboard():
    """For the organizer's home (``events/organizer_home.html``): upcoming events with seats
    left, today's check-ins, recent registrations and this year's totals, in the user's scope."""
    try:
        scope = services.scope_for(current_user)
    except services.ReportError:
        return None
    return services.dashboard(db.session, scope)


# --- activity --------------------------------------------------------------------------------

@bp.route("/reports/activity", methods=["GET", "POST"])
@role_required("organizer", "admin")
def activity():
    scope, f, form = _prepare()
    if request.method == "POST":
        if current_user.role != Role.admin:
            abort(403)
        numbers = [to_latin_digits(request.form.get(k, "")).strip() for k in ("months", "active_min", "semi_min")]
        try:
            if not all(n.isascii() and n.isdigit() and len(n) < 6 for n in numbers):
                raise services.ReportError(services.ReportReason.bad_settings)
            services.save_settings(db.session, months=int(numbers[0]), active_min=int(numbers[1]),
                                   semi_min=int(numbers[2]), actor=current_user)
        except services.ReportError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
            return redirect(url_for(".activity", **request.args), 303)
        db.session.commit()
        flash("قاعدهٔ فعالیت ذخیره شد.", "success")
        return redirect(url_for(".activity", **request.args), 303)
    result = services.activity(db.session, scope, province_id=f.province_id)
    return _render("reports/activity.html", scope, f, form, "activity", result=result,
                   rule_text=services.activity_rule(result.rule), statuses=list(NgoStatus),
                   activity_chart=_activity_chart(result))


def _activity_chart(result):
    rows = result.provinces
    return {"labels": [r.province for r in rows],
            "series": [{"label": s.label, "data": [r.derived[s] for r in rows]} for s in NgoStatus]}


@bp.route("/reports/activity.<any(csv, xlsx):fmt>")
@role_required("organizer", "admin")
def activity_export(fmt):
    scope, f, _ = _prepare()
    result = services.activity(db.session, scope, province_id=f.province_id)
    return _export(fmt, "activity", "فعالیت سمن‌ها", tables.activity_table(result))


# --- awards ----------------------------------------------------------------------------------

@bp.route("/reports/awards")
@role_required("organizer", "admin")
def awards():
    scope, f, form = _prepare()
    report = services.awards_report(db.session, scope, f)
    return _render("reports/awards.html", scope, f, form, "awards", report=report,
                   award_kinds=services.LABELS["awards"])


@bp.route("/reports/awards.<any(csv, xlsx):fmt>")
@role_required("organizer", "admin")
def awards_export(fmt):
    scope, f, _ = _prepare()
    report = services.awards_report(db.session, scope, f)
    return _export(fmt, "awards", "جوایز", tables.awards_table(report))


# --- the attendance sheet --------------------------------------------------------------------

def _load_event(event_id):
    """404 for an event outside the user's reports (they may not know it exists)."""
    scope = services.scope_for(current_user)
    event = db.session.get(Event, event_id)
    if event is None or not (services.can_see_event(scope, event) or events.can_manage(current_user, event)):
        abort(404)
    return event


@bp.route("/reports/events/<id:event_id>/attendance")
@role_required("organizer", "admin")
def attendance(event_id):
    event = _load_event(event_id)
    days, rows = services.attendance_sheet(db.session, event)
    fmt = request.args.get("format")
    if fmt in FORMATS:
        own = events.can_manage(current_user, event)  # a provincial office's view has no national IDs
        return _export(fmt, f"attendance-{event.id}", event.title,
                       tables.attendance_table(days, rows, national_ids=own))
    present = [sum(1 for r in rows if r.times[i]) for i in range(len(days))]
    return render_template("reports/attendance.html", event=event, days=days, rows=rows, present=present,
                           can_manage=events.can_manage(current_user, event))

