"""An employer's organisation: who it is, whether it may train, and its mentor capacity."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, col, func, select

from spt.models import Employer, Match, Placement
from spt.services import audit, pipeline, postcodes
from spt.services.errors import DomainError, NotFound

PROFILE_KEYS = ("name", "kvk_number", "contact_name", "phone", "theme",
                "recognised_training_company", "sbb_number", "mentors", "mentor_capacity")
# Kinds of placement that only an erkend leerbedrijf (SBB) may offer.
TRAINING_KINDS = ("bbl", "stage")


@dataclass(frozen=True)
class Capacity:
    """Mentor capacity: newcomers in kennismaking, proefplaatsing or geplaatst, and the maximum."""

    in_use: int
    total: int

    @property
    def free(self) -> int:
        """Places a new introduction can still take (never below zero)."""
        return max(0, self.total - self.in_use)


def for_user(db: Session, user_id: int) -> Employer:
    """The organisation of an employer account, or NotFound."""
    employer = db.exec(select(Employer).where(Employer.user_id == user_id)).first()
    if employer is None:
        raise NotFound(_("Bij dit account hoort geen organisatie."))
    return employer


def capacity(db: Session, employer: Employer) -> Capacity:
    """How much of the employer's mentor capacity is in use, across all its placements."""
    in_use = db.exec(select(func.count(Match.id)).join(Placement)
                     .where(Placement.employer_id == employer.id,
                            col(Match.status).in_(pipeline.ACTIVE_WITH_EMPLOYER))).one()
    return Capacity(in_use=in_use, total=employer.mentor_capacity)


def save_profile(db: Session, *, employer: Employer, actor_id: int, data: dict) -> Employer:
    """Update the organisation profile; BBL and stage need an erkend leerbedrijf."""
    _postcode, pc4 = postcodes.parse(data["postcode"])
    recognised = bool(data["recognised_training_company"])
    if recognised and not (data.get("sbb_number") or "").strip():
        raise DomainError(_("Vul het SBB-nummer in van uw erkenning als leerbedrijf."),
                          field="sbb_number")
    if not recognised and employer.recognised_training_company and _offers_training(db, employer):
        raise DomainError(_("U heeft nog BBL-leerbanen of stages die niet gesloten zijn. Sluit "
                            "die eerst; alleen een erkend leerbedrijf mag ze aanbieden."),
                          field="recognised_training_company")
    for key in PROFILE_KEYS:
        setattr(employer, key, data[key])
    employer.pc4 = pc4
    employer.sbb_number = ((data.get("sbb_number") or "").strip() or None) if recognised else None
    if employer.refused_at is not None:  # changed after a refusal: back in the advisors' queue
        employer.refused_at = None
    db.add(employer)
    audit.record(db, actor_id=actor_id, action="employer.profile_saved", subject_type="employer",
                 subject_id=employer.id)
    db.commit()
    return employer


def _offers_training(db: Session, employer: Employer) -> bool:
    return db.exec(select(Placement.id).where(
        Placement.employer_id == employer.id, col(Placement.kind).in_(TRAINING_KINDS),
        Placement.status != "gesloten")).first() is not None
