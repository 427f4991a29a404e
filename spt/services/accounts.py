"""Accounts: registration with a confirmed address, login with throttling, passwords and resets.

Nothing here tells a visitor whether an address has an account: every login failure gets one
message and the same work (a hash is verified for unknown addresses too), registration answers
the same for a new and a taken address (the owner of a taken one gets a mail instead), and a
reset request says nothing either way. Failed password steps slow down the browsers that do not
carry the user's device cookie (set at a successful login), so an attacker who guesses cannot
lock the owner out of the browser they always use.
"""

from datetime import UTC, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from spt.db import savepoint
from spt.models import ROLES, Candidate, Employer, User
from spt.models._base import utcnow
from spt.services import audit, intake_drafts, mail
from spt.services.errors import DomainError
from spt.services.passwords import dummy_hash, hash_password, password_problem, verify_password
from spt.urls import external_url

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
RESET_SALT = "spt-password-reset"
CONFIRM_SALT = "spt-confirm-email"
DEVICE_SALT = "spt-device"
_NO = ("", "0", "false", "no", "nee", "off")


def login_refused() -> DomainError:
    """The one answer to every failed login: unknown, wrong, inactive, throttled."""
    return DomainError(_("Inloggen is niet gelukt. Controleer je e-mailadres en wachtwoord. Na "
                         "veel mislukte pogingen moet je 15 minuten wachten; je kunt ook een "
                         "nieuw wachtwoord aanvragen."))


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(db: Session, email: str) -> User | None:
    """Return the user with this e-mail address (case-insensitive), if any."""
    return db.exec(select(User).where(func.lower(User.email) == _normalise_email(email))).first()


def _verify_or_pretend(user: User | None, password: str) -> bool:
    """Verify the password; for no user, verify against a dummy hash: the same work either way."""
    if user is None:
        verify_password(dummy_hash(), password)
        return False
    return verify_password(user.password_hash, password)


def _new_user(db: Session, *, email: str, password: str, role: str,
              confirmed: bool = True) -> User:
    if role not in ROLES:
        raise DomainError(_("Onbekende rol."), field="role")
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password")
    if find_by_email(db, email):
        raise DomainError(_("Er is al een account met dit e-mailadres."), field="email")
    user = User(email=_normalise_email(email), password_hash=hash_password(password), role=role,
                email_confirmed=confirmed)
    try:
        with savepoint(db):  # a savepoint: a failure undoes this account, not the caller's work
            db.add(user)
            db.flush()
    except IntegrityError as error:  # the same address registered a moment ago (two browsers)
        raise DomainError(_("Er is al een account met dit e-mailadres."), field="email") from error
    return user


def _profile_for(db: Session, user: User, organisation: str = "", contact_name: str = ""):
    if user.role == "candidate":
        db.add(Candidate(user_id=user.id, email=user.email))
    elif user.role == "employer":
        db.add(Employer(user_id=user.id, name=organisation.strip() or user.email,
                        contact_name=contact_name.strip()))


def sign_up(db: Session, *, email: str, password: str, role: str, organisation: str = "",
            contact_name: str = "") -> None:
    """Self-registration: the same answer for a new and a taken address, both by mail.

    A new address gets an unconfirmed account and a confirmation link; a taken one a mail to
    its owner. The caller shows 'check your mail' either way.
    """
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password")
    existing = find_by_email(db, email)
    if existing is not None:
        hash_password(password)  # the same work as creating an account
        notify_taken_address(db, existing)
        db.commit()
        return
    user = _new_user(db, email=email, password=password, role=role, confirmed=False)
    _profile_for(db, user, organisation, contact_name)
    audit.record(db, actor_id=user.id, action="account.registered", subject_type="user",
                 subject_id=user.id, detail={"role": role})
    send_confirmation(db, user)
    db.commit()


def new_candidate_user(db: Session, *, email: str, password: str) -> User:
    """Create an unconfirmed candidate account inside the caller's transaction (caller commits)."""
    user = _new_user(db, email=email, password=password, role="candidate", confirmed=False)
    audit.record(db, actor_id=user.id, action="account.registered", subject_type="user",
                 subject_id=user.id, detail={"role": "candidate"})
    send_confirmation(db, user)
    return user


def notify_taken_address(db: Session, user: User) -> None:
    """Tell the owner of an address that someone tried to register with it (caller commits)."""
    mail.queue(db, to=user.email, subject=_("Je hebt al een account bij SPT Match"),
               body=_("Iemand wilde een account maken met dit e-mailadres, maar je hebt er al "
                      "een. Was jij dat? Log dan in: %(link)s\n\nWachtwoord vergeten? Vraag op "
                      "die pagina een nieuw aan. Was jij dit niet? Dan hoef je niets te doen.",
                      link=external_url("auth.login")))
    audit.record(db, actor_id=None, action="account.register_taken", subject_type="user",
                 subject_id=user.id)


