"""NGO registry pages: the list, an NGO's page and form, imports, secretaries and their claims,
and a secretary's own NGO."""
from pathlib import Path

from flask import (Response, abort, current_app, flash, jsonify, redirect, render_template,
                   request, url_for)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..accounts.forms import ConfirmForm
from ..accounts.permissions import public, role_required
from ..accounts.services import AccountError, generate_password
from ..extensions import begin_write, db, limiter
from ..jalali import utcnow
from ..paging import page_arg
from ..places import services as places
from ..places.models import County, Province
from ..refusals import Refusal
from . import bp, importer, services
from .forms import ClaimForm, ContactForm, ImportForm, NgoForm, RejectForm, SecretaryForm
from .models import (CAPACITY_LEVELS, FIELD_LABELS, NGO_STATUS_LABELS, ActivityField, ClaimStatus,
                     Ngo, NgoStatus, SecretaryClaim)
from ..dbtypes import persian_order

PAGE_SIZE = 30
PREVIEW_ROWS = 20
CHUNK_ROWS = 1000


def _int_arg(name):
    value = request.args.get(name, type=int)
    return value if value and value > 0 else None


def _counties_of(province_id):
    if not province_id:
        return []
    return db.session.scalars(select(County).where(County.province_id == province_id)
                              .order_by(persian_order(County.name))).all()


# --- the registry ------------------------------------------------------------------------------

@bp.route("/ngos/")
@role_required("organizer", "admin")
def listing():
    q = (request.args.get("q") or "").strip()[:100]
    field = request.args.get("field") or None
    field = field if field in {f.value for f in ActivityField} else None
    status = request.args.get("status") or None
    status = status if status in {s.value for s in NgoStatus} else None
    charity = {"1": True, "0": False}.get(request.args.get("charity", ""))
    province_id, county_id = _int_arg("province"), _int_arg("county")
    query = services.search_ngos(q, province_id=province_id, county_id=county_id, field=field,
                                 status=status, is_charity=charity)
    page = db.paginate(query, page=page_arg(),
                       per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "ngos/list.html", page=page, q=q, field=field, status=status, charity=charity,
        province_id=province_id, county_id=county_id,
        provinces=places.all_provinces(db.session), counties=_counties_of(province_id),
        county_map=places.counties_by_province(db.session), field_labels=FIELD_LABELS,
        status_labels=NGO_STATUS_LABELS, scope=services.province_scope(current_user),
        filtered=bool(q or field or status or charity is not None or province_id or county_id))


def _load_ngo(ngo_id) -> Ngo:
    return db.get_or_404(Ngo, ngo_id)


def _load_editable(ngo_id) -> Ngo:
    ngo = _load_ngo(ngo_id)
    if not services.can_edit_ngo(current_user, ngo):
        abort(403)
    return ngo


@bp.route("/ngos/<id:ngo_id>")
@role_required("organizer", "admin")
def detail(ngo_id):
    ngo = _load_ngo(ngo_id)
    claims = db.session.scalars(select(SecretaryClaim).where(
        SecretaryClaim.ngo_id == ngo.id, SecretaryClaim.status == ClaimStatus.pending)
        .order_by(SecretaryClaim.created_at)).all()
    return render_template("ngos/detail.html", ngo=ngo, claims=claims,
                           can_edit=services.can_edit_ngo(current_user, ngo),
                           confirm=ConfirmForm(), reject_form=RejectForm())


def _render_form(form, ngo=None, status=200):
    return render_template("ngos/form.html", form=form, ngo=ngo,
                           county_map=places.counties_by_province(db.session)), status


def _save(form, ngo):
    province = db.session.get(Province, form.province_id.data) if form.province_id.data else None
    county = db.session.get(County, form.county_id.data) if form.county_id.data else None
    return services.save_ngo(
        db.session, ngo, name=form.name.data, registration_no=form.registration_no.data,
        is_charity=form.is_charity.data, fields=form.fields.data or [], province=province,
        county=county, address=form.address.data or "", phone=form.phone.data or "",
        status=form.status.data, capacity_level=form.capacity_level.data,
        notes=form.notes.data or "", actor=current_user)


