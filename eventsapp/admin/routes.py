"""Admin pages: users, roles, organizing bodies, and the admin's home with counts across domains."""
from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from ..accounts import services
from ..accounts.forms import BodyForm, PasswordResetForm, UserForm
from ..accounts.models import ROLE_LABELS, OrganizingBody, Role, User
from ..accounts.permissions import role_required
from ..events import services as events
from ..extensions import db
from ..forms import choices
from ..ngos.models import Ngo
from ..paging import page_arg
from ..persian import normalize_text, to_latin_digits
from ..places import services as places
from ..places.models import County, Province
from ..dbtypes import persian_order
from . import bp

PAGE_SIZE = 50


def _body_choices():
    bodies = db.session.scalars(select(OrganizingBody).order_by(persian_order(OrganizingBody.name)))
    return choices(((b.id, b.name) for b in bodies), blank="—")


def _place_choices(form):
    form.province_id.choices = choices(
        ((p.id, p.name) for p in places.all_provinces(db.session)), blank="—")
    province = db.session.get(Province, form.province_id.data) if form.province_id.data else None
    form.county_id.choices = choices(
        ((c.id, c.name) for c in (province.counties if province else [])), blank="—")


@bp.route("/admin/")
@role_required("admin")
def home():
    counts = {
        role: n for role, n in db.session.execute(
            select(User.role, func.count(User.id)).group_by(User.role))
    }
    stats = {
        "users": sum(counts.values()),
        "bodies": db.session.scalar(select(func.count(OrganizingBody.id))),
        "ngos": db.session.scalar(select(func.count(Ngo.id))),
        "provinces": db.session.scalar(select(func.count(Province.id))),
        "counties": db.session.scalar(select(func.count(County.id))),
    }
    drafts = db.session.scalars(events.drafts()).all()
    return render_template("admin/home.html", counts=counts, stats=stats, role_labels=ROLE_LABELS,
                           drafts=drafts)


@bp.route("/admin/users")
@role_required("admin")
def users():
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role") or ""
    page = page_arg()
    query = select(User).order_by(User.username)
    if q:
        term = f"%{normalize_text(q)}%"
        query = query.where(or_(User.username.ilike(f"%{to_latin_digits(q).lower()}%"),
                                User.full_name.ilike(term), User.mobile.ilike(term)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    page_obj = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", page=page_obj, q=q, role=role, role_labels=ROLE_LABELS)


def _ngo_by_regno(regno):
    if not regno:
        return None
    return db.session.scalar(select(Ngo).where(Ngo.registration_no == to_latin_digits(regno)))


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    form = UserForm()
    form.body_id.choices = _body_choices()
    if form.validate_on_submit():
        ngo = _ngo_by_regno(form.ngo_registration_no.data)
        if form.ngo_registration_no.data and ngo is None:
            form.ngo_registration_no.errors.append("سمنی با این شماره ثبت پیدا نشد.")
        else:
            password = form.password.data or services.generate_password()
            try:
                user = services.create_user(
                    db.session, username=form.username.data, password=password,
                    role=form.role.data, full_name=form.full_name.data, mobile=form.mobile.data,
                    body=db.session.get(OrganizingBody, form.body_id.data) if form.body_id.data else None,
                    ngo=ngo)
            except services.AccountError as refusal:
                db.session.rollback()
                flash(refusal.message, "error")
            else:
                db.session.commit()
                if form.password.data:
                    flash(f"کاربر «{user.username}» ساخته شد.", "success")
                else:
                    flash(f"کاربر «{user.username}» ساخته شد. گذرواژهٔ او: {password}", "success")
                return redirect(url_for(".user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/admin/users/<id:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.body_id.choices = _body_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.ngo_registration_no.data = user.ngo.registration_no if user.ngo else ""
    if form.validate_on_submit():
        ngo = _ngo_by_regno(form.ngo_registration_no.data)
        if form.ngo_registration_no.data and ngo is None:
            form.ngo_registration_no.errors.append("سمنی با این شماره ثبت پیدا نشد.")
        else:
            try:
                services.update_user(
                    db.session, user, full_name=form.full_name.data, role=form.role.data,
                    body=db.session.get(OrganizingBody, form.body_id.data) if form.body_id.data else None,
                    ngo=ngo, active=form.active.data, mobile=form.mobile.data)
            except services.AccountError as refusal:
                db.session.rollback()
                flash(refusal.message, "error")
            else:
                db.session.commit()
                flash("تغییرات ذخیره شد.", "success")
                return redirect(url_for(".user_edit", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user,
                           reset_form=PasswordResetForm())


@bp.route("/admin/users/<id:user_id>/password", methods=["POST"])
@role_required("admin")
def user_password(user_id):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        password = form.password.data or services.generate_password()
        try:
            services.set_password(user, password)
        except services.AccountError as refusal:
            flash(refusal.message, "error")
        else:
            db.session.commit()
            shown = "" if form.password.data else f" گذرواژهٔ تازه: {password}"
            flash(f"گذرواژهٔ «{user.username}» عوض شد و نشست‌های او بسته شد.{shown}", "success")
    else:
        flash("درخواست نامعتبر است؛ صفحه را دوباره باز کنید.", "error")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.route("/admin/bodies")
@role_required("admin")
def bodies():
    bodies = db.session.scalars(select(OrganizingBody).order_by(persian_order(OrganizingBody.name))).all()
    return render_template("admin/bodies.html", bodies=bodies)


@bp.route("/admin/bodies/new", methods=["GET", "POST"], defaults={"body_id": None})
@bp.route("/admin/bodies/<id:body_id>", methods=["GET", "POST"])
@role_required("admin")
def body_edit(body_id):
    body = db.get_or_404(OrganizingBody, body_id) if body_id else None
    form = BodyForm(obj=body)
    if request.method == "GET" and body:
        form.kind.data = body.kind.value
    _place_choices(form)
    if form.validate_on_submit():
        province = db.session.get(Province, form.province_id.data) if form.province_id.data else None
        county = db.session.get(County, form.county_id.data) if form.county_id.data else None
        try:
            saved = services.save_body(db.session, body, name=form.name.data, kind=form.kind.data,
                                       province=province, county=county)
        except services.AccountError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash("نهاد ذخیره شد.", "success")
            return redirect(url_for(".body_edit", body_id=saved.id))
    return render_template("admin/body_form.html", form=form, body=body,
                           counties=places.counties_by_province(db.session))
