"""Error pages in Persian, and JSON errors under /api/."""
from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .api.errors import ApiError, http_error_response
from .extensions import db
from .refusals import Refusal

PAGES = {
    400: ("درخواست نامعتبر", "درخواستی که فرستادید را نتوانستیم بفهمیم."),
    403: ("دسترسی ندارید", "اجازهٔ دیدن این صفحه را ندارید. اگر فکر می‌کنید باید داشته باشید، با برگزارکننده یا مدیر سامانه تماس بگیرید."),
    404: ("پیدا نشد", "صفحه‌ای که دنبالش بودید پیدا نشد. شاید نشانی اشتباه است یا برداشته شده است."),
    405: ("روش نادرست", "این صفحه این نوع درخواست را نمی‌پذیرد."),
    413: ("پرونده بزرگ است", "حجم پرونده یا درخواست بیش از اندازهٔ مجاز است."),
    429: ("درخواست‌های زیاد", "در زمان کوتاهی درخواست‌های زیادی فرستادید؛ کمی بعد دوباره امتحان کنید."),
    500: ("خطای سامانه", "خطایی پیش آمد و ثبت شد. دوباره امتحان کنید؛ اگر تکرار شد، به مدیر سامانه خبر دهید."),
}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, message: str | None = None):
    title, text = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    return render_template("errors/error.html", status=status, title=title, text=message or text), status


def register(app):
    @app.errorhandler(ApiError)
    def api_error(exc):
        return exc.response()

    @app.errorhandler(Refusal)
    def refusal(exc):
        db.session.rollback()
        if _is_api():
            return jsonify(exc.as_json()), exc.status
        return _page(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _page(400, "درخواست نامعتبر بود یا نشست شما منقضی شده است؛ صفحه را دوباره باز کنید و دوباره بفرستید.")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if _is_api():
            return http_error_response(exc)
        described = isinstance(exc.description, str) and not exc.description.isascii()
        return _page(exc.code or 500, exc.description if described else None)

    @app.errorhandler(Exception)
    def server_error(exc):
        app.logger.exception("unhandled error")
        db.session.rollback()
        if _is_api():
            return http_error_response(500)
        return _page(500)
