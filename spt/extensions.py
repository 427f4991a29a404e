"""Flask extensions, created once and bound in create_app."""

from flask import current_app, has_request_context, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """Use the language the visitor chose, else Dutch."""
    if not has_request_context():
        return "nl"
    chosen = session.get("lang") or request.args.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else "nl"
