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
from flask_limiter.util import get_remote_address
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
from spt.urls import safe_path
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


DEVICE_COOKIE = "spt_device"


def register_limit() -> str:
    """The rate limit of registrations from one address."""
    return current_app.config["REGISTER_RATE_LIMIT"]


def password_check_limit() -> str:
    """The rate limit of current-password checks by a logged-in user."""
    return current_app.config["PASSWORD_CHECK_RATE_LIMIT"]


def per_user() -> str:
    """Rate-limit key: the logged-in user, else the client address."""
    user_id = getattr(current_user, "id", None)
    return f"user:{user_id}" if user_id else get_remote_address()


def trusted_device(user=None) -> bool:
    """Whether this browser carries the device cookie of this (or the current) user."""
    user = user or current_user
    return accounts.device_user_id(request.cookies.get(DEVICE_COOKIE)) == getattr(user, "id", 0)


def sessions_ended(error: accounts.SessionsEnded):
    """Log out at once after too many wrong passwords from this session."""
    logout_user()
    session.clear()
    flash(error.message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Log in and go to the role's start page (or where the user was going)."""
    form = LoginForm()
    if form.validate_on_submit():
        device_user = accounts.device_user_id(request.cookies.get(DEVICE_COOKIE))
        try:
            user = accounts.authenticate(get_db(), email=form.email.data,
                                         password=form.password.data, device_user=device_user)
        except DomainError as error:
            add_error(form, error)
        else:
            next_url = safe_path(request.args.get("next"))
            if mfa.needs_code(user):
                return _ask_second_factor(user, next_url, trusted=device_user == user.id)
            return start_session(user, next_url)
    return render_form("auth/login.html", form)


def _ask_second_factor(user, next_url: str | None, *, trusted: bool):
    # Nobody is logged in yet: the session only remembers who gave the right password, and when.
    session.clear()
    session[MFA_PENDING] = {"user_id": user.id, "since": int(time.time()), "next": next_url,
                            "trusted": trusted}
    return redirect(url_for("mfa.verify"))


def start_session(user, next_url: str | None = None):
    """Log the user in with a fresh session; staff without a second factor set it up first.

    Nothing of the session before survives, an intake draft's token included: on a shared
    computer the next person must not see or overwrite what the previous one typed.
    """
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(user)
    session.permanent = True
    target = url_for("mfa.setup") if mfa.needs_setup(user) else next_url or home_for(user)
    response = redirect(target)
    response.set_cookie(DEVICE_COOKIE, accounts.device_token(user), max_age=365 * 24 * 3600,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                        samesite="Lax")
    return response


@bp.post("/uitloggen")
@login_required
def logout():
    """Log out everywhere: every session of this user ends."""
    accounts.end_sessions(get_db(), current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Je bent uitgelogd."), "info")
    return redirect(url_for("main.index"))


def _signed_up(form, role: str, **profile):
    try:
        accounts.sign_up(get_db(), email=form.email.data, password=form.password.data,
                         role=role, **profile)
    except DomainError as error:
        add_error(form, error)
        return None
    flash(_("Kijk in je mail. Is dit adres nieuw bij ons, dan staat daar een link om het te "
            "bevestigen; daarna kun je inloggen. Heb je al een account, dan staat in de mail "
            "hoe je inlogt."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/registreren", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
def register():
    """Create a candidate account; the address is confirmed by mail before the first login."""
    form = RegisterForm()
    if form.validate_on_submit() and (done := _signed_up(form, "candidate")):
        return done
    return render_form("auth/register.html", form)


@bp.route("/werkgever/registreren", methods=["GET", "POST"])
@limiter.limit(register_limit, methods=["POST"])
def register_employer():
    """Create an employer account; placements go live after an advisor's verification."""
    form = EmployerRegisterForm()
    if form.validate_on_submit() and (done := _signed_up(
            form, "employer", organisation=form.organisation.data,
            contact_name=form.contact_name.data)):
        return done
    return render_form("auth/register_employer.html", form)


@bp.get("/e-mailadres-bevestigen/<token>")
def confirm_email(token: str):
    """Confirm the address of a new account through the mailed link."""
    accounts.confirm_email(get_db(), token=token)
    flash(_("Je e-mailadres is bevestigd. Log in om verder te gaan."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord", methods=["GET", "POST"])
@login_required
@limiter.limit(password_check_limit, methods=["POST"], key_func=per_user)
def change_password():
    """Change the password; every other session ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(get_db(), current_user._get_current_object(),
                                            current=form.current_password.data,
                                            new=form.new_password.data,
                                            trusted=trusted_device())
        except accounts.SessionsEnded as error:
            return sessions_ended(error)
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
        accounts.request_reset(get_db(), email=form.email.data)
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
