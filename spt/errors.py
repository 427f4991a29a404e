"""Dutch error pages."""

from flask import current_app, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from werkzeug.exceptions import HTTPException, SecurityError

from spt import observability
from spt.db import get_engine
from spt.services import audit, health
from spt.services.errors import DomainError

MESSAGES = {
    400: (_l("Er klopt iets niet"), _l("Het verzoek kon niet worden verwerkt. "
                                        "Controleer wat je invulde en probeer het opnieuw.")),
    403: (_l("Geen toegang"), _l("Je hebt geen toegang tot deze pagina.")),
    404: (_l("Pagina niet gevonden"), _l("Deze pagina bestaat niet (meer).")),
    405: (_l("Niet toegestaan"), _l("Deze actie kan op deze manier niet.")),
    409: (_l("Iemand was je voor"), _l("Iemand anders heeft dit intussen gewijzigd. Laad de "
                                        "pagina opnieuw en bekijk de wijziging.")),
    413: (_l("Te groot"), _l("Wat je stuurde is te groot.")),
    429: (_l("Even rustig aan"), _l("Je deed te veel verzoeken kort na elkaar. "
                                    "Wacht een minuut en probeer het opnieuw.")),
    500: (_l("Er ging iets mis"), _l("Er ging aan onze kant iets mis. Probeer het later opnieuw.")),
    503: (_l("Even niet beschikbaar"), _l("SPT Match is tijdelijk niet beschikbaar. "
                                          "Probeer het over een paar minuten opnieuw.")),
}


def log_refusal(status: int) -> None:
    """Log a 403/404 for an object id of a logged-in user: probing other parties' ids shows.

    Written in a session of its own: the request's session may hold a failed transaction.
    """
    ids = {k: v for k, v in (request.view_args or {}).items() if k.endswith("_id")}
    if status not in (403, 404) or not ids or not getattr(current_user, "is_authenticated",
                                                           False):
        return
    try:
        with Session(get_engine()) as db:
            audit.record(db, actor_id=current_user.id, action="access.refused",
                         subject_type=(request.endpoint or "")[:30],
                         detail={"status": status, "method": request.method,
                                 "path": request.path[:200], **ids})
            db.commit()
    except Exception:  # the refusal itself must still be answered, never become a 500
        current_app.logger.exception("Could not log a refused access")


def _discard_transaction() -> None:
    """Roll back what the failed request left, so the error page can still read (the user)."""
    db = g.get("db")
    if db is not None:
        try:
            db.rollback()
        except DBAPIError:  # the connection is gone; the page shows no account then
            g._login_user = AnonymousUserMixin()


def render_error(status: int, detail: str | None = None):
    """Render the Dutch error page for this status."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("error.html", status=status, title=title,
                           message=detail or message), status


def is_database_outage(error: Exception) -> bool:
    """Whether this error means the database cannot be reached (rather than a bug)."""
    if isinstance(error, OperationalError | PoolTimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def database_unavailable(error: Exception):
    """The Dutch 503 page (JSON for the health check) while the database or Redis is away."""
    current_app.logger.warning("Service unavailable: %s", error)
    # The page shows no account: loading the user would touch the database again.
    g._login_user = AnonymousUserMixin()
    db = g.pop("db", None)
    if db is not None:
        if is_database_outage(error):
            db.invalidate()  # its connection may be broken: never back into the pool
        else:
            db.close()
    if request.blueprint == "health":
        response = jsonify(status="database_unavailable")
        response.status_code = 503
    else:
        response = current_app.make_response(render_error(503))
    response.headers["Retry-After"] = "30"
    return response


def _schema_behind() -> bool:
    """Whether the database's schema is not the code's (asked only after a database error)."""
    _database, schema = health._database(get_engine())
    return schema["status"] == "behind"


def init_app(app) -> None:
    """Register the error handlers."""

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    @app.errorhandler(RedisConnectionError)  # the job queue (SPT_REDIS_URL) is away
    @app.errorhandler(RedisTimeoutError)
    def operational_error(error):
        return database_unavailable(error)

    @app.errorhandler(DBAPIError)
    def dbapi_error(error: DBAPIError):
        if is_database_outage(error) or _schema_behind():
            return database_unavailable(error)
        return unexpected_error(error)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, str(_l("Het formulier is verlopen. Laad de pagina opnieuw "
                                        "en probeer het nog eens.")))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        _discard_transaction()
        log_refusal(error.status)
        return render_error(error.status, error.message)

    @app.errorhandler(StaleDataError)
    def stale_data(_error):
        # A version check refused a write: someone else changed the row first (409).
        _discard_transaction()
        return render_error(409)

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for it, so no page template.
        app.logger.warning("Refused a request for the untrusted host %r",
                           request.environ.get("HTTP_HOST", "")[:200])
        body = "<!doctype html><title>400</title><p>{}</p>".format(
            escape(str(_l("Dit adres hoort niet bij SPT Match."))))
        return body, 400, {"Content-Type": "text/html; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        _discard_transaction()
        log_refusal(error.code or 500)
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        observability.ERRORS.inc()
        _discard_transaction()
        return render_error(500)
