"""Award pages: an event's awards (give one, give a plaque to several NGOs at once, certificates
of attendance, show or hide the honoured NGOs, revoke, export), printable certificates, and
the public verification page.

Views load (404), authorise (403), call one service, commit once. Template helpers let other
domains' pages show awards from an event or NGO object alone: ``event_awards_panel(event)``,
``ngo_awards(ngo)``, and the ``award_code`` filter.
"""
from types import SimpleNamespace

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from ..accounts.permissions import public, role_required
from ..events import services as events
from ..events.models import Event
from ..extensions import begin_write, db, limiter
from ..ngos.models import Ngo
from ..persian import to_persian_digits
from ..registrations.qr import qr_svg_markup
from . import bp, services
from .forms import AwardForm, BulkAwardForm, CertificatesForm, RevokeForm, VisibilityForm
from .links import verify_url
from .models import AWARD_KIND_LABELS, Award, AwardKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fa(n) -> str:
    return to_persian_digits(n)


def _managed(event_id) -> Event:
    return services.managed_event(db.session, current_user, event_id)


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def _ids_arg(name: str) -> list[int]:
    out = []
    for part in (request.args.get(name) or "").split(","):
        if part.strip().isdigit() and 0 < int(part) < 2**31:
            out.append(int(part))
    return out[:1000]


# --- the event's awards page --------------------------------------------------------------------

def _page(event: Event, *, bulk=None, one=None, cert=None, status=200):
    """The awards page; a form that was posted (and refused) is shown with what was typed."""
    can_give = services.why_not_now(event)
    default_date = services.default_awarded_on(event) if can_give is None else None
    at_event = services.event_ngos(db.session, event)
    others = services.other_county_ngos(db.session, event, [e.ngo.id for e in at_event])

    forms = {}
    for name, posted, cls in (("bulk", bulk, BulkAwardForm), ("one", one, AwardForm),
                              ("cert", cert, CertificatesForm)):
        form = posted or cls(formdata=None)
        form.fill(event, fresh=posted is None, default_date=default_date)
        forms[name] = form
    forms["one"].fill_ngos(at_event, others)

    awards = services.event_awards(db.session, event)
    days_by_reg = services.attendance_days(db.session, event)
    total_days = len(event.days)
    batch_ids = set(_ids_arg("batch"))
    return render_template(
        "awards/event_awards.html", event=event, awards=awards, at_event=at_event, others=others,
        county=services.event_county(event), can_give=can_give, forms=SimpleNamespace(**forms),
        visibility=VisibilityForm(formdata=None, awards_public=event.awards_public),
        batch=[a for a in awards if a.id in batch_ids],
        attendance=SimpleNamespace(
            people=len(days_by_reg), every_day=sum(1 for n in days_by_reg.values() if n >= total_days),
            days=total_days,
            certificates=sum(1 for a in awards if a.registration_id and not a.is_revoked)),
        kinds=AWARD_KIND_LABELS,
    ), status


@bp.route("/events/<id:event_id>/awards")
@role_required("organizer", "admin")
def manage(event_id):
    return _page(_managed(event_id))


def _refused(event, refusal: services.AwardError, **posted):
    db.session.rollback()
    flash(refusal.message, "error")
    # A refused form is shown again with 400 (the API answers 422 for the same rules).
    status = 400 if refusal.status == 422 else refusal.status
    return _page(db.session.get(Event, event.id), status=status, **posted)


def _after_giving(event, given: services.Given, what: str):
    db.session.commit()
    flash(what, "success")
    for warning in given.warnings:
        flash("هشدار: " + warning, "warning")
    batch = ",".join(str(a.id) for a in given.awards)
    return redirect(url_for(".manage", event_id=event.id, batch=batch) + "#batch")


@bp.route("/events/<id:event_id>/awards/bulk", methods=["POST"])
@role_required("organizer", "admin")
def give_bulk(event_id):
    event = _managed(event_id)
    form = BulkAwardForm()
    form.fill(event, fresh=False)
    if not form.validate_on_submit():
        return _page(event, bulk=form, status=400)
    ids = set(form.ngo_ids.data or []) | set(form.other_ngo_ids.data or [])
    ngos = db.session.scalars(select(Ngo).where(Ngo.id.in_(ids))).all()
    if len(ngos) != len(ids):
        form.ngo_ids.errors = ["یکی از سمن‌های انتخاب‌شده پیدا نشد؛ صفحه را دوباره باز کنید."]
        return _page(event, bulk=form, status=400)
    try:
        given = services.give_bulk(
            db.session, event, ngos, kind=form.kind.data, title=form.title.data or "",
            citation=form.citation.data or "", presented_by=form.presenter_input(db.session),
            awarded_on=form.awarded_on.data, actor=current_user,
            # NGOs ticked under "other NGOs of the county" were chosen knowingly.
            allow_other_ngos=bool(form.other_ngo_ids.data))
    except services.AwardError as refusal:
        return _refused(event, refusal, bulk=form)
    first = given.award
    return _after_giving(event, given, f"«{first.title}» به {_fa(len(given.awards))} سمن داده شد.")


