"""Configuration: the one parser of SPT_* settings (environment and `.env`), strict on purpose.

Every setting is declared once in SETTINGS with its type and default. Values come from the
environment, else from a `.env` file in the working directory (python-dotenv), else the default.
Anything doubtful refuses to start with the reason: an unknown SPT_* name (a typo would silently
change nothing), an unknown SPT_ENV, a boolean or integer that does not parse, a weak secret in
production. gunicorn.conf.py reads its SPT_WEB_* settings through `web_settings()` here too.
"""

import importlib.util
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from difflib import get_close_matches
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

DEV_SECRET_KEY = "dev-only-secret-change-me"
ENVIRONMENTS = ("development", "production")
TRUE_WORDS = ("1", "true", "yes", "on", "ja")
FALSE_WORDS = ("0", "false", "no", "off", "nee")
MIN_SECRET_LENGTH = 32
MIN_SECRET_BITS = 80  # plug-in estimate: random 32-character hex measures 100-125, rarely below 90
# "abcdefghijklmnopq"; random hex has a run this long about once in 10^12 keys.
MAX_SEQUENCE_STEPS = 16
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Published secrets: in the repository, the README or the demo; never a production key.
KNOWN_SECRETS = frozenset({DEV_SECRET_KEY, "test-secret", "changeme", "secret"})


class UnsafeConfigError(RuntimeError):
    """Raised when the configuration is unknown, unparseable or unsafe to start with."""


@dataclass(frozen=True)
class Setting:
    """One SPT_* environment variable: the config key it sets, its type and its default."""

    env: str
    key: str
    kind: str  # str | bool | int | list | choice | url | origins
    default: object
    minimum: int = 0
    choices: tuple = ()


