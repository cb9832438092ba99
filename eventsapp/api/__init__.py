"""The JSON API under /api/v1/, on flask-smorest: one blueprint, ``bp``, on which each domain's
``api.py`` declares its endpoints with schemas (``schema.py`` has the fields and the Persian
validation messages). The schemas validate, serialise and are the OpenAPI document, served at
``/api/v1/openapi.json``.
"""
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import BadRequest

from .errors import ApiError, ErrorSchema


class Parser(FlaskParser):
    """Reads JSON through the app's request class (deep nesting and lone surrogates are a 400
    there, with a Persian sentence), and answers a refused field with 400."""

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        if not core.is_json(req.mimetype) or not req.get_data(cache=True):
            return core.missing
        try:
            return req.get_json()
        except BadRequest as exc:
            raise ApiError(400, "invalid_json", _described(exc)) from None


def _described(exc) -> str:
    description = getattr(exc, "description", "")
    if isinstance(description, str) and not description.isascii():
        return description
    return "بدنهٔ درخواست باید JSON درست باشد."


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()


bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="رویدادهای سمن‌ها: کارگاه‌ها، نشست‌ها، ثبت‌نام، پذیرش و تقویم.")



class Api(flask_smorest.Api):
    """The OpenAPI document's owner. Every status an endpoint answers is listed by the endpoint
    (no catch-all ``default``), and errors are answered by ``eventsapp/errors.py`` for pages
    and API alike, so flask-smorest's own error handler is not installed."""

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        pass


def init_api(app) -> Api:
    """Registers ``bp`` (after every domain's ``api.py`` has declared its endpoints) and serves
    its document at /api/v1/openapi.json."""
    from ..accounts.permissions import public

    for key, value in {"API_TITLE": "eventsapp API", "API_VERSION": "1",
                       "OPENAPI_VERSION": "3.0.3", "OPENAPI_URL_PREFIX": "/api/v1",
                       "OPENAPI_JSON_PATH": "openapi.json"}.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"info": {"description": bp.description}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(bp)
    document = app.view_functions["api-docs.openapi_json"]

    @public
    def openapi_json():
        return document()

    app.view_functions["api-docs.openapi_json"] = openapi_json
    return api


from . import auth, me  # noqa: E402,F401
