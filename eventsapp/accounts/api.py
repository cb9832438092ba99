"""API endpoints about the caller."""
from flask import g, jsonify

from ..api import bp
from ..api.auth import token_required


@bp.route("/me")
@token_required()
def me():
    """The user the token belongs to.
    ---
    get:
      summary: The caller
      security: [{bearer: []}]
      responses:
        200:
          description: the caller
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: {type: integer}
                  username: {type: string}
                  full_name: {type: string}
                  role: {type: string, enum: [admin, organizer, secretary, door]}
                  body: {type: object, nullable: true}
                  ngo: {type: object, nullable: true}
        401:
          description: no valid token
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
    """
    user = g.api_user
    return jsonify({
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.value,
        "body": {"id": user.body.id, "name": user.body.name} if user.body else None,
        "ngo": {"id": user.ngo.id, "name": user.ngo.name} if user.ngo else None,
    })