SETTINGS = (
    Setting("SPT_ENV", "SPT_ENV", "choice", "development", choices=ENVIRONMENTS),
    Setting("SPT_SECRET_KEY", "SECRET_KEY", "str", DEV_SECRET_KEY),
    Setting("SPT_DATABASE_URL", "DATABASE_URL", "str", None),
    # A database that hangs or is locked gives the Dutch 503 within 5 s (spt.db.Timeouts).
    Setting("SPT_DB_CONNECT_TIMEOUT", "DB_CONNECT_TIMEOUT", "int", 2, 1),
    Setting("SPT_DB_STATEMENT_TIMEOUT_MS", "DB_STATEMENT_TIMEOUT_MS", "int", 3000),
    Setting("SPT_DB_LOCK_TIMEOUT_MS", "DB_LOCK_TIMEOUT_MS", "int", 2000),
    Setting("SPT_RATELIMIT_STORAGE", "RATELIMIT_STORAGE_URI", "str", "memory://"),
    Setting("SPT_MAIL_URL", "MAIL_URL", "str", ""),
    Setting("SPT_MAIL_SENDER", "MAIL_SENDER", "str", "SPT Match <noreply@spt-match.local>"),
    Setting("SPT_BASE_URL", "BASE_URL", "url", "http://127.0.0.1:5000"),
    Setting("SPT_TRUSTED_HOSTS", "TRUSTED_HOSTS", "list", None),
    Setting("SPT_REDIS_URL", "REDIS_URL", "str", ""),
    Setting("SPT_MFA_REQUIRED", "MFA_REQUIRED", "bool", True),
    Setting("SPT_PROXY_COUNT", "PROXY_COUNT", "int", 0),
    Setting("SPT_RETENTION_INACTIVE_MONTHS", "RETENTION_INACTIVE_MONTHS", "int", 12, 1),
    Setting("SPT_RETENTION_REMINDER_MONTHS", "RETENTION_REMINDER_MONTHS", "int", 11),
    Setting("SPT_RETENTION_CLOSED_INTRODUCTION_WEEKS", "RETENTION_CLOSED_INTRODUCTION_WEEKS",
            "int", 4),
    Setting("SPT_RETENTION_AUDIT_MONTHS", "RETENTION_AUDIT_MONTHS", "int", 24),
    Setting("SPT_RETENTION_INTAKE_DRAFT_DAYS", "RETENTION_INTAKE_DRAFT_DAYS", "int", 30, 1),
    Setting("SPT_RETENTION_OUTBOX_DAYS", "RETENTION_OUTBOX_DAYS", "int", 90, 1),
    # Logs: "text" for people, "json" (one object a line) for a log collector; empty picks
    # json in production and text elsewhere.
    Setting("SPT_LOG_FORMAT", "LOG_FORMAT", "choice", "", choices=("text", "json")),
    # /metrics answers only with "Authorization: Bearer <this>"; empty: /metrics is off.
    Setting("SPT_METRICS_TOKEN", "METRICS_TOKEN", "str", ""),
    # Unhandled errors go to Sentry (without personal data) when set; needs spt-match[sentry].
    Setting("SPT_SENTRY_DSN", "SENTRY_DSN", "str", ""),
    # Days between two mails about new places and training (for candidates who chose them).
    Setting("SPT_NEWS_INTERVAL_DAYS", "NEWS_INTERVAL_DAYS", "int", 7, 1),
    # Who runs this SPT and how to reach them: the footer and the accessibility statement.
    Setting("SPT_CONTACT_NAME", "CONTACT_NAME", "str", "Servicepunt Techniek"),
    Setting("SPT_CONTACT_EMAIL", "CONTACT_EMAIL", "str", ""),
    Setting("SPT_CONTACT_PHONE", "CONTACT_PHONE", "str", ""),
    # Partner sites that may show the widgets (/embed/...) in an iframe: CSP frame-ancestors.
    Setting("SPT_FRAME_ANCESTORS", "FRAME_ANCESTORS", "origins", ()),
)
# Read by gunicorn.conf.py through web_settings(): gunicorn's names and types.
WEB_SETTINGS = (
    Setting("SPT_WEB_BIND", "bind", "str", "127.0.0.1:8000"),
    Setting("SPT_WEB_WORKERS", "workers", "int", 2, 1),
    Setting("SPT_WEB_TIMEOUT", "timeout", "int", 60, 1),
    Setting("SPT_WEB_GRACEFUL_TIMEOUT", "graceful_timeout", "int", 30, 1),
    Setting("SPT_WEB_MAX_REQUESTS", "max_requests", "int", 1000),
    Setting("SPT_WEB_MAX_REQUESTS_JITTER", "max_requests_jitter", "int", 100),
    Setting("SPT_WEB_LOG_LEVEL", "loglevel", "choice", "info",
            choices=("debug", "info", "warning", "error", "critical")),
    Setting("SPT_WEB_FORWARDED_ALLOW_IPS", "forwarded_allow_ips", "str", "127.0.0.1"),
)
# Known names that the test suite reads itself; the app ignores them.
TOOLING = ("SPT_TEST_DATABASE_URL", "SPT_TEST_RUN_ID", "SPT_TEST_REDIS_URL",
           "SPT_FUZZ_EXAMPLES", "SPT_FUZZ_SHOW_FORMS")
KNOWN = {s.env for s in SETTINGS + WEB_SETTINGS} | set(TOOLING)


