"""The inbox of candidates and employers: what happened, and what is asked of them."""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select, update

from spt.models import InboxItem
from spt.models._base import utcnow

# Written out when the inbox is read, so each reader sees their own language.
TEXTS = {
    "consent_request": _l("Je adviseur wil je voorstellen aan %(employer)s voor de plek "
                          "'%(title)s'. Mag dat?"),
    "proposal": _l("Een adviseur stelt een kandidaat voor voor uw plek '%(title)s'. Bekijk "
                   "het profiel en beslis."),
    "appointment_set": _l("Kennismaking gepland: '%(title)s' bij %(employer)s, op %(when)s."),
    "appointment_changed": _l("Kennismaking verzet: '%(title)s' bij %(employer)s is nu op "
                              "%(when)s."),
    "appointment_cancelled": _l("Kennismaking afgezegd: '%(title)s' bij %(employer)s op "
                                "%(when)s gaat niet door."),
    "employer_refused": _l("Een adviseur heeft %(employer)s nog niet goedgekeurd: %(reason)s. "
                           "Pas uw gegevens aan; dan kijken we opnieuw."),
    "employer_verified": _l("Een adviseur heeft %(employer)s gecontroleerd. Uw open plekken "
                            "zijn nu te zien voor kandidaten."),
}
LONG = "EEEE d MMMM y, HH:mm"  # "dinsdag 12 januari 2027, 10:00"
ASKING = ("consent_request", "proposal")


@dataclass(frozen=True)
class Message:
    """One inbox line as its reader sees it."""

    text: str
    link: str
    at: datetime
    asked: bool  # something is asked of the reader and not done yet
    new: bool


def add(db: Session, *, user_id: int | None, kind: str, match_id: int | None,
        detail: dict) -> None:
    """Put a message in a user's inbox, in the caller's transaction."""
    if user_id is None:
        return
    if kind not in TEXTS:
        raise KeyError(f"unknown inbox kind {kind!r}")
    db.add(InboxItem(user_id=user_id, kind=kind, match_id=match_id, detail=dict(detail),
                     needs_action=kind in ASKING))


def resolve(db: Session, *, kind: str, match_ids: list[int]) -> None:
    """What was asked about these matches is done (answered, decided), in the caller's
    transaction."""
    if match_ids:
        db.exec(update(InboxItem).where(InboxItem.kind == kind,
                                        col(InboxItem.match_id).in_(match_ids),
                                        col(InboxItem.done_at).is_(None))
                .values(done_at=utcnow()))


def unread(db: Session, user_id: int) -> int:
    """How many messages this user has not seen yet."""
    return db.exec(select(func.count()).select_from(InboxItem).where(
        InboxItem.user_id == user_id, col(InboxItem.read_at).is_(None))).one()


def open_inbox(db: Session, *, user_id: int) -> list[Message]:
    """The user's messages, newest first; opening the inbox marks them read."""
    items = db.exec(select(InboxItem).where(InboxItem.user_id == user_id)
                    .order_by(col(InboxItem.created_at).desc(), col(InboxItem.id).desc())
                    .limit(200)).all()
    messages = [_message(item) for item in items]
    db.exec(update(InboxItem).where(InboxItem.user_id == user_id,
                                    col(InboxItem.read_at).is_(None)).values(read_at=utcnow()))
    db.commit()
    return messages


def _message(item: InboxItem) -> Message:
    detail = dict(item.detail)
    if detail.get("when"):
        detail["when"] = format_datetime(datetime.fromisoformat(detail["when"]), LONG)
    text = str(TEXTS[item.kind]) % {"employer": detail.get("employer", ""),
                                    "title": detail.get("title", ""),
                                    "when": detail.get("when", ""),
                                    "reason": detail.get("reason", "")}
    return Message(text=text, link=_link(item), at=item.created_at,
                   asked=item.needs_action and item.done_at is None, new=item.read_at is None)


def _link(item: InboxItem) -> str:
    if item.kind == "consent_request":
        return url_for("candidate.home", _anchor="intro-titel")
    if item.kind == "proposal" and item.match_id:
        return url_for("employer.candidate", match_id=item.match_id)
    if item.kind == "employer_verified":
        return url_for("employer.home")
    if item.kind == "employer_refused":
        return url_for("employer.organisation")
    appointment_id = item.detail.get("appointment_id")
    return url_for("appointments.show", appointment_id=appointment_id) if appointment_id else ""
