from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from urllib.parse import urlsplit

from .. import limits
from ..extensions import csrf, db
from ..persian import to_persian_digits
from .forms import ChangePasswordForm, ConfirmForm, LoginForm, TokenForm
from .models import ApiToken, Role
from . import bp, services
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
    if form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.current.data, form.new.data)
        except services.AccountError as refusal:
            flash(refusal.message, "error")
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the session token changed
            flash("گذرواژه تغییر کرد.", "success")
            return redirect(url_for(".account"))
    return render_template("accounts/account.html", form=form)


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