def create_user(db: Session, *, email: str, password: str, role: str,
                organisation: str = "") -> User:
    """Create an account of any role (advisor and admin accounts come from the CLI)."""
    user = _new_user(db, email=email, password=password, role=role)
    _profile_for(db, user, organisation)
    audit.record(db, actor_id=None, action="account.created", subject_type="user",
                 subject_id=user.id, detail={"role": role})
    db.commit()
    return user


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def device_token(user: User) -> str:
    """The value of the device cookie that marks this browser as one the user logged in with."""
    return _device_serializer().dumps({"u": user.id})


def device_user_id(token: str | None) -> int | None:
    """The user a device cookie belongs to (valid for a year), or None."""
    if not token:
        return None
    try:
        data = _device_serializer().loads(token, max_age=365 * 24 * 3600)
    except BadSignature:
        return None
    return data.get("u") if isinstance(data, dict) else None


def authenticate(db: Session, *, email: str, password: str,
                 device_user: int | None = None) -> User:
    """Return the user for these credentials; every failure gets the same answer and work.

    A user with a second factor due is returned without being logged in: the login completes
    in spt.services.mfa.verify_login, and failures of both steps count towards the throttle.
    """
    user = find_by_email(db, email)
    now = utcnow()
    trusted = user is not None and device_user == user.id
    correct = _verify_or_pretend(user, password)
    if user is None or not user.active:
        raise login_refused()
    if is_throttled(user, now, trusted=trusted):
        raise login_refused()
    if not correct:
        count_failure(db, user, now, trusted=trusted)
        raise login_refused()
    if not user.email_confirmed:
        send_confirmation(db, user)
        db.commit()
        raise DomainError(_("Bevestig eerst je e-mailadres met de link in je mail. We hebben je "
                            "de link zojuist opnieuw gestuurd."))
    if not second_factor_due(user):
        complete_login(db, user, now=now)
    return user


def mfa_switched_on() -> bool:
    """Whether the second factor is in force (MFA_REQUIRED; off only in tests and journeys)."""
    value = current_app.config.get("MFA_REQUIRED", True)
    return value.strip().lower() not in _NO if isinstance(value, str) else bool(value)


def second_factor_due(user: User) -> bool:
    """Whether this login still needs a TOTP code after the password."""
    return bool(user.totp_secret) and mfa_switched_on()


def _aware(moment):
    # SQLite returns naive datetimes even for timezone columns; they are stored in UTC.
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def is_throttled(user: User, now, *, trusted: bool) -> bool:
    """Whether password steps from this kind of browser wait after too many failures."""
    until = _aware(user.trusted_locked_until if trusted else user.locked_until)
    return until is not None and until > now


def complete_login(db: Session, user: User, *, now, second_factor: bool = False) -> None:
    """Record a successful login and clear the failure counts; pick up an intake left behind."""
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    user.trusted_failed_logins, user.trusted_locked_until = 0, None
    intake_drafts.claim(db, user)
    audit.record(db, actor_id=user.id, action="account.login", subject_type="user",
                 subject_id=user.id, detail={"mfa": True} if second_factor else None)
    db.commit()


def count_failure(db: Session, user: User, now, *, trusted: bool = False) -> bool:
    """Count a failed password or code step; True when the throttle now applies."""
    if trusted:
        user.trusted_failed_logins += 1
        throttled = user.trusted_failed_logins >= MAX_FAILED_LOGINS
        if throttled:
            user.trusted_locked_until, user.trusted_failed_logins = now + LOCKOUT, 0
    else:
        user.failed_logins += 1
        throttled = user.failed_logins >= MAX_FAILED_LOGINS
        if throttled:
            user.locked_until, user.failed_logins = now + LOCKOUT, 0
    audit.record(db, actor_id=None, action="account.login_failed", subject_type="user",
                 subject_id=user.id, detail={"trusted_device": trusted, "throttled": throttled})
    db.commit()
    return throttled


class SessionsEnded(DomainError):
    """Too many wrong passwords from a logged-in session: every session of the user ended."""


def check_password(db: Session, user: User, password: str, *, trusted: bool,
                   field: str = "password") -> None:
    """Check a logged-in user's password (change, deletion) with the login's failure count.

    Too many failures end every session of the user: whoever is guessing is logged out.
    """
    now = utcnow()
    if is_throttled(user, now, trusted=trusted):
        raise DomainError(_("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."),
                          field=field)
    if verify_password(user.password_hash, password):
        return
    if count_failure(db, user, now, trusted=trusted):
        user.session_version += 1
        db.commit()
        raise SessionsEnded(_("Te vaak een verkeerd wachtwoord. Voor de veiligheid ben je "
                              "uitgelogd. Log opnieuw in."))
    raise DomainError(_("Je wachtwoord klopt niet."), field=field)


