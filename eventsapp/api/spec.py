"""The OpenAPI 3 document, generated from the API views' docstrings and marshmallow schemas."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify
from marshmallow import Schema, fields

from ..accounts.permissions import public
from . import bp


class ErrorSchema(Schema):
    error = fields.String(required=True, metadata={"description": "reason, a stable enum value"})
    message = fields.String(required=True, metadata={"description": "Persian message for people"})


def build_spec(app) -> dict:
    spec = APISpec(
        title="eventsapp API",
        version="1",
        openapi_version="3.0.3",
        info={"description": "رویدادهای سمن‌ها: کارگاه‌ها، نشست‌ها، ثبت‌نام، پذیرش و تقویم."},
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorSchema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api."):
            continue
        view = app.view_functions[rule.endpoint]
        if "---" not in (view.__doc__ or ""):
            continue
        with app.test_request_context():
            spec.path(view=view, app=app)
    return spec.to_dict()


@bp.route("/openapi.json")
@public
def openapi():
    """The OpenAPI document of this API."""
    if "openapi_spec" not in current_app.extensions:
        current_app.extensions["openapi_spec"] = build_spec(current_app)
    return jsonify(current_app.extensions["openapi_spec"])
