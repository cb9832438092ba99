"""eventsapp: events for Iranian NGOs, in Persian and the Jalali calendar."""
from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config as config_module
from . import static_files
from .extensions import csrf, db, limiter, login_manager, migrate
from .requests import Request


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = Request
    app.config.update(config_module.load(app.instance_path))
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # Persian stays readable in API responses
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)

    app.url_map.converters["id"] = IdConverter
    app.session_interface = CookielessFirst()
    _import_models()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    limiter.init_app(app)
    _init_login(app)

    from .accounts import bp as accounts_bp
    from .admin import bp as admin_bp
    from .audit import bp as audit_bp
    from .audit import api as _audit_api  # noqa: F401
    from .audit import routes as _audit_routes  # noqa: F401
    from .awards import bp as awards_bp
    from .awards import api as _awards_api  # noqa: F401
    from .calendars import bp as calendars_bp
    from .api import bp as api_bp
    from .api import init_api
    from .checkin import bp as checkin_bp
    from .events import bp as events_bp
    from .ngos import bp as ngos_bp
    from .notifications import bp as notifications_bp
    from .messages import bp as messages_bp
    from .registrations import api as _registrations_api  # noqa: F401
    from .checkin import api as _checkin_api  # noqa: F401
    from .registrations import bp as registrations_bp
    from .reports import bp as reports_bp
    from .events import api as _events_api  # noqa: F401
    from .reports import api as _reports_api  # noqa: F401

    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(ngos_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(checkin_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(messages_bp)
    csrf.exempt(api_bp)  # token-authenticated, never cookie-authenticated
    init_api(app)

    from . import cli, errors, jalali
    from .forms import error_count

    errors.register(app)
    jalali.register_template_filters(app)
    app.add_template_filter(error_count, "error_count")
    cli.register(app)
    _security_headers(app)
    static_files.init_static(app)
    return app


class IdConverter(IntegerConverter):
    """``<id:name>``: a row id, 1 … 2**31-1, so a huge number is a 404, not a database error.

    The range is in the regex, not only in ``to_python``: when one address has a rule per method
    (GET and DELETE), werkzeug answers a refused value with 405 for every method but the first."""

    regex = ("(?:[1-9][0-9]{0,8}|1[0-9]{9}|20[0-9]{8}|21[0-3][0-9]{7}|214[0-6][0-9]{6}"
             "|2147[0-3][0-9]{5}|21474[0-7][0-9]{4}|214748[0-2][0-9]{3}|2147483[0-5][0-9]{2}"
             "|21474836[0-3][0-9]|214748364[0-7])")

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def _import_models():
    """Every model, so that the metadata (and Alembic's autogenerate) sees the whole schema."""
    from .accounts import models as _a  # noqa: F401
    from .audit import models as _au  # noqa: F401
    from .awards import models as _aw  # noqa: F401
    from .calendars import models as _cal  # noqa: F401
    from .checkin import models as _c  # noqa: F401
    from .events import models as _e  # noqa: F401
    from .ngos import models as _n  # noqa: F401
    from .places import models as _p  # noqa: F401
    from .notifications import models as _msg  # noqa: F401
    from .registrations import models as _r  # noqa: F401
    from .reports import models as _rep  # noqa: F401


def _init_login(app):
    from .accounts.models import User

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "برای دیدن این صفحه وارد شوید."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        uid, _, token = user_id.partition(":")
        if not uid.isdigit():
            return None
        user = db.session.get(User, int(uid))
        if user is None or not user.active or user.session_token != token:
            return None
        return user


CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# The scanner needs the camera of its own pages; nothing needs the rest.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"


def _private(response) -> bool:
    if request.path.startswith("/static/"):
        return False
    if response.headers.get("Cache-Control", "").startswith("public"):
        return False  # a public file (an event's .ics) says how it may be cached
    if request.path.startswith("/api/") and request.headers.get("Authorization"):
        return True
    return "_user_id" in session


def _security_headers(app):
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _private(response):
            # Pages of a signed-in user, API answers and exports carry national IDs and mobiles:
            # neither the browser's cache nor a proxy keeps them.
            response.headers["Cache-Control"] = "no-store"
        return response


class CookielessFirst(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a request without a session cookie (an API call, a
    scanner, a first visit) gets its empty session without building the cookie signer."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