def defaults(instance_path: str) -> dict:
    """Return the built-in configuration for an app with this instance folder."""
    config = {s.key: s.default for s in SETTINGS}
    config["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "spt.sqlite")
    return config | {
        "RATELIMIT_ENABLED": True,
        # Redis away: count in this process's memory (logged) instead of refusing every login;
        # short socket timeouts so a hanging Redis cannot hold a request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
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
        "EMAIL_CONFIRM_MAX_AGE": 7 * 24 * 3600,
        "INTAKE_RESUME_MAX_AGE": 7 * 24 * 3600,  # the mailed "ga verder" link of an intake
        # Mails with a "ga verder" link from one address (step 1 saves, new-link requests).
        "INTAKE_LINK_RATE_LIMIT": "5 per minute;20 per hour",
        "LOGIN_RATE_LIMIT": "10 per minute",
        # Checks of the current password by a logged-in user (/wachtwoord, account deletion).
        "PASSWORD_CHECK_RATE_LIMIT": "5 per minute;20 per hour",
        "REGISTER_RATE_LIMIT": "5 per minute;20 per hour",
        # Background jobs (match rounds): RQ on this Redis; empty runs them in the request.
        "JOBS_QUEUE": "spt",
        "JOB_TIMEOUT": 600,  # seconds a job may run before the worker kills it
        # A running match round writes a heartbeat this often; silent for JOB_STALE_S seconds
        # means its worker died, and the page says so.
        "JOB_HEARTBEAT_S": 5,
        "JOB_STALE_S": 30,
        "ROUND_MAX_ATTEMPTS": 3,
        "MFA_ISSUER": "SPT Match",
        # "test" (the test suite's app fixture only) hashes passwords at argon2's least cost;
        # production refuses it (finalise).
        "PASSWORD_HASH_COST": "strong",
    }


def _env_file(path: Path | None = None) -> dict[str, str]:
    path = path or Path.cwd() / ".env"
    if not path.is_file():
        return {}

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def settings_source(environ=None, env_file: Path | None = None) -> dict[str, str]:
    """The SPT_* values in force: the environment over the `.env` file; unknown names refused."""
    environ = os.environ if environ is None else environ
    merged = {**_env_file(env_file), **environ} if environ is os.environ else dict(environ)
    values = {name: value for name, value in merged.items() if name.startswith("SPT_")}
    unknown = sorted(set(values) - KNOWN)
    if unknown:
        hints = [f"{name} (bedoelde je {close[0]}?)" if (close := get_close_matches(
            name, KNOWN, n=1)) else name for name in unknown]
        raise UnsafeConfigError("Onbekende instelling: " + ", ".join(hints) + ". Een tikfout "
                                "verandert anders stilletjes niets; zie de README.")
    return values


def _boolean(setting: Setting, raw: str, value: str) -> bool:
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise UnsafeConfigError(f"{setting.env}={raw!r} is geen ja/nee-waarde; gebruik 1 of 0 "
                            "(ook: true/false, yes/no, on/off, ja/nee).")


def _integer(setting: Setting, raw: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError as error:
        raise UnsafeConfigError(f"{setting.env} moet een geheel getal zijn, niet "
                                f"{raw!r}.") from error
    if number < setting.minimum:
        raise UnsafeConfigError(f"{setting.env} moet minstens {setting.minimum} zijn, niet "
                                f"{number}.")
    return number


def _choice(setting: Setting, raw: str, value: str) -> str:
    if value not in setting.choices:
        raise UnsafeConfigError(f"{setting.env}={raw!r} ken ik niet; kies precies een van: "
                                + ", ".join(setting.choices) + ".")
    return value


def _list(setting: Setting, raw: str, value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _url(setting: Setting, raw: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeConfigError(f"{setting.env}={raw!r} is geen adres als "
                                "https://match.example.nl.")
    return value


# An origin as CSP frame-ancestors takes it: scheme, host (a leading "*." for subdomains), port.
ORIGIN = re.compile(r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*"
                    r"[a-z0-9])?)*(:[0-9]{1,5})?$")


def _origins(setting: Setting, raw: str, value: str) -> tuple[str, ...]:
    origins = tuple(item.strip().lower().rstrip("/") for item in value.split(",") if item.strip())
    for origin in origins:
        host = urlsplit(origin).hostname if ORIGIN.match(origin) else None
        if host is None or (origin.startswith("http:") and host not in LOOPBACK_HOSTS):
            raise UnsafeConfigError(
                f"{setting.env}: {origin!r} is geen adres als https://www.partner.nl (alleen "
                "schema, host en eventueel poort; http alleen voor 127.0.0.1 of localhost).")
    return origins


# One parser per Setting.kind; "str" is taken as written (stripped).
_PARSERS = {"bool": _boolean, "int": _integer, "choice": _choice, "list": _list, "url": _url,
            "origins": _origins}


def _typed(setting: Setting, raw: str):
    value = raw.strip()
    parser = _PARSERS.get(setting.kind)
    return parser(setting, raw, value) if parser else value


def _parse(settings, environ=None, env_file: Path | None = None) -> dict:
    source = settings_source(environ, env_file)
    return {s.key: _typed(s, source[s.env]) for s in settings if source.get(s.env, "").strip()}


def from_environment(environ=None, types: dict | None = None, env_file: Path | None = None):
    """Return the config keys set through SPT_* variables, typed; refuse what does not parse.

    `types` is accepted for older callers; the types come from SETTINGS.
    """
    del types
    return _parse(SETTINGS, environ, env_file)


def web_settings(environ=None) -> dict:
    """gunicorn's settings from SPT_WEB_* (WEB_CONCURRENCY is the fallback for workers)."""
    environ = os.environ if environ is None else environ
    values = {s.key: s.default for s in WEB_SETTINGS}
    if environ.get("WEB_CONCURRENCY", "").strip():
        values["workers"] = _typed(WEB_SETTINGS[1], environ["WEB_CONCURRENCY"])
    return values | _parse(WEB_SETTINGS, environ)


def secret_problem(secret: str) -> str | None:
    """Why this secret key is too weak for production, or None."""
    if secret in KNOWN_SECRETS:
        return "het is een gepubliceerde sleutel"
    if len(secret) < MIN_SECRET_LENGTH:
        return f"hij is {len(secret)} tekens lang, minstens {MIN_SECRET_LENGTH} zijn nodig"
    period = next((p for p in range(1, len(secret) // 2 + 1)
                   if secret == (secret[:p] * (len(secret) // p + 1))[:len(secret)]), len(secret))
    counts = Counter(secret[:period])
    per_char = -sum(n / period * math.log2(n / period) for n in counts.values())
    # A step is a neighbour one code point away ("ab", "ba", "aa"): typed sequences are made of
    # them. Random hex has about one in six, so only a long run or two in three is refused; a
    # stricter rule refused about 1 in 2,000 keys made with token_hex(32).
    near = [abs(ord(b) - ord(a)) <= 1 for a, b in zip(secret, secret[1:], strict=False)]
    longest_run = max((len(run) for run in "".join("s" if n else " " for n in near).split()),
                      default=0)
    if (per_char * period < MIN_SECRET_BITS or len(counts) < 8
            or sum(near) > len(near) * 2 / 3 or longest_run >= MAX_SEQUENCE_STEPS):
        return ("hij is niet willekeurig genoeg (herhalingen, reeksen of te weinig "
                "verschillende tekens)")
    return None


def _host_list(config) -> list[str]:
    hosts = list(config.get("TRUSTED_HOSTS") or [])
    if not hosts:
        hosts = [urlsplit(config["BASE_URL"]).hostname or ""]
        if config["SPT_ENV"] != "production":
            hosts += [h for h in LOOPBACK_HOSTS if h not in hosts]
    return hosts


def finalise(config) -> None:
    """Check values set in code too, derive the trusted hosts; refuse an unsafe production."""
    if config["SPT_ENV"] not in ENVIRONMENTS:
        raise UnsafeConfigError(f"SPT_ENV={config['SPT_ENV']!r} ken ik niet; kies precies een "
                                "van: " + ", ".join(ENVIRONMENTS) + ".")
    config["TRUSTED_HOSTS"] = _host_list(config)
    config["LOG_FORMAT"] = config.get("LOG_FORMAT") or (
        "json" if config["SPT_ENV"] == "production" else "text")
    if config.get("SENTRY_DSN") and importlib.util.find_spec("sentry_sdk") is None:
        raise UnsafeConfigError("SPT_SENTRY_DSN is gezet, maar sentry-sdk is niet geïnstalleerd: "
                                "pip install 'spt-match[sentry]', of maak SPT_SENTRY_DSN leeg.")
    if config["SPT_ENV"] != "production":
        return
    if problem := secret_problem(config["SECRET_KEY"] or ""):
        raise UnsafeConfigError(
            f"SPT_ENV=production weigert deze SPT_SECRET_KEY: {problem}. Maak een willekeurige "
            "sleutel, bijvoorbeeld: python -c 'import secrets; print(secrets.token_hex(32))'.")
    if urlsplit(config["MAIL_URL"] or "").scheme == "console":
        raise UnsafeConfigError("SPT_MAIL_URL=console:// drukt e-mails met persoonlijke links af "
                                "in het logboek; gebruik in productie smtp:// of smtps://.")
    base = urlsplit(config["BASE_URL"])
    if base.scheme != "https" and base.hostname not in LOOPBACK_HOSTS:
        raise UnsafeConfigError("SPT_BASE_URL moet in productie met https:// beginnen: "
                                "gemailde links worden ermee gemaakt.")
    if config.get("PASSWORD_HASH_COST", "strong") != "strong":
        raise UnsafeConfigError("SPT_ENV=production hasht wachtwoorden altijd met de sterke "
                                "argon2-instellingen; PASSWORD_HASH_COST='test' is alleen voor de "
                                "tests.")
    config["SESSION_COOKIE_SECURE"] = True
    config["REMEMBER_COOKIE_SECURE"] = True