@bp.route("/ngos/new", methods=["GET", "POST"])
@role_required("organizer", "admin")
def create():
    form = NgoForm()
    scope = services.province_scope(current_user)
    if request.method == "GET" and scope:
        form.province_id.data = scope
    form.fill_places(places.all_provinces(db.session), _counties_of)
    if not form.validate_on_submit():
        return _render_form(form, status=400 if request.method == "POST" else 200)
    try:
        ngo = _save(form, None)
    except services.NgoError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return _render_form(form, status=400)
    db.session.commit()
    flash(f"سمن «{ngo.name}» ثبت شد.", "success")
    return redirect(url_for(".detail", ngo_id=ngo.id))


@bp.route("/ngos/<id:ngo_id>/edit", methods=["GET", "POST"])
@role_required("organizer", "admin")
def edit(ngo_id):
    ngo = _load_editable(ngo_id)
    form = NgoForm(obj=ngo)
    if request.method == "GET":
        form.status.data = ngo.status.value
        form.fields.data = [f.value for f in ngo.activity_fields]
    form.fill_places(places.all_provinces(db.session), _counties_of)
    if not form.validate_on_submit():
        return _render_form(form, ngo, status=400 if request.method == "POST" else 200)
    try:
        _save(form, ngo)
    except services.NgoError as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return _render_form(form, ngo, status=400)
    db.session.commit()
    flash("تغییرات ذخیره شد.", "success")
    return redirect(url_for(".detail", ngo_id=ngo.id))


# --- secretaries -------------------------------------------------------------------------------

@bp.route("/ngos/<id:ngo_id>/secretaries/new", methods=["GET", "POST"])
@role_required("organizer", "admin")
def secretary_new(ngo_id):
    ngo = _load_editable(ngo_id)
    form = SecretaryForm()
    if form.validate_on_submit():
        password = form.password.data or generate_password()
        try:
            user = services.create_secretary(db.session, ngo, form.username.data,
                                             form.full_name.data, form.mobile.data or "", password)
        except AccountError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            shown = "" if form.password.data else f" گذرواژهٔ او: {password} (آن را به دبیر بدهید؛ دیگر نمایش داده نمی‌شود.)"
            flash(f"حساب دبیر «{user.username}» برای {ngo.name} ساخته شد.{shown}", "success")
            return redirect(url_for(".detail", ngo_id=ngo.id))
    return render_template("ngos/secretary_form.html", form=form, ngo=ngo), \
        400 if request.method == "POST" else 200


@bp.route("/signup/secretary", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"],
               error_message="درخواست‌های زیادی فرستادید؛ یک دقیقه بعد دوباره امتحان کنید.")
@public
def claim_signup():
    if current_user.is_authenticated:
        flash("شما وارد سامانه شده‌اید؛ برای ساختن حساب دبیر تازه، نخست خارج شوید.", "info")
        return redirect(url_for("accounts.home"))
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            claim = services.submit_claim(db.session, form.registration_no.data, form.username.data,
                                          form.full_name.data, form.mobile.data, form.password.data)
        except services.NgoError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            return render_template("ngos/claim_sent.html", claim=claim)
    return render_template("ngos/claim_signup.html", form=form), \
        400 if request.method == "POST" else 200


@bp.route("/ngos/claims")
@role_required("organizer", "admin")
def claims():
    items = db.session.scalars(services.pending_claims(current_user)).all()
    return render_template("ngos/claims.html", claims=items, confirm=ConfirmForm(),
                           reject_form=RejectForm())


def _load_claim(claim_id) -> SecretaryClaim:
    claim = db.get_or_404(SecretaryClaim, claim_id)
    if not services.can_decide_claim(current_user, claim):
        abort(403)
    return claim


def _back_from_claim(claim):
    if request.form.get("back") == "ngo":
        return redirect(url_for(".detail", ngo_id=claim.ngo_id))
    return redirect(url_for(".claims"))


