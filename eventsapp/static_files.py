"""Static files: content-hashed URLs cached for a year, compressed once.

``url_for("static", filename=…)`` adds ``?v=`` and the first 12 hex digits of the SHA-256 of the
file as it is served. A request that carries the current ``v`` is cached for a year as
``immutable`` (a second page load fetches nothing again); one without it, or with an old one after
an upgrade, must revalidate against the ETag (the same digest), so a stale file is never used.
A stylesheet's own ``url(…)`` references to files here get their ``?v=`` too (the font it loads is
cached the same way, and a new font gives the stylesheet a new digest). Text files are gzipped
once, in memory, for clients that accept it.
"""
import gzip
import hashlib
import mimetypes
import os
import re
from functools import lru_cache
from typing import NamedTuple

from flask import Response, abort, current_app, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".css", ".js", ".svg", ".txt", ".json", ".map", ".html"}
CSS_URL = re.compile(r"""url\((["']?)([^"')?#]+)\1\)""")


class StaticFile(NamedTuple):
    body: bytes
    gzipped: bytes | None
    digest: str
    mimetype: str


def load(folder: str, filename: str) -> StaticFile | None:
    """The file under ``folder`` as served, or None when there is none (or it lies outside)."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    if not os.path.isfile(path):
        return None
    return _read(folder, path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=1024)
def _read(folder: str, path: str, mtime_ns: int, size: int) -> StaticFile:
    with open(path, "rb") as handle:
        body = handle.read()
    extension = os.path.splitext(path)[1].lower()
    if extension == ".css":
        body = _versioned_css(folder, path, body)
    gzipped = None
    if extension in COMPRESSIBLE and len(body) > 256:
        gzipped = gzip.compress(body, compresslevel=9, mtime=0)
        if len(gzipped) >= len(body):
            gzipped = None
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mimetype.startswith("text/") or mimetype in ("application/javascript", "image/svg+xml"):
        mimetype += "; charset=utf-8"
    return StaticFile(body, gzipped, hashlib.sha256(body).hexdigest()[:12], mimetype)


def _versioned_css(folder: str, path: str, css: bytes) -> bytes:
    """``url("../vendor/font.woff2")`` → ``url("../vendor/font.woff2?v=<digest>")``."""
    text = css.decode("utf-8")
    here = os.path.dirname(path)

    def versioned(match):
        quote, target = match.group(1), match.group(2)
        if ":" in target or target.startswith("/"):
            return match.group(0)  # data: URIs and absolute paths stay as written
        relative = os.path.relpath(os.path.normpath(os.path.join(here, target)), folder)
        found = None if relative.startswith("..") else load(folder, relative)
        if found is None:
            return match.group(0)
        return f"url({quote}{target}?v={found.digest}{quote})"

    return CSS_URL.sub(versioned, text).encode("utf-8")


def serve(filename: str):
    """The app's ``static`` endpoint."""
    found = load(current_app.static_folder, filename)
    if found is None:
        abort(404)
    current = request.args.get("v") == found.digest
    if found.digest in request.if_none_match:
        response = Response(status=304)
    else:
        compressed = found.gzipped is not None and "gzip" in request.accept_encodings
        response = Response(found.gzipped if compressed else found.body, content_type=found.mimetype)
        if compressed:
            response.headers["Content-Encoding"] = "gzip"
    response.set_etag(found.digest)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = (f"public, max-age={YEAR}, immutable" if current
                                         else "public, no-cache")
    return response


def init_static(app) -> None:
    """Hashed URLs for ``url_for("static", …)`` and the serving view above."""

    @app.url_defaults
    def version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            found = load(app.static_folder, values["filename"])
            if found is not None:
                values["v"] = found.digest

    app.view_functions["static"] = serve
