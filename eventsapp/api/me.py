"""The caller: who the token belongs to."""
from flask import g

from ..accounts.models import Role
from . import bp
from .auth import token_required
from .schema import Enum, Schema, fields


class NamedSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    role = Enum(Role, required=True)
    body = fields.Nested(NamedSchema, allow_none=True, required=True)
    ngo = fields.Nested(NamedSchema, allow_none=True, required=True)


@bp.route("/me", methods=["GET"])
@token_required()
@bp.response(200, MeSchema)
def me():
    """The user the token belongs to."""
    return g.api_user
