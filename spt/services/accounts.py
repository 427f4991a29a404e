"""Accounts: registration, login with lockout, logout, password change and reset."""

from datetime import UTC, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from spt.models import ROLES, Candidate, Employer, User
from spt.models._base import utcnow
from spt.services import audit, mail
from spt.services.errors import DomainError
from spt.services.passwords import hash_password, password_problem, verify_password

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
RESET_SALT = "spt-password-reset"
_NO = ("", "0", "false", "no", "nee", "off")


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(db: Session, email: str) -> User | None:
    """Return the user with this e-mail address (case-insensitive), if any."""
    return db.exec(select(User).where(func.lower(User.email) == _normalise_email(email))).first()


def _new_user(db: Session, *, email: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise DomainError(_("Onbekende rol."), field="role")
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password")
    if find_by_email(db, email):
        raise DomainError(_("Er is al een account met dit e-mailadres."), field="email")
    user = User(email=_normalise_email(email), password_hash=hash_password(password), role=role)
    db.add(user)
    try:
        db.flush()
    except IntegrityError as error:  # the same address registered a moment ago (two browsers)
        db.rollback()
        raise DomainError(_("Er is al een account met dit e-mailadres."), field="email") from error
    return user


def new_candidate_user(db: Session, *, email: str, password: str) -> User:
    """Create a candidate account inside the caller's transaction (the caller commits)."""
    user = _new_user(db, email=email, password=password, role="candidate")
    audit.record(db, actor_id=user.id, action="account.registered", subject_type="user",
                 subject_id=user.id, detail={"role": "candidate"})
    return user


def register_candidate(db: Session, *, email: str, password: str) -> User:
    """Create a candidate account with an empty candidate profile."""
    user = _new_user(db, email=email, password=password, role="candidate")
    db.add(Candidate(user_id=user.id, email=user.email))
    audit.record(db, actor_id=user.id, action="account.registered", subject_type="user",
                 subject_id=user.id, detail={"role": "candidate"})
    db.commit()
    return user


def register_employer(db: Session, *, email: str, password: str, organisation: str,
                      contact_name: str = "") -> User:
    """Create an employer account; the organisation stays unverified until an advisor checks it."""
    user = _new_user(db, email=email, password=password, role="employer")
    db.add(Employer(user_id=user.id, name=organisation.strip(), contact_name=contact_name.strip()))
    audit.record(db, actor_id=user.id, action="account.registered", subject_type="user",
                 subject_id=user.id, detail={"role": "employer"})
    db.commit()
    return user


def create_user(db: Session, *, email: str, password: str, role: str,
                organisation: str = "") -> User:
    """Create an account of any role (advisor and admin accounts come from the CLI)."""
    user = _new_user(db, email=email, password=password, role=role)
    if role == "candidate":
        db.add(Candidate(user_id=user.id, email=user.email))
    elif role == "employer":
        db.add(Employer(user_id=user.id, name=organisation.strip() or user.email))
    audit.record(db, actor_id=None, action="account.created", subject_type="user",
                 subject_id=user.id, detail={"role": role})
    db.commit()
    return user


def authenticate(db: Session, *, email: str, password: str) -> User:
    """Return the user for these credentials, counting failures and locking after too many.

    A user with a second factor due is returned without being logged in: the login completes
    in spt.services.mfa.verify_login, and failures of both steps count towards the lockout.
    """
    user = find_by_email(db, email)
    now = utcnow()
    refuse_when_locked(user, now)
    if user is None or not verify_password(user.password_hash, password) or not user.active:
        if user is not None:
            count_failure(db, user, now)
        raise DomainError(_("Dit e-mailadres en wachtwoord horen niet bij elkaar."))
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


def refuse_when_locked(user: User | None, now) -> None:
    """Refuse a login attempt while the account is locked after too many failures."""
    if user is not None and user.locked_until and _aware(user.locked_until) > now:
        raise DomainError(_("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."))


def complete_login(db: Session, user: User, *, now, second_factor: bool = False) -> None:
    """Record a successful login and clear the failure count."""
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.record(db, actor_id=user.id, action="account.login", subject_type="user",
                 subject_id=user.id, detail={"mfa": True} if second_factor else None)
    db.commit()


def count_failure(db: Session, user: User, now) -> None:
    """Count a failed login step; lock the account after too many in a row."""
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until, user.failed_logins = now + LOCKOUT, 0
    audit.record(db, actor_id=None, action="account.login_failed", subject_type="user",
                 subject_id=user.id)
    db.commit()


def _aware(moment):
    # SQLite returns naive datetimes even for timezone columns; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def end_sessions(db: Session, user: User) -> None:
    """End every session of this user (logout everywhere)."""
    user.session_version += 1
    audit.record(db, actor_id=user.id, action="account.logout", subject_type="user",
                 subject_id=user.id)
    db.commit()


def change_password(db: Session, user: User, *, current: str, new: str) -> User:
    """Change the password after checking the current one; other sessions end."""
    if not verify_password(user.password_hash, current):
        raise DomainError(_("Je huidige wachtwoord klopt niet."), field="current_password")
    problem = password_problem(new)
    if problem:
        raise DomainError(problem, field="new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    audit.record(db, actor_id=user.id, action="account.password_changed", subject_type="user",
                 subject_id=user.id)
    db.commit()
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def request_reset(db: Session, *, email: str, link_for) -> None:
    """Mail a single-use reset link if the address has an account; say nothing either way."""
    user = find_by_email(db, email)
    if user is None or not user.active:
        return
    # The hash fragment makes the token single-use: it stops matching once the password changes.
    token = _serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})
    mail.queue(db, to=user.email, subject=_("Nieuw wachtwoord instellen voor SPT Match"),
               body=_("Via deze link stel je een nieuw wachtwoord in. De link werkt één keer "
                      "en is een uur geldig:\n\n%(link)s\n\nHeb je dit niet gevraagd? Dan "
                      "hoef je niets te doen.", link=link_for(token)))
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
    audit.record(db, actor_id=user.id, action="account.password_reset", subject_type="user",
                 subject_id=user.id)
    db.commit()
    return user
