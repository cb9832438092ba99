"""The opt-out link every message carries: ``/o/<code>``."""
from flask import render_template, request

from ..extensions import db
from . import bp
from .models import Address
from .outbox import opt_in, opt_out


@bp.route("/o/<code>", methods=["GET", "POST"])
def optout(code):
    """GET shows what the link does (a link preview must not unsubscribe anyone); POST does it."""
    row = db.session.scalar(db.select(Address).where(Address.code == code[:16]))
    if row is None:
        return render_template("notifications/optout.html", address=None), 404
    if request.method == "POST":
        if request.form.get("action") == "in":
            opt_in(db.session, row)
        else:
            opt_out(db.session, code)
        db.session.commit()
    return render_template("notifications/optout.html", address=row)


optout.access = "public"  # the link is the credential (accounts' @public, which sits above us)