def end_sessions(db: Session, user: User) -> None:
    """End every session of this user (logout everywhere)."""
    user.session_version += 1
    audit.record(db, actor_id=user.id, action="account.logout", subject_type="user",
                 subject_id=user.id)
    db.commit()


def change_password(db: Session, user: User, *, current: str, new: str,
                    trusted: bool = True) -> User:
    """Change the password after checking the current one; other sessions end."""
    check_password(db, user, current, trusted=trusted, field="current_password")
    problem = password_problem(new)
    if problem:
        raise DomainError(problem, field="new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(db, actor_id=user.id, action="account.password_changed", subject_type="user",
                 subject_id=user.id)
    db.commit()
    return user


def _serializer(salt: str = RESET_SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _reset_link(db: Session, user_id: int) -> str | None:
    user = db.get(User, user_id)
    if user is None or not user.active:
        return None
    # The hash fragment makes the token single-use: it stops matching once the password changes.
    token = _serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})
    return external_url("auth.reset_password", token=token)


def _confirm_link(db: Session, user_id: int) -> str | None:
    user = db.get(User, user_id)
    if user is None or user.email_confirmed:
        return None
    token = _serializer(CONFIRM_SALT).dumps({"id": user.id, "e": user.email})
    return external_url("auth.confirm_email", token=token)


mail.register_secret_link("password_reset", _reset_link)
mail.register_secret_link("confirm_email", _confirm_link)


def send_confirmation(db: Session, user: User) -> None:
    """Queue the confirmation link for a new address (caller commits); made at sending time."""
    mail.queue(db, to=user.email, subject=_("Bevestig je e-mailadres voor SPT Match"),
               body=_("Welkom bij SPT Match. Bevestig je e-mailadres via deze link; daarna kun "
                      "je inloggen. De link is een week geldig:\n\n%(link)s\n\nHeb je geen "
                      "account gemaakt? Dan hoef je niets te doen.", link=mail.SECRET_LINK),
               secret_link=("confirm_email", user.id))


def confirm_email(db: Session, *, token: str) -> User:
    """Mark the address of the account in this confirmation link as confirmed."""
    try:
        data = _serializer(CONFIRM_SALT).loads(
            token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    except SignatureExpired as exc:
        raise DomainError(_("Deze link is verlopen. Log in; dan sturen we een nieuwe.")) from exc
    except BadSignature as exc:
        raise DomainError(_("Deze link is ongeldig.")) from exc
    user = db.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.email != data.get("e"):
        raise DomainError(_("Deze link is ongeldig."))
    if not user.email_confirmed:
        user.email_confirmed = True
        audit.record(db, actor_id=user.id, action="account.email_confirmed",
                     subject_type="user", subject_id=user.id)
        db.commit()
    return user


def request_reset(db: Session, *, email: str) -> None:
    """Mail a single-use reset link if the address has an account; say nothing either way.

    The link is made when the mail is sent and never stored: the outbox shows it masked.
    """
    user = find_by_email(db, email)
    if user is None or not user.active:
        return
    mail.queue(db, to=user.email, subject=_("Nieuw wachtwoord instellen voor SPT Match"),
               body=_("Via deze link stel je een nieuw wachtwoord in. De link werkt één keer "
                      "en is een uur geldig:\n\n%(link)s\n\nHeb je dit niet gevraagd? Dan "
                      "hoef je niets te doen.", link=mail.SECRET_LINK),
               secret_link=("password_reset", user.id))
    audit.record(db, actor_id=None, action="account.reset_requested", subject_type="user",
                 subject_id=user.id)
    db.commit()


def reset_password(db: Session, *, token: str, new: str) -> User:
    """Set a new password from a valid, unused reset token; every session ends."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired as exc:
        raise DomainError(_("Deze link is verlopen. Vraag een nieuwe aan.")) from exc
    except BadSignature as exc:
        raise DomainError(_("Deze link is ongeldig of al gebruikt.")) from exc
    user = db.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise DomainError(_("Deze link is ongeldig of al gebruikt."))
    problem = password_problem(new)
    if problem:
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    user.failed_logins, user.locked_until = 0, None
    user.trusted_failed_logins, user.trusted_locked_until = 0, None
    user.email_confirmed = True  # the link reached the address
    audit.record(db, actor_id=user.id, action="account.password_reset", subject_type="user",
                 subject_id=user.id)
    db.commit()
    return user