@bp.route("/events/<id:event_id>/awards/new", methods=["POST"])
@role_required("organizer", "admin")
def give_one(event_id):
    event = _managed(event_id)
    form = AwardForm()
    form.fill(event, fresh=False)
    if not form.validate_on_submit():
        return _page(event, one=form, status=400)
    ngo = db.session.get(Ngo, form.ngo_id.data) if form.ngo_id.data else None
    if form.ngo_id.data and ngo is None:
        form.ngo_id.errors = ["این سمن پیدا نشد."]
        return _page(event, one=form, status=400)
    try:
        given = services.give_award(
            db.session, event, kind=form.kind.data, ngo=ngo,
            recipient_name=form.recipient_name.data or "",
            recipient_title=form.recipient_title.data or "", title=form.title.data or "",
            citation=form.citation.data or "", presented_by=form.presenter_input(db.session),
            awarded_on=form.awarded_on.data, actor=current_user,
            allow_other_ngos=True)  # picked from a list that says which NGOs were not there
    except services.AwardError as refusal:
        return _refused(event, refusal, one=form)
    return _after_giving(event, given, f"«{given.award.title}» ثبت شد.")


@bp.route("/events/<id:event_id>/awards/certificates", methods=["POST"])
@role_required("organizer", "admin")
def certificates(event_id):
    event = _managed(event_id)
    form = CertificatesForm()
    form.fill(event, fresh=False)
    if not form.validate_on_submit():
        return _page(event, cert=form, status=400)
    presenter = form.presenter_input(db.session)
    begin_write(db.session)
    event = db.session.get(Event, event_id)
    try:
        run = services.certificates_for_attendance(
            db.session, event, form.min_days.data, title=form.title.data or "",
            citation=form.citation.data or "", presented_by=presenter,
            awarded_on=form.awarded_on.data, actor=current_user)
    except services.AwardError as refusal:
        return _refused(event, refusal, cert=form)
    db.session.commit()
    if run.attendees == 0:
        flash("هنوز کسی در این رویداد پذیرش نشده است؛ گواهی حضور فقط به حاضران داده می‌شود.",
              "warning")
        return redirect(url_for(".manage", event_id=event.id))
    parts = [f"{_fa(run.created)} گواهی حضور صادر شد"]
    if run.already:
        parts.append(f"{_fa(run.already)} نفر پیش‌تر گواهی داشتند")
    if run.too_few_days:
        parts.append(f"{_fa(run.too_few_days)} نفر کمتر از {_fa(run.min_days)} روز حاضر بودند")
    flash("؛ ".join(parts) + ".", "success" if run.created else "info")
    batch = ",".join(str(a.id) for a in run.awards)
    return redirect(url_for(".manage", event_id=event.id, batch=batch or None)
                    + ("#batch" if batch else ""))


@bp.route("/events/<id:event_id>/awards/visibility", methods=["POST"])
@role_required("organizer", "admin")
def visibility(event_id):
    event = _managed(event_id)
    form = VisibilityForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_awards_public(event, form.awards_public.data, actor=current_user)
    db.session.commit()
    flash("فهرست سمن‌های تقدیرشده اکنون در صفحهٔ رویداد دیده می‌شود." if event.awards_public
          else "فهرست سمن‌های تقدیرشده در صفحهٔ رویداد پنهان شد.", "success")
    return redirect(url_for(".manage", event_id=event.id))


@bp.route("/awards/<id:award_id>/revoke", methods=["POST"])
@role_required("organizer", "admin")
def revoke(award_id):
    award = services.award_for(db.session, current_user, award_id)
    form = RevokeForm()
    back = _safe_next(url_for(".manage", event_id=award.event_id) + f"#award-{award.id}")
    if not form.validate_on_submit():
        for error in form.reason.errors or ["درخواست نامعتبر است؛ صفحه را دوباره باز کنید."]:
            flash(error, "error")
        return redirect(back)
    try:
        services.revoke(db.session, award, reason=form.reason.data or "", actor=current_user)
    except services.AwardError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return redirect(back)
    db.session.commit()
    flash(f"«{award.title}» برای {_recipient(award)} باطل شد؛ سابقه و علت آن می‌ماند.", "success")
    return redirect(back)


