"""Settings, read from the environment.

Every setting has a safe default for a developer's machine except the secret key, which is
never a fixed value: it comes from ``SECRET_KEY`` or is generated once and kept in
``instance/secret_key``.
"""
import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance_path / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    # O_EXCL: when several workers start at once, exactly one writes the key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'eventsapp.db'}"
    # Heroku-style and bare postgresql:// URLs use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load(instance_path: str) -> dict:
    """The configuration for an app whose instance folder is ``instance_path``."""
    path = Path(instance_path)
    path.mkdir(parents=True, exist_ok=True)
    url = _database_url(path)
    return {
        "SECRET_KEY": _secret_key(path),
        "SQLALCHEMY_DATABASE_URI": url,
        # A server connection can drop between requests; a local SQLite file cannot, and a
        # ping per request would cost the door's scans a statement each.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not url.startswith("sqlite")},
        # Absolute URLs (QR codes, calendar feeds) use this when set, e.g. https://events.example.ir
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0") or 0),
        # Rate limits are shared by all app servers through Redis in production.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        "RATELIMIT_HEADERS_ENABLED": True,
        # POST /api/v1/checkin, per scanner token: all scans, and (stricter) unknown codes only.
        "CHECKIN_RATE_LIMIT": os.environ.get("CHECKIN_RATE_LIMIT", "600 per minute"),
        "CHECKIN_UNKNOWN_LIMIT": os.environ.get("CHECKIN_UNKNOWN_LIMIT", "30 per minute"),
        # Login (eventsapp/limits.py): free tries per account and address, then a doubling delay
        # up to LOGIN_MAX_DELAY seconds; failed logins per address across accounts.
        "LOGIN_FREE_TRIES": int(os.environ.get("LOGIN_FREE_TRIES", "5") or 5),
        "LOGIN_DELAY": int(os.environ.get("LOGIN_DELAY", "1") or 1),
        "LOGIN_MAX_DELAY": int(os.environ.get("LOGIN_MAX_DELAY", "300") or 300),
        "LOGIN_ADDRESS_FAILURES": os.environ.get("LOGIN_ADDRESS_FAILURES", "100 per 15 minutes"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # The one-year remember cookie is as good as a password: HTTPS-only whenever sessions are.
        "REMEMBER_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", str(path / "backups")),
        "NGO_IMPORT_DIR": os.environ.get("NGO_IMPORT_DIR", ""),
        **_messaging(),
    }


def _messaging() -> dict:
    """SMS and e-mail: backends, gateways, SMTP and the outbox worker (see README, Messages)."""
    env = os.environ.get
    return {
        "SMS_BACKEND": env("SMS_BACKEND", "outbox"),
        "SMS_GATEWAY_URL": env("SMS_GATEWAY_URL", ""),
        "SMS_GATEWAY_TOKEN": env("SMS_GATEWAY_TOKEN", ""),
        "SMS_TIMEOUT": float(env("SMS_TIMEOUT", "10") or 10),
        "KAVENEGAR_API_KEY": env("KAVENEGAR_API_KEY", ""),
        "KAVENEGAR_SENDER": env("KAVENEGAR_SENDER", ""),
        "KAVENEGAR_URL": env("KAVENEGAR_URL", ""),
        "SMSIR_API_KEY": env("SMSIR_API_KEY", ""),
        "SMSIR_LINE_NUMBER": env("SMSIR_LINE_NUMBER", ""),
        "SMSIR_URL": env("SMSIR_URL", ""),
        "MAIL_BACKEND": env("MAIL_BACKEND", "smtp" if env("MAIL_SERVER") else "outbox"),
        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "25") or 25),
        "MAIL_USERNAME": env("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "0") == "1",
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "eventsapp@localhost"),
        "OUTBOX_BATCH": int(env("OUTBOX_BATCH", "50") or 50),
        "OUTBOX_CONCURRENCY": int(env("OUTBOX_CONCURRENCY", "4") or 4),
        "OUTBOX_LEASE_SECONDS": float(env("OUTBOX_LEASE_SECONDS", "300") or 300),
        "OUTBOX_MAX_ATTEMPTS": int(env("OUTBOX_MAX_ATTEMPTS", "5") or 5),
        "OUTBOX_RETRY_SECONDS": float(env("OUTBOX_RETRY_SECONDS", "30") or 30),
    }
