from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from urllib.parse import urlsplit

from .. import limits
from ..extensions import begin_write, csrf, db, limiter
from ..persian import to_persian_digits
from .forms import (ChangePasswordForm, ConfirmForm, ContactForm, ForgotForm, LoginForm,
                    ResetCodeForm, ResetLinkForm, TokenForm)
from .models import ApiToken, Role
from . import bp, reset, services
from .permissions import login_required_any, public

HOME_ENDPOINTS = {
    Role.admin: "admin.home",
    Role.organizer: "events.organizer_home",
    Role.secretary: "registrations.secretary_home",
    Role.door: "checkin.door_home",
}


def home_url_for(user) -> str:
    return url_for(HOME_ENDPOINTS[user.role])


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths may be redirected to after login."""
    if not target:
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
@csrf.exempt  # LoginForm checks the token itself, so a stale tab gets the form back, not an error page
def login():
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        # Limited per account at this address (a growing delay) and per address (failures):
        # see eventsapp/limits.py. The try is reserved before the password is checked.
        attempt = limits.login_try(services.normalize_username(form.username.data or ""),
                                   request.remote_addr or "")
        if not attempt.allowed:
            error = (f"تلاش‌های ورود زیاد بود؛ {to_persian_digits(attempt.wait)} ثانیهٔ دیگر "
                     "دوباره امتحان کنید.")
            return render_template("accounts/login.html", form=form, error=error), 429, {
                "Retry-After": str(attempt.wait)}
        try:
            user = services.authenticate(db.session, form.username.data, form.password.data)
        except services.AccountError as refusal:
            limits.login_failed(attempt)
            error = refusal.message
        else:
            limits.login_succeeded(attempt)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(f"{user.display_name} عزیز، خوش آمدید.", "success")
            return redirect(_safe_next(request.args.get("next")) or home_url_for(user))
    elif form.errors.get("csrf_token"):
        error = form.errors["csrf_token"][0]
    status = 400 if error and request.method == "POST" else status
    return render_template("accounts/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@login_required_any
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash("از سامانه خارج شدید.", "success")
    return redirect(url_for("events.index"))


@bp.route("/home")
@login_required_any
def home():
    return redirect(home_url_for(current_user))


@bp.route("/account/", methods=["GET", "POST"])
@login_required_any
def account():
    form = ChangePasswordForm()
    contact = ContactForm(prefix="contact", obj=None)
    if request.method == "GET":
        contact.mobile.data, contact.email.data = current_user.mobile, current_user.email
        contact.notify_by.data = current_user.notify_by.value
    if request.form.get("contact-submit") and contact.validate_on_submit():
        try:
            services.set_contact(current_user, mobile=contact.mobile.data, email=contact.email.data,
                                 notify_by=contact.notify_by.data)
        except services.AccountError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            db.session.commit()
            flash("راه‌های تماس ذخیره شد.", "success")
            return redirect(url_for(".account"))
    elif not request.form.get("contact-submit") and form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.current.data, form.new.data)
        except services.AccountError as refusal:
            flash(refusal.message, "error")
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the session token changed
            flash("گذرواژه تغییر کرد.", "success")
            return redirect(url_for(".account"))
    return render_template("accounts/account.html", form=form, contact=contact)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required_any
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _, new_token = services.create_api_token(db.session, current_user, form.name.data)
        db.session.commit()
        flash("توکن ساخته شد. آن را همین حالا رونوشت کنید؛ دیگر نمایش داده نمی‌شود.", "success")
    return render_template("accounts/tokens.html", form=form, new_token=new_token,
                           confirm=ConfirmForm(), tokens=current_user.tokens)


@bp.route("/account/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required_any
def revoke_token(token_id):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.revoke_api_token(token, actor=current_user)
        db.session.commit()
        flash("توکن باطل شد.", "success")
    return redirect(url_for(".tokens"))


# --- password reset ------------------------------------------------------------------------

SENT = "اگر حسابی با این نام کاربری باشد و آن راه را داشته باشد، کد یا پیوند بازیابی فرستاده شد."


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
@public
def forgot():
    """Ask for a code by SMS or a link by e-mail. The answer is the same whether or not the
    account exists; a refusal (too many requests, no such address) is said only to an account
    that exists, since it concerns that account."""
    form = ForgotForm()
    if form.validate_on_submit():
        begin_write(db.session)
        user = reset.find_user(db.session, form.username.data)
        if user is not None:
            try:
                reset.request_reset(db.session, user, form.channel.data)
            except reset.ResetError as refusal:
                db.session.rollback()
                if refusal.reason == reset.ResetReason.too_many:
                    flash(refusal.message, "error")
                    return render_template("accounts/forgot.html", form=form), 429
            else:
                db.session.commit()
        flash(SENT, "info")
        if form.channel.data == "sms":
            return redirect(url_for(".reset_by_code", u=form.username.data[:60]))
        return redirect(url_for(".login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.is_submitted() else 200


def _finish(user):
    logout_user()
    flash("گذرواژه تغییر کرد؛ همهٔ نشست‌های دیگر و توکن‌های API این حساب باطل شد. وارد شوید.",
          "success")
    return redirect(url_for(".login"))


@bp.route("/password/code", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@public
def reset_by_code():
    form = ResetCodeForm()
    if request.method == "GET":
        form.username.data = (request.args.get("u") or "")[:60]
    status = 200
    if form.validate_on_submit():
        begin_write(db.session)
        user = reset.find_user(db.session, form.username.data)
        try:
            if user is None:
                raise reset.ResetError(reset.ResetReason.invalid)
            found = reset.check_code(db.session, user, form.code.data)
            reset.complete(db.session, found, form.password.data)
        except reset.ResetError as refusal:
            db.session.commit()  # a wrong try counts
            flash(refusal.message, "error")
            status = 422
        except services.AccountError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
            status = 422
        else:
            db.session.commit()
            return _finish(user)
    elif form.is_submitted():
        status = 400
    return render_template("accounts/reset_code.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@public
def reset_by_link(token):
    form = ResetLinkForm()
    try:
        found = reset.check_link(db.session, token[:100])
    except reset.ResetError as refusal:
        return render_template("accounts/reset_link.html", form=None, error=refusal.message), 404
    status = 200
    if form.validate_on_submit():
        begin_write(db.session)
        found = reset.check_link(db.session, token[:100])
        try:
            user = reset.complete(db.session, found, form.password.data)
        except services.AccountError as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
            status = 422
        else:
            db.session.commit()
            return _finish(user)
    return render_template("accounts/reset_link.html", form=form, error=None,
                           username=found.user.username), status
