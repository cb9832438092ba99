"""The ``?page=`` of a list page: any digits, clamped to what a database offset can hold."""
from flask import request

from .persian import to_latin_digits

# Far beyond any list here (100,000 pages of 20 is 2,000,000 rows), and an offset of at most
# MAX_PAGE × a page size stays far inside a 64-bit integer on SQLite and PostgreSQL.
MAX_PAGE = 100_000


def page_arg() -> int:
    text = to_latin_digits(request.args.get("page", "") or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    return min(max(int(text[:12]), 1), MAX_PAGE)
