"""Advisors verify employers before their placements are shown to candidates."""

from flask_babel import gettext as _
from sqlmodel import Session

from spt.models import Employer
from spt.models._base import utcnow
from spt.services import audit
from spt.services.errors import DomainError, NotFound


def verify(db: Session, *, advisor_id: int, employer_id: int) -> Employer:
    """Mark an employer as checked (KvK, contact, mentors) by this advisor."""
    employer = db.get(Employer, employer_id)
    if employer is None:
        raise NotFound(_("Deze werkgever bestaat niet."))
    if employer.verified_at is not None:
        raise DomainError(_("Deze werkgever is al gecontroleerd."))
    employer.verified_at, employer.verified_by_id = utcnow(), advisor_id
    db.add(employer)
    audit.record(db, actor_id=advisor_id, action="advisor.employer_verified",
                 subject_type="employer", subject_id=employer.id)
    db.commit()
    return employer