@bp.route("/ngos/claims/<id:claim_id>/approve", methods=["POST"])
@role_required("organizer", "admin")
def claim_approve(claim_id):
    claim = _load_claim(claim_id)
    if ConfirmForm().validate_on_submit():
        try:
            user = services.approve_claim(db.session, claim, current_user, now=utcnow())
        except Refusal as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(f"«{user.display_name}» دبیر {claim.ngo.name} شد و با نام کاربری «{user.username}» وارد می‌شود.", "success")
    else:
        flash("درخواست نامعتبر است؛ صفحه را دوباره باز کنید.", "error")
    return _back_from_claim(claim)


@bp.route("/ngos/claims/<id:claim_id>/reject", methods=["POST"])
@role_required("organizer", "admin")
def claim_reject(claim_id):
    claim = _load_claim(claim_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_claim(db.session, claim, current_user, now=utcnow(),
                                  note=form.note.data or "")
        except services.NgoError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash(f"درخواست «{claim.full_name}» برای {claim.ngo.name} رد شد.", "success")
    else:
        flash("درخواست نامعتبر است؛ صفحه را دوباره باز کنید.", "error")
    return _back_from_claim(claim)


# --- the secretary's own NGO -------------------------------------------------------------------

@bp.route("/my-ngo", methods=["GET", "POST"])
@role_required("secretary")
def my_ngo():
    ngo = current_user.ngo
    if ngo is None:
        abort(404)
    form = ContactForm(obj=ngo)
    if request.method == "GET":
        form.fields.data = [f.value for f in ngo.activity_fields]
    if form.validate_on_submit():
        try:
            services.update_contact(db.session, ngo, address=form.address.data or "",
                                    phone=form.phone.data or "", fields=form.fields.data or [])
        except services.NgoError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash("نشانی و تلفن سمن ذخیره شد.", "success")
            return redirect(url_for(".my_ngo"))
    return render_template("ngos/my_ngo.html", ngo=ngo, form=form), \
        400 if request.method == "POST" else 200


# --- importing ---------------------------------------------------------------------------------

def _store() -> importer.ImportStore:
    return importer.ImportStore(current_app.config.get("NGO_IMPORT_DIR")
                                or Path(current_app.instance_path) / "imports")


def _load_upload(token):
    """The stored upload and its progress, only for the user who uploaded it (404 otherwise)."""
    store = _store()
    payload = store.load(token)
    if payload is None or payload.get("user_id") != current_user.id:
        abort(404)
    return store, payload, store.progress(token)


@bp.route("/ngos/import", methods=["GET", "POST"])
@role_required("organizer", "admin")
def import_upload():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            checked = importer.parse_upload(db.session, upload.read(), upload.filename or "",
                                            scope_province_id=services.province_scope(current_user))
        except importer.ImportFileError as refusal:
            form.file.errors = [refusal.message]
        else:
            db.session.rollback()  # nothing was written; end the read transaction
            payload = {"user_id": current_user.id, "filename": upload.filename or "",
                       "created_at": utcnow().isoformat(), **checked.as_json()}
            token = _store().create(payload)
            return redirect(url_for(".import_preview", token=token))
    return render_template("ngos/import_upload.html", form=form, columns=importer.COLUMN_LABELS,
                           scope=services.province_scope(current_user)), \
        400 if request.method == "POST" else 200


def _place_names(rows):
    ids = {r.get("province_id") for r in rows} | {r.get("county_id") for r in rows}
    ids.discard(None)
    provinces = dict(db.session.execute(select(Province.id, Province.name)
                                        .where(Province.id.in_(ids))).all()) if ids else {}
    counties = dict(db.session.execute(select(County.id, County.name)
                                       .where(County.id.in_(ids))).all()) if ids else {}
    return provinces, counties


@bp.route("/ngos/import/<token>")
@role_required("organizer", "admin")
def import_preview(token):
    store, payload, progress = _load_upload(token)
    if progress and progress["next"] > 0:
        return redirect(url_for(".import_report", token=token))
    sample = payload["good"][:PREVIEW_ROWS]
    provinces, counties = _place_names(sample)
    return render_template("ngos/import_preview.html", token=token, payload=payload,
                           sample=sample, provinces=provinces, counties=counties,
                           field_labels={f.value: label for f, label in FIELD_LABELS.items()},
                           status_labels={s.value: label for s, label in NGO_STATUS_LABELS.items()},
                           capacity_labels=CAPACITY_LEVELS, column_labels=importer.COLUMN_LABELS,
                           rejected=importer.report_rows(payload, progress),
                           confirm=ConfirmForm())


def _apply(store, token, payload, start, size):
    """Applies good rows [start, start + size) once; returns the progress after it.

    A chunk already applied (a retried request) is not applied again; a chunk past the next
    one is refused with None."""
    with store.locked(token):
        progress = store.progress(token)
        if start < progress["next"] or progress["done"]:
            return progress
        if start > progress["next"]:
            return None
        begin_write(db.session)  # SQLite: hold the write lock from the first read
        rows = payload["good"][start:start + size]
        result = importer.apply_import(db.session, rows, now=utcnow(),
                                       scope_province_id=services.province_scope(current_user))
        db.session.commit()
        progress = importer.advance(progress, result, start + len(rows))
        store.save_progress(token, progress)
        return progress


def _progress_json(token, progress):
    return {"next": progress["next"], "total": progress["total"], "added": progress["added"],
            "updated": progress["updated"], "unchanged": progress["unchanged"],
            "skipped": len(progress["skipped"]), "done": progress["done"],
            "report_url": url_for(".import_report", token=token)}


BUSY = "سمن‌های این پرونده هم‌زمان از جای دیگری وارد می‌شوند؛ چند لحظه بعد دوباره امتحان کنید."


@bp.route("/ngos/import/<token>/chunk", methods=["POST"])
@role_required("organizer", "admin")
def import_chunk(token):
    """One chunk of the import, for the preview page's progress bar (JSON)."""
    store, payload, _ = _load_upload(token)
    if not ConfirmForm().validate_on_submit():
        return jsonify({"error": "csrf", "message": "نشست شما منقضی شده است؛ صفحه را دوباره باز کنید."}), 400
    start = request.args.get("start", type=int)
    if start is None or start < 0:
        return jsonify({"error": "bad_start", "message": "شمارهٔ ردیف آغاز نامعتبر است."}), 400
    try:
        progress = _apply(store, token, payload, start, CHUNK_ROWS)
    except IntegrityError:
        db.session.rollback()
        return jsonify({"error": "busy", "message": BUSY}), 409
    if progress is None:
        return jsonify({"error": "out_of_order", "message": "بخش‌های پرونده باید به ترتیب وارد شوند.",
                        **_progress_json(token, store.progress(token))}), 409
    return jsonify(_progress_json(token, progress))


@bp.route("/ngos/import/<token>/apply", methods=["POST"])
@role_required("organizer", "admin")
def import_apply(token):
    """Without JavaScript: everything that is left, in one request."""
    store, payload, progress = _load_upload(token)
    if ConfirmForm().validate_on_submit():
        try:
            _apply(store, token, payload, progress["next"], len(payload["good"]))
        except IntegrityError:
            db.session.rollback()
            flash(BUSY, "error")
            return redirect(url_for(".import_preview", token=token))
    else:
        flash("درخواست نامعتبر است؛ صفحه را دوباره باز کنید.", "error")
        return redirect(url_for(".import_preview", token=token))
    return redirect(url_for(".import_report", token=token))


@bp.route("/ngos/import/<token>/report")
@role_required("organizer", "admin")
def import_report(token):
    store, payload, progress = _load_upload(token)
    if progress["next"] == 0 and not progress["done"]:
        return redirect(url_for(".import_preview", token=token))
    return render_template("ngos/import_report.html", token=token, payload=payload,
                           progress=progress, rejected=importer.report_rows(payload, progress),
                           confirm=ConfirmForm())


@bp.route("/ngos/import/<token>/rejected.csv")
@role_required("organizer", "admin")
def import_rejected_csv(token):
    store, payload, progress = _load_upload(token)
    rows = importer.report_rows(payload, progress)
    body = importer.rejected_csv(payload["headers"], rows)
    return Response(body, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": "attachment; filename=rejected-rows.csv"})
