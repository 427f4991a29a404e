"""The mail about new places and training, for candidates who asked for it in step 6.

`spt send-news` (daily from cron) mails each candidate with the consent "mail" at most once per
NEWS_INTERVAL_DAYS, and only when there are fitting open places it has not named before. Every
mail has a link that unsubscribes in one click on the page it opens, without logging in; the
link is made when the mail is sent and never stored.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, col, select

from spt.models import Candidate, Consent, User
from spt.models._base import utcnow
from spt.services import career, consents, mail
from spt.services.errors import DomainError
from spt.urls import external_url

SALT = "spt-news-unsubscribe"
LINK_KIND = "news_unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _unsubscribe_link(db: Session, candidate_id: int) -> str | None:
    candidate = db.get(Candidate, candidate_id)
    if candidate is None or candidate.erased_at is not None:
        return None
    return external_url("main.unsubscribe", token=_serializer().dumps({"c": candidate.id}))


mail.register_secret_link(LINK_KIND, _unsubscribe_link)


def _subscribers(db: Session):
    wanted = select(Consent.candidate_id).where(
        Consent.purpose == "mail", col(Consent.employer_id).is_(None),
        col(Consent.granted).is_(True), col(Consent.withdrawn_at).is_(None))
    return db.exec(select(Candidate, User).join(User, User.id == Candidate.user_id)
                   .where(col(Candidate.id).in_(wanted), col(Candidate.erased_at).is_(None),
                          col(Candidate.intake_completed_at).is_not(None), User.active,
                          User.email_confirmed, col(Candidate.id).not_in(
                              consents.refused("matching"))).order_by(Candidate.id)).all()


def _due(candidate: Candidate, now: datetime) -> bool:
    last = candidate.news_sent_at
    if last is None:
        return True
    last = last if last.tzinfo else last.replace(tzinfo=UTC)
    return now - last >= timedelta(days=current_app.config["NEWS_INTERVAL_DAYS"]) - \
        timedelta(hours=1)  # a cron run a little early still counts as a week


def send_news(db: Session, *, now: datetime | None = None) -> int:
    """Queue the mail for every candidate who wants it, is due and has news; return how many."""
    now, sent = now or utcnow(), 0
    for candidate, user in _subscribers(db):
        if not _due(candidate, now):
            continue
        told = set(candidate.news_placement_ids)
        new = [item for item in career.overview(db, candidate).placements
               if item.placement.id not in told]
        if not new:
            continue
        mail.queue(db, to=user.email, subject=_("Nieuwe plekken die bij je passen"),
                   body=_("Hallo,\n\nEr zijn plekken die bij je passen en die we je nog niet "
                          "mailden:\n\n%(lines)s\n\nBekijk ze op Mijn loopbaan: %(home)s\n\n"
                          "Je krijgt deze mail omdat je dat koos bij je intake. Geen mail meer? "
                          "Meld je af met één klik: %(link)s",
                          lines="\n".join(_line(item) for item in new),
                          home=external_url("candidate.home"), link=mail.SECRET_LINK),
                   secret_link=(LINK_KIND, candidate.id))
        candidate.news_placement_ids = sorted(told | {item.placement.id for item in new})
        candidate.news_sent_at = now
        db.add(candidate)
        sent += 1
    db.commit()
    return sent


def _line(item) -> str:
    line = f"- {item.placement.title} ({item.employer}, {item.place})"
    if item.modules:
        line += "\n  " + _("Scholing die helpt: %(modules)s",
                           modules=", ".join(m.title for m in item.modules))
    return line


def unsubscribe_target(db: Session, *, token: str) -> Candidate:
    """The candidate an unsubscribe link belongs to (changes nothing)."""
    try:
        data = _serializer().loads(token)
    except BadSignature as exc:
        raise DomainError(_("Deze afmeldlink is ongeldig.")) from exc
    candidate = db.get(Candidate, data.get("c")) if isinstance(data, dict) else None
    if candidate is None or candidate.erased_at is not None or candidate.user_id is None:
        raise DomainError(_("Deze afmeldlink is ongeldig."))
    return candidate


def unsubscribe(db: Session, *, token: str) -> None:
    """Withdraw the consent "mail" through the link in the mail (no login needed)."""
    candidate = unsubscribe_target(db, token=token)
    if not consents.current(db, candidate.id)["mail"]:
        return  # a second click: already off, the same answer
    consents.set_purpose(db, user=db.get(User, candidate.user_id), purpose="mail",
                         granted=False)
