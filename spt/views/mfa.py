"""The second login step (TOTP) and the rule that staff pages need it."""

import time

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from spt.db import get_db
from spt.extensions import limiter
from spt.forms.mfa import CodeForm
from spt.services import mfa
from spt.services.errors import DomainError
from spt.views import add_error, render_form
from spt.views.auth import MFA_PENDING, home_for, login_limit, start_session

bp = Blueprint("mfa", __name__)
SETUP_SECRET = "mfa_setup_secret"
# Blueprints of the advisor and admin areas, for views that carry no allowed_roles.
STAFF_BLUEPRINT_PREFIXES = ("advisor", "admin", "catalogue", "audit", "rounds", "kpi")
OPEN_ROLES = {"candidate", "employer"}


def _pending() -> dict | None:
    pending = session.get(MFA_PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("since", 0) > mfa.PENDING_SECONDS:
        session.pop(MFA_PENDING, None)
        return None
    return pending


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def verify():
    """Ask for the TOTP code after a correct password (within five minutes)."""
    pending = _pending()
    if pending is None:
        flash(_("Log opnieuw in: de tweede stap duurde te lang."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            user = mfa.verify_login(get_db(), user_id=pending["user_id"], code=form.code.data,
                                    trusted=bool(pending.get("trusted")))
        except DomainError as error:
            add_error(form, error)
        else:
            return start_session(user, pending.get("next"))
    return render_form("mfa/verify.html", form)


@bp.route("/tweestapsverificatie", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"])
def setup():
    """Set up the authenticator app: show the secret, then confirm a code from it."""
    user = current_user._get_current_object()
    if user.totp_secret or user.role not in mfa.STAFF_ROLES:
        return redirect(home_for(user))
    secret = session.get(SETUP_SECRET) or mfa.new_secret()
    session[SETUP_SECRET] = secret
    form = CodeForm()
    if form.validate_on_submit():
        try:
            mfa.enable(get_db(), user=user, secret=secret, code=form.code.data)
        except DomainError as error:
            add_error(form, error)
        else:
            session.pop(SETUP_SECRET, None)
            flash(_("Tweestapsverificatie staat aan. Voortaan vragen we bij het inloggen "
                    "ook om een code."), "success")
            return redirect(home_for(user))
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    uri = mfa.provisioning_uri(secret=secret, email=user.email)
    page, status = render_form("mfa/setup.html", form, secret_grouped=grouped, uri=uri,
                               qr=Markup(mfa.provisioning_qr(uri)))  # segno's own SVG markup
    return page, status, {"Cache-Control": "no-store"}  # the secret must not stay in a cache


def is_staff_endpoint(endpoint: str | None) -> bool:
    """Whether this endpoint belongs to the advisor or admin areas."""
    view = current_app.view_functions.get(endpoint or "")
    roles = getattr(view, "allowed_roles", None)
    if roles is not None:
        return not OPEN_ROLES & set(roles)
    return (endpoint or "").split(".")[0].startswith(STAFF_BLUEPRINT_PREFIXES)


@bp.before_app_request
def require_second_factor():
    """Send advisors and admins without a second factor to the setup page first."""
    # the endpoint first: a page that needs no user (the health check) never loads one
    if (is_staff_endpoint(request.endpoint) and current_user.is_authenticated
            and mfa.needs_setup(current_user)):
        flash(_("Stel eerst tweestapsverificatie in."), "info")
        return redirect(url_for("mfa.setup"))
    return None
