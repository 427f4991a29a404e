"""Login, logout, registration and passwords."""

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from spt.db import get_db
from spt.extensions import limiter
from spt.forms.auth import (
    EmployerRegisterForm,
    LoginForm,
    PasswordChangeForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
)
from spt.services import accounts, mfa
from spt.services.errors import DomainError
from spt.views import add_error, render_form

bp = Blueprint("auth", __name__)
MFA_PENDING = "mfa_pending"  # who passed the password step and is asked for a TOTP code
HOME_BY_ROLE = {"candidate": "candidate.home", "employer": "employer.home",
                "advisor": "advisor.home", "admin": "admin.home"}


@bp.before_app_request
def refuse_nul_characters():
    """Refuse a NUL character in submitted text with a Dutch 400; PostgreSQL cannot store it."""
    texts = [request.path, *(value for _key, value in request.args.items(multi=True))]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        texts += [value for _key, value in request.form.items(multi=True)]
    elif request.is_json:
        texts.append(request.get_data(as_text=True).replace("\\u0000", "\x00"))
    if not any("\x00" in text for text in texts):
        return None
    message = _("Wat je invulde bevat een onzichtbaar teken dat niet is toegestaan (NUL). "
                "Haal het weg en probeer het opnieuw.")
    if request.path.startswith("/api/"):
        return jsonify(error=message), 400
    raise DomainError(message)


def home_for(user) -> str:
    """The start page of a user's role."""
    return url_for(HOME_BY_ROLE.get(user.role, "main.index"))


def login_limit() -> str:
    """The rate limit of login attempts (also the second step)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    # Only local paths: an open redirect would help phishing.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Log in and go to the role's start page (or where the user was going)."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(get_db(), email=form.email.data,
                                         password=form.password.data)
        except DomainError as error:
            add_error(form, error)
        else:
            next_url = _safe_next(request.args.get("next"))
            if mfa.needs_code(user):
                return _ask_second_factor(user, next_url)
            return start_session(user, next_url)
    return render_form("auth/login.html", form)


def _ask_second_factor(user, next_url: str | None):
    # Nobody is logged in yet: the session only remembers who gave the right password, and when.
    session.clear()
    session[MFA_PENDING] = {"user_id": user.id, "since": int(time.time()), "next": next_url}
    return redirect(url_for("mfa.verify"))


def start_session(user, next_url: str | None = None):
    """Log the user in with a fresh session; staff without a second factor set it up first."""
    intake_token = session.get("intake_token")  # a visitor's intake draft survives logging in
    session.clear()
    if intake_token:
        session["intake_token"] = intake_token
    login_user(user)
    session.permanent = True
    if mfa.needs_setup(user):
        return redirect(url_for("mfa.setup"))
    return redirect(next_url or home_for(user))


@bp.post("/uitloggen")
@login_required
def logout():
    """Log out everywhere: every session of this user ends."""
    accounts.end_sessions(get_db(), current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("main.index"))


@bp.route("/registreren", methods=["GET", "POST"])
def register():
    """Create a candidate account."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_candidate(get_db(), email=form.email.data,
                                               password=form.password.data)
        except DomainError as error:
            add_error(form, error)
        else:
            login_user(user)
            session.permanent = True
            flash(_("Je account is aangemaakt."), "success")
            return redirect(home_for(user))
    return render_form("auth/register.html", form)


@bp.route("/werkgever/registreren", methods=["GET", "POST"])
def register_employer():
    """Create an employer account; placements go live after verification."""
    form = EmployerRegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_employer(
                get_db(), email=form.email.data, password=form.password.data,
                organisation=form.organisation.data, contact_name=form.contact_name.data)
        except DomainError as error:
            add_error(form, error)
        else:
            login_user(user)
            session.permanent = True
            flash(_("Je account is aangemaakt. Een adviseur controleert je organisatie; "
                    "daarna komen je plekken online."), "success")
            return redirect(home_for(user))
    return render_form("auth/register_employer.html", form)


@bp.route("/wachtwoord", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other session ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(get_db(), current_user._get_current_object(),
                                            current=form.current_password.data,
                                            new=form.new_password.data)
        except DomainError as error:
            add_error(form, error)
        else:
            login_user(user)  # this session continues with the new session version
            flash(_("Je wachtwoord is gewijzigd. Andere sessies zijn beëindigd."), "success")
            return redirect(home_for(user))
    return render_form("auth/change_password.html", form)


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def forgot_password():
    """Mail a reset link; the answer is the same whether or not the address is known."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_reset(get_db(), email=form.email.data, link_for=lambda token: url_for(
            "auth.reset_password", token=token, _external=True))
        flash(_("Als dit adres bij een account hoort, krijg je een e-mail met een link."), "info")
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot_password.html", form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password through a mailed link."""
    form = ResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(get_db(), token=token, new=form.password.data)
        except DomainError as error:
            add_error(form, error)
        else:
            flash(_("Je wachtwoord is ingesteld. Log in met je nieuwe wachtwoord."), "success")
            return redirect(url_for("auth.login"))
    return render_form("auth/reset_password.html", form)
