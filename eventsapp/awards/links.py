"""An award's verification address, for pages, exports and the API alike (it needs the request
for the host when ``PUBLIC_BASE_URL`` is not set, so it lives beside the services, not in them)."""
from flask import current_app, request, url_for

from ..registrations.qr import public_base


def verify_url(code: str) -> str:
    """The verification page's absolute URL: PUBLIC_BASE_URL when set, else the host asked."""
    base = public_base(current_app.config.get("PUBLIC_BASE_URL"), request.host_url)
    return base + url_for("awards.verify", code=code)
