"""Login loading with session versions, and role-required decorators."""

from functools import wraps

from flask import abort, current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_login.signals import session_protected

from spt.db import get_db
from spt.extensions import login_manager
from spt.models import User

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log in om deze pagina te zien.")
login_manager.login_message_category = "info"
# A new session id on login; a session from another address or browser is dropped.
login_manager.session_protection = "strong"


@session_protected.connect
def drop_moved_session(_app, **_extra) -> None:
    """End a session that shows up from another address or browser.

    Flask-Login's "strong" mode only marks a *permanent* session as not fresh (and all sessions
    here are permanent, for their 8-hour lifetime), so the session is cleared here instead.
    """
    if session.permanent and "_user_id" in session:
        current_app.logger.warning("Session dropped: it came from another address or browser")
        session.clear()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load the user only when the session's version is still current and the account active."""
    try:
        raw_id, raw_version = user_id.split(":")
        user = get_db().get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or str(user.session_version) != raw_version:
        return None
    return user


def role_required(*roles: str):
    """Allow the view only to logged-in users with one of these roles (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
