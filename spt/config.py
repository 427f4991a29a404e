"""Configuration: defaults in code, overridden by SPT_* environment variables."""

import os
from datetime import timedelta

DEV_SECRET_KEY = "dev-only-secret-change-me"


class UnsafeConfigError(RuntimeError):
    """Raised when a production configuration is unsafe to start with."""


def defaults(instance_path: str) -> dict:
    """Return the built-in configuration for an app with this instance folder."""
    return {
        "SPT_ENV": "development",
        "SECRET_KEY": DEV_SECRET_KEY,
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "spt.sqlite"),
        # A database that hangs or is locked gives the Dutch 503 within 5 s (spt.db.Timeouts).
        "DB_CONNECT_TIMEOUT": 2,
        "DB_STATEMENT_TIMEOUT_MS": 3000,
        "DB_LOCK_TIMEOUT_MS": 2000,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": True,
        # Redis away: count in this process's memory (logged) instead of refusing every login;
        # short socket timeouts so a hanging Redis cannot hold a request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "MAIL_URL": "",
        "MAIL_SENDER": "SPT Match <noreply@spt-match.local>",
        "BASE_URL": "http://127.0.0.1:5000",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ("nl", "en"),
        "PASSWORD_RESET_MAX_AGE": 3600,
        "LOGIN_RATE_LIMIT": "10 per minute",
        # Background jobs (match rounds): RQ on this Redis; empty runs them in the request.
        "REDIS_URL": "",
        "JOBS_QUEUE": "spt",
        "JOB_TIMEOUT": 600,  # seconds a job may run before the worker kills it
        # A running match round writes a heartbeat this often; silent for JOB_STALE_S seconds
        # means its worker died, and the page says so.
        "JOB_HEARTBEAT_S": 5,
        "JOB_STALE_S": 30,
        "ROUND_MAX_ATTEMPTS": 3,
        # Advisors and admins must set up a second factor (TOTP) before their pages open.
        "MFA_REQUIRED": True,
        # How many reverse proxies set X-Forwarded-For; the rate limits key on the real client.
        "PROXY_COUNT": 0,
        "MFA_ISSUER": "SPT Match",
        # Retention periods applied by `spt purge-expired` (audit events: never below 6 months).
        "RETENTION_INACTIVE_MONTHS": 12,
        "RETENTION_REMINDER_MONTHS": 11,
        "RETENTION_CLOSED_INTRODUCTION_WEEKS": 4,
        "RETENTION_AUDIT_MONTHS": 24,
        "RETENTION_INTAKE_DRAFT_DAYS": 30,
        "RETENTION_OUTBOX_DAYS": 90,
    }


# Environment variable -> config key; every setting a deployment may need to change.
ENVIRONMENT = {
    "SPT_ENV": "SPT_ENV",
    "SPT_SECRET_KEY": "SECRET_KEY",
    "SPT_DATABASE_URL": "DATABASE_URL",
    "SPT_DB_CONNECT_TIMEOUT": "DB_CONNECT_TIMEOUT",
    "SPT_DB_STATEMENT_TIMEOUT_MS": "DB_STATEMENT_TIMEOUT_MS",
    "SPT_DB_LOCK_TIMEOUT_MS": "DB_LOCK_TIMEOUT_MS",
    "SPT_RATELIMIT_STORAGE": "RATELIMIT_STORAGE_URI",
    "SPT_MAIL_URL": "MAIL_URL",
    "SPT_MAIL_SENDER": "MAIL_SENDER",
    "SPT_BASE_URL": "BASE_URL",
    "SPT_REDIS_URL": "REDIS_URL",
    "SPT_MFA_REQUIRED": "MFA_REQUIRED",
    "SPT_PROXY_COUNT": "PROXY_COUNT",
    "SPT_RETENTION_INACTIVE_MONTHS": "RETENTION_INACTIVE_MONTHS",
    "SPT_RETENTION_REMINDER_MONTHS": "RETENTION_REMINDER_MONTHS",
    "SPT_RETENTION_CLOSED_INTRODUCTION_WEEKS": "RETENTION_CLOSED_INTRODUCTION_WEEKS",
    "SPT_RETENTION_AUDIT_MONTHS": "RETENTION_AUDIT_MONTHS",
    "SPT_RETENTION_INTAKE_DRAFT_DAYS": "RETENTION_INTAKE_DRAFT_DAYS",
    "SPT_RETENTION_OUTBOX_DAYS": "RETENTION_OUTBOX_DAYS",
}


def from_environment(environ=os.environ, types: dict | None = None) -> dict:
    """Return the config keys set through SPT_* environment variables, typed like the defaults."""
    config = {}
    for name, key in ENVIRONMENT.items():
        if environ.get(name):
            config[key] = _typed(name, environ[name], (types or {}).get(key))
    return config


def _typed(name: str, raw: str, default):
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on", "ja")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as error:
            raise UnsafeConfigError(f"{name} moet een geheel getal zijn, niet {raw!r}.") from error
    return raw


def finalise(config) -> None:
    """Derive production settings and refuse an unsafe production configuration."""
    if config["SPT_ENV"] != "production":
        return
    if config["SECRET_KEY"] in ("", DEV_SECRET_KEY) or len(config["SECRET_KEY"]) < 32:
        raise UnsafeConfigError(
            "SPT_ENV=production needs SPT_SECRET_KEY: a random secret of at least 32 characters "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    config["SESSION_COOKIE_SECURE"] = True
    config["REMEMBER_COOKIE_SECURE"] = True
