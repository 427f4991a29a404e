"""Services for the admin pages: counts, outbox and user accounts."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import or_
from sqlmodel import Session, func, select

from spt.models import (
    ROLES,
    Candidate,
    Employer,
    Module,
    Occupation,
    OutboxMessage,
    Placement,
    Skill,
    User,
)
from spt.services import audit, mail
from spt.services.errors import DomainError, NotFound


def counts(db: Session) -> dict[str, int]:
    """How many rows the main tables hold."""
    tables = {"users": User, "employers": Employer, "candidates": Candidate,
              "placements": Placement, "occupations": Occupation, "skills": Skill,
              "modules": Module}
    return {name: db.exec(select(func.count()).select_from(model)).one()
            for name, model in tables.items()}


def outbox(db: Session, *, admin_id: int, limit: int = 200) -> list[tuple[OutboxMessage, str]]:
    """The most recent outbound messages, newest first, with secret links masked (logged)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    rows = [(message, mail.shown_body(message)) for message in db.exec(query)]
    audit.record(db, actor_id=admin_id, action="admin.outbox_viewed",
                 detail={"messages": [m.id for m, _body in rows]})
    db.commit()
    return rows


@dataclass(frozen=True)
class UserRow:
    """A user as the admin's user list shows it."""

    user: User
    name: str


def list_users(db: Session, *, role: str = "", query: str = "", limit: int = 200) -> list[UserRow]:
    """Users filtered by role and by a search in e-mail, candidate name or organisation."""
    statement = (select(User, Candidate.first_name, Candidate.last_name, Employer.name)
                 .join(Candidate, Candidate.user_id == User.id, isouter=True)
                 .join(Employer, Employer.user_id == User.id, isouter=True))
    if role in ROLES:
        statement = statement.where(User.role == role)
    if text := query.strip()[:100]:
        text = text.lower()
        full_name = func.lower(Candidate.first_name + " " + Candidate.last_name)
        statement = statement.where(or_(*(column.contains(text, autoescape=True) for column in (
            func.lower(User.email), full_name, func.lower(Employer.name)))))
    rows = db.exec(statement.order_by(User.role, User.email).limit(limit))
    return [UserRow(user, employer or " ".join(p for p in (first, last) if p))
            for user, first, last, employer in rows]


def set_active(db: Session, *, admin: User, user_id: int, active: bool) -> User:
    """Deactivate (every session ends at once) or reactivate an account."""
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(_("Deze gebruiker bestaat niet."))
    if user.id == admin.id:
        raise DomainError(_("Je kunt je eigen account niet uitzetten."))
    if user.active != active:
        user.active = active
        user.session_version += 1  # refused on the next request, wherever it is logged in
        audit.record(db, actor_id=admin.id, subject_type="user", subject_id=user.id,
                     action="admin.user_reactivated" if active else "admin.user_deactivated")
    db.commit()
    return user


def reset_second_factor(db: Session, *, admin: User | None, user_id: int) -> User:
    """Remove a lost second factor; the user sets up a new one at the next login.

    admin is None when the reset comes from the command line (`spt reset-mfa`).
    """
    user = db.get(User, user_id)
    if user is None or not user.totp_secret:
        raise NotFound(_("Deze gebruiker heeft geen tweestapsverificatie."))
    user.totp_secret, user.totp_last_step = None, None
    user.session_version += 1
    audit.record(db, actor_id=admin.id if admin else None, action="admin.mfa_reset",
                 subject_type="user", subject_id=user.id, detail={"via": "web" if admin else "cli"})
    db.commit()
    return user
