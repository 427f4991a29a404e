"""Advisors verify employers before their placements are shown; the employer is told by mail."""

from flask_babel import gettext as _
from sqlmodel import Session

from spt.models import Employer, User
from spt.models._base import utcnow
from spt.services import audit, inbox, mail
from spt.services.errors import DomainError, NotFound
from spt.urls import external_url


def verify(db: Session, *, advisor_id: int, employer_id: int) -> Employer:
    """Mark an employer as checked (KvK, contact, mentors) by this advisor."""
    employer = db.get(Employer, employer_id)
    if employer is None:
        raise NotFound(_("Deze werkgever bestaat niet."))
    if employer.verified_at is not None:
        raise DomainError(_("Deze werkgever is al gecontroleerd."))
    employer.verified_at, employer.verified_by_id = utcnow(), advisor_id
    employer.refused_at, employer.refusal_reason = None, ""
    db.add(employer)
    audit.record(db, actor_id=advisor_id, action="advisor.employer_verified",
                 subject_type="employer", subject_id=employer.id)
    _tell_employer(db, employer)
    db.commit()
    return employer


def refuse(db: Session, *, advisor_id: int, employer_id: int, reason: str) -> Employer:
    """Refuse an employer that is not checked yet, with the reason the employer is told."""
    employer = db.get(Employer, employer_id)
    if employer is None:
        raise NotFound(_("Deze werkgever bestaat niet."))
    if employer.verified_at is not None:
        raise DomainError(_("Deze werkgever is al gecontroleerd."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(_("Schrijf op waarom je deze werkgever niet goedkeurt: de werkgever "
                            "krijgt deze reden te lezen."), field="reason")
    employer.refused_at, employer.refusal_reason = utcnow(), reason[:500]
    db.add(employer)
    audit.record(db, actor_id=advisor_id, action="advisor.employer_refused",
                 subject_type="employer", subject_id=employer.id)
    user = db.get(User, employer.user_id) if employer.user_id else None
    if user is not None and user.active:
        inbox.add(db, user_id=user.id, kind="employer_refused", match_id=None,
                  detail={"employer": employer.name, "reason": employer.refusal_reason})
        mail.queue(db, to=user.email, subject=_("Uw organisatie is nog niet goedgekeurd"),
                   body=_("Een adviseur van het Servicepunt Techniek heeft %(name)s nog niet "
                          "goedgekeurd. De reden:\n\n%(reason)s\n\nPas uw gegevens aan; dan "
                          "kijken we opnieuw: %(link)s", name=employer.name,
                          reason=employer.refusal_reason,
                          link=external_url("employer.organisation")))
    db.commit()
    return employer


def _tell_employer(db: Session, employer: Employer) -> None:
    user = db.get(User, employer.user_id) if employer.user_id else None
    if user is None or not user.active:
        return
    inbox.add(db, user_id=user.id, kind="employer_verified", match_id=None,
              detail={"employer": employer.name})
    mail.queue(db, to=user.email, subject=_("Uw organisatie is gecontroleerd"),
               body=_("Een adviseur van het Servicepunt Techniek heeft %(name)s gecontroleerd. "
                      "Uw open plekken zijn nu te zien voor kandidaten en adviseurs kunnen "
                      "kandidaten aan u voorstellen.\n\nBekijk uw plekken: %(link)s",
                      name=employer.name, link=external_url("employer.home")))
