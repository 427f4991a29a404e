"""A visitor's intake outlives the browser: kept against the step-1 address, resumed by link.

The "ga verder" link is signed, expires (INTAKE_RESUME_MAX_AGE) and works once: it carries a
nonce that is replaced when the link is used or the address changes. It is made when the mail
is sent and never stored. Logging in with the same address picks the draft up too. Nothing here
tells a visitor whether an address has a draft or an account: asking for a new link answers the
same either way. Unfinished drafts follow the retention period for intake drafts.
"""

import secrets

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, col, func, select, update

from spt.models import Candidate, IntakeDraft, User
from spt.models._base import utcnow
from spt.services import audit, mail
from spt.services.errors import DomainError
from spt.urls import external_url

RESUME_SALT = "spt-intake-resume"
LINK_KIND = "intake_resume"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESUME_SALT)


def _normalise(email: str) -> str:
    return (email or "").strip().lower()


def _resume_link(db: Session, draft_id: int) -> str | None:
    draft = db.get(IntakeDraft, draft_id)
    if draft is None or draft.user_id is not None or not draft.email:
        return None
    token = _serializer().dumps({"d": draft.id, "n": draft.resume_nonce})
    return external_url("intake.resume", token=token)


mail.register_secret_link(LINK_KIND, _resume_link)


def _queue_link(db: Session, draft: IntakeDraft) -> None:
    days = max(1, current_app.config["INTAKE_RESUME_MAX_AGE"] // (24 * 3600))
    keep = current_app.config["RETENTION_INTAKE_DRAFT_DAYS"]
    mail.queue(db, to=draft.email, subject=_("Ga verder met je intake bij SPT Match"),
               body=_("Je bent begonnen met je intake bij SPT Match. Wat je invult, bewaren we "
                      "na elke stap.\n\nWil je later verder, ook op een andere telefoon of "
                      "computer? Open dan deze link. De link werkt één keer en is %(days)d "
                      "dagen geldig:\n\n%(link)s\n\nJe kunt ook inloggen of een account maken "
                      "met dit e-mailadres. Dan vind je je intake ook terug.\n\nMaak je de "
                      "intake niet af? Dan verwijderen we wat je invulde na %(keep)d dagen.\n\n"
                      "Was jij dit niet? Dan hoef je niets te doen.",
                      days=days, link=mail.SECRET_LINK, keep=keep),
               secret_link=(LINK_KIND, draft.id))


def remember_address(db: Session, draft: IntakeDraft, email: str) -> None:
    """After a visitor's step 1: a new or changed address gets a "ga verder" link (caller commits).

    A link sent to the old address stops working.
    """
    email = _normalise(email)
    if draft.user_id is not None or not email or draft.email == email:
        return
    draft.email, draft.resume_nonce = email, secrets.token_urlsafe(16)
    db.add(draft)
    db.flush()  # the link names the draft by its id
    _queue_link(db, draft)


def _newest_open(db: Session, email: str) -> IntakeDraft | None:
    return db.exec(select(IntakeDraft).where(
        func.lower(IntakeDraft.email) == _normalise(email), col(IntakeDraft.user_id).is_(None),
        IntakeDraft.email != "").order_by(col(IntakeDraft.updated_at).desc(),
                                          col(IntakeDraft.id).desc())).first()


def send_link(db: Session, *, email: str) -> None:
    """Mail a new link to the newest open draft of this address, if there is one; say nothing."""
    draft = _newest_open(db, email)
    if draft is None:
        return
    _queue_link(db, draft)
    db.commit()


def check_link(db: Session, *, token: str) -> IntakeDraft:
    """The draft a "ga verder" link opens, if the link is valid and unused (changes nothing)."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["INTAKE_RESUME_MAX_AGE"])
    except SignatureExpired as exc:
        raise DomainError(_("Deze link is verlopen. Vraag hieronder een nieuwe aan.")) from exc
    except BadSignature as exc:
        raise DomainError(_("Deze link is ongeldig of al gebruikt. Vraag hieronder een nieuwe "
                            "aan.")) from exc
    draft = db.get(IntakeDraft, data.get("d")) if isinstance(data, dict) else None
    if (draft is None or draft.user_id is not None or not draft.resume_nonce
            or not secrets.compare_digest(draft.resume_nonce, str(data.get("n")))):
        raise DomainError(_("Deze link is ongeldig of al gebruikt. Vraag hieronder een nieuwe "
                            "aan."))
    return draft


def resume(db: Session, *, token: str, user: User | None = None) -> str | None:
    """Take the draft over in this browser; the link is used up and other browsers lose it.

    Returns the draft's new browser token; for a logged-in candidate with the same address the
    draft becomes the account's (None is returned).
    """
    draft = check_link(db, token=token)
    if user is not None and (_normalise(user.email) != draft.email or not _may_claim(db, user)):
        raise DomainError(_("Deze link hoort bij een ander account of bij een intake die al "
                            "klaar is. Log uit en open de link opnieuw."))
    changes = {"resume_nonce": secrets.token_urlsafe(16), "token": secrets.token_urlsafe(32),
               "updated_at": utcnow(), "user_id": user.id if user else None}
    # Only one of two browsers that open the same link at once takes the draft over.
    used = db.exec(update(IntakeDraft).where(IntakeDraft.id == draft.id,
                                             IntakeDraft.resume_nonce == draft.resume_nonce)
                   .values(**changes))
    if used.rowcount != 1:  # nothing was written
        raise DomainError(_("Deze link is ongeldig of al gebruikt. Vraag hieronder een nieuwe "
                            "aan."))
    audit.record(db, actor_id=user.id if user else None, action="intake.resumed",
                 subject_type="intake_draft", subject_id=draft.id)
    db.commit()
    return None if user is not None else changes["token"]


def _may_claim(db: Session, user: User) -> bool:
    if user.role != "candidate":
        return False
    if db.exec(select(IntakeDraft.id).where(IntakeDraft.user_id == user.id)).first():
        return False  # the account's own draft wins
    finished = db.exec(select(Candidate.id).where(
        Candidate.user_id == user.id, col(Candidate.intake_completed_at).is_not(None))).first()
    return finished is None  # a visitor's draft never overwrites a finished profile


def claim(db: Session, user: User) -> IntakeDraft | None:
    """At login: the newest open draft with this account's address becomes its own (caller commits).

    The login proves the address; the browser that typed the draft loses it.
    """
    if not _may_claim(db, user) or (draft := _newest_open(db, user.email)) is None:
        return None
    draft.user_id, draft.token = user.id, secrets.token_urlsafe(32)
    draft.resume_nonce, draft.updated_at = "", utcnow()
    db.add(draft)
    audit.record(db, actor_id=user.id, action="intake.claimed", subject_type="intake_draft",
                 subject_id=draft.id)
    return draft