def _recipient(award: Award) -> str:
    if award.recipient_name and award.ngo:
        return f"{award.recipient_name} ({award.ngo.name})"
    return award.recipient_name or award.ngo.name


@bp.route("/events/<id:event_id>/awards.<fmt>")
@role_required("organizer", "admin")
def export(event_id, fmt):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    event = _managed(event_id)
    awards = services.event_awards(db.session, event)
    name = f"awards-{event.id}.{fmt}"
    if fmt == "csv":
        body, mime = services.to_csv(awards, verify_url), "text/csv; charset=utf-8"
    else:
        body, mime = services.to_xlsx(awards, verify_url, event.title), XLSX
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# --- printing ------------------------------------------------------------------------------

def _printable(awards):
    out = []
    for award in awards:
        url = verify_url(award.verification_code)
        site = url.split("://", 1)[-1][:-len(award.verification_code)]  # host/awards/verify/
        out.append(SimpleNamespace(award=award, url=url, qr=Markup(qr_svg_markup(url)), site=site,
                                   code=services.format_code(award.verification_code)))
    return out


@bp.route("/events/<id:event_id>/awards/print")
@role_required("organizer", "admin")
def print_event(event_id):
    event = _managed(event_id)
    kind = request.args.get("kind") or ""
    kind = AwardKind(kind) if kind in {k.value for k in AwardKind} else None
    ids = _ids_arg("ids") or None
    awards = services.event_awards(db.session, event, live_only=True, kind=kind, ids=ids)
    return render_template("awards/certificates_print.html", event=event, items=_printable(awards),
                           back=url_for(".manage", event_id=event.id))


@bp.route("/awards/<id:award_id>/print")
@role_required("organizer", "admin", "secretary")
def print_one(award_id):
    award = services.award_for(db.session, current_user, award_id, to="print")
    back = (url_for(".manage", event_id=award.event_id) if events.can_manage(current_user, award.event)
            else url_for("accounts.home"))
    return render_template("awards/certificates_print.html", event=award.event,
                           items=_printable([award]), back=back)


# --- verification (public) -----------------------------------------------------------------

@bp.route("/awards/verify/")
@public
def verify_form():
    """Type the code printed under the QR."""
    typed = request.args.get("code")
    if typed is not None:
        code = services.clean_code(typed)
        if code is None:
            return render_template("awards/award_verify.html", state="not_found", award=None,
                                   typed=typed), 404
        return redirect(url_for(".verify", code=code))
    return render_template("awards/award_verify.html", state="form", award=None, typed="")


@bp.route("/awards/verify/<code>")
@public
@limiter.limit("120 per minute")
def verify(code):
    award = services.by_code(db.session, code)
    if award is None:
        return render_template("awards/award_verify.html", state="not_found", award=None,
                               typed=code[:40]), 404
    return render_template("awards/award_verify.html", award=award,
                           state="revoked" if award.is_revoked else "genuine",
                           code=services.format_code(award.verification_code),
                           can_manage=events.can_manage(current_user, award.event))


# --- helpers for other domains' templates ------------------------------------------------------

@bp.app_template_global()
def event_awards_panel(event: Event) -> SimpleNamespace:
    """For the event page: the honoured NGOs (when shown), and for its managers a way in."""
    manage = events.can_manage(current_user, event)
    count = None
    if manage:
        count = db.session.scalar(select(func.count(Award.id)).where(
            Award.event_id == event.id, Award.revoked_at.is_(None)))
    return SimpleNamespace(honours=services.public_honours(db.session, event), manage=manage,
                           count=count, public=event.awards_public)


@bp.app_template_global()
def ngo_awards(ngo: Ngo) -> list[Award]:
    """An NGO's awards across events, as far as the signed-in user may see them."""
    return services.ngo_awards(db.session, ngo, current_user)


@bp.app_template_global()
def award_printable(award: Award) -> bool:
    return services.can_print(current_user, award)


@bp.app_template_filter("award_code")
def award_code(code: str) -> str:
    """Grouped by non-breaking hyphens, so a table cell never splits it."""
    return services.format_code(code or "", "\u2011")
