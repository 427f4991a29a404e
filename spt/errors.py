"""Dutch error pages."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def render_error(status: int, detail: str | None = None):
    """Render the Dutch error page for this status."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("error.html", status=status, title=title,
                           message=detail or message), status


def init_app(app) -> None:
    """Register the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(400, str(_l("Het formulier is verlopen. Laad de pagina opnieuw "
                                        "en probeer het nog eens.")))

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return render_error(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        return render_error(500)
