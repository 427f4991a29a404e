"""The advisors' daily digest mail: how much new work waits, with a link and no personal data."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlmodel import Session, col, func, select

from spt.models import Candidate, Employer, Match, User
from spt.models._base import utcnow
from spt.services import mail, workqueue
from spt.urls import external_url
from spt.vocabulary import MatchStatus as M

PREFERENCE = "advisor_digest"


def _count(db: Session, statement) -> int:
    return db.exec(statement).one()


def _figures(db: Session, advisor_id: int, now: datetime) -> list[tuple[str, int]]:
    since = now - timedelta(days=1)
    waiting = select(func.count()).select_from(Match)
    return [
        (_("Nieuwe intakes zonder adviseur (laatste 24 uur)"), _count(db, select(func.count())
         .select_from(Candidate).where(Candidate.intake_completed_at >= since,
                                       col(Candidate.advisor_id).is_(None),
                                       col(Candidate.erased_at).is_(None)))),
        (_("Werkgevers om te controleren"), _count(db, select(func.count()).select_from(Employer)
                                                  .where(col(Employer.verified_at).is_(None),
                                                         col(Employer.refused_at).is_(None)))),
        (_("Voorstellen die wachten op de kandidaat"),
         _count(db, waiting.where(Match.status == M.WACHT_OP_KANDIDAAT))),
        (_("Voorstellen die wachten op de werkgever"),
         _count(db, waiting.where(Match.status == M.VOORGESTELD))),
        (_("Uw kandidaten zonder contact in 4 weken"), _count(db, select(func.count())
         .select_from(Candidate).where(
             Candidate.advisor_id == advisor_id, col(Candidate.status).in_(workqueue.FOLLOW_UP),
             col(Candidate.erased_at).is_(None),
             func.coalesce(Candidate.last_contact_at, Candidate.intake_completed_at,
                           Candidate.created_at)
             < now - timedelta(days=workqueue.NO_CONTACT_DAYS)))),
    ]


def send_digest(db: Session, *, now: datetime | None = None) -> int:
    """Queue the daily digest for every active advisor who wants it and has work; return count."""
    now = now or utcnow()
    link = external_url("advisor.home")
    advisors = db.exec(select(User).where(User.role == "advisor", User.active)
                       .order_by(User.id)).all()
    sent = 0
    for advisor in advisors:
        if advisor.mail_preferences.get(PREFERENCE) is False:
            continue
        figures = _figures(db, advisor.id, now)
        if not any(n for _label, n in figures):
            continue
        lines = "\n".join(f"- {label}: {n}" for label, n in figures)
        mail.queue(db, to=advisor.email, subject=_("SPT Match: uw werkvoorraad van vandaag"),
                   body=_("Goedemorgen,\n\nDit staat vandaag voor u klaar in SPT Match:\n\n"
                          "%(lines)s\n\nBekijk uw werkvoorraad: %(link)s\n\nU krijgt deze mail "
                          "dagelijks. U kunt hem uitzetten bij uw mailvoorkeuren.",
                          lines=lines, link=link))
        sent += 1
    db.commit()
    return sent
