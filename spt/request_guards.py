"""Malformed requests get a Dutch 400 before any view sees them."""

from flask import jsonify, request
from flask_babel import gettext as _

from spt.services.errors import DomainError


def _refuse(message: str):
    if request.path.startswith("/api/"):
        return jsonify(error=message), 400
    raise DomainError(message)


def init_app(app) -> None:
    """Refuse files where the app only takes text, and JSON where it takes a form."""

    @app.before_request
    def refuse_files():
        if request.mimetype == "multipart/form-data" and request.files:
            return _refuse(_("Je stuurde een bestand mee waar tekst hoort. Vul het veld "
                             "opnieuw in en verstuur het formulier nog eens."))
        # Flask-WTF would read a JSON body as the form; the forms here are HTML forms.
        if request.is_json and request.method != "GET" and not request.path.startswith("/api/"):
            return _refuse(_("Dit formulier neemt alleen gewone formuliergegevens aan. Vul "
                             "het in op de pagina en verstuur het opnieuw."))
        return None
