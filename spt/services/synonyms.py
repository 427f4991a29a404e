"""The admin's review of learned synonyms: what people chose, approved or rejected in one click."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, col, or_, select

from spt.models import Occupation, RecognitionSynonym, Skill
from spt.models._base import utcnow
from spt.services import audit, matchmaking, recognition
from spt.services.errors import DomainError, NotFound

REVIEW_LIMIT = 500


@dataclass(frozen=True)
class ForReview:
    """A synonym to review and the name of what it would become (never who typed it)."""

    synonym: RecognitionSynonym
    becomes: str


def for_review(db: Session) -> list[ForReview]:
    """Proposed synonyms and approved ones nobody reviewed yet, newest first."""
    rows = list(db.exec(select(RecognitionSynonym).where(or_(
        RecognitionSynonym.status == "proposed",
        (RecognitionSynonym.status == "approved") & col(RecognitionSynonym.reviewed_at).is_(None)
        & (RecognitionSynonym.origin != "shipped")))
        .order_by(col(RecognitionSynonym.created_at).desc(), col(RecognitionSynonym.id).desc())
        .limit(REVIEW_LIMIT)))
    names = _names(db, rows)
    return [ForReview(row, names.get((row.kind, row.target), row.target)) for row in rows]


def _names(db: Session, rows: list[RecognitionSynonym]) -> dict[tuple[str, str], str]:
    uris = {r.target for r in rows if r.kind == "occupation"}
    slugs = {r.target for r in rows if r.kind == "skill"}
    names = {("occupation", uri): label for uri, label in db.exec(
        select(Occupation.uri, Occupation.preferred_label).where(col(Occupation.uri).in_(uris)))}
    return names | {("skill", slug): label for slug, label in db.exec(
        select(Skill.slug, Skill.label).where(col(Skill.slug).in_(slugs)))}


def review(db: Session, *, admin_id: int, synonym_id: int, approve: bool) -> RecognitionSynonym:
    """Approve (it counts from now on) or reject (it stops counting) a learned synonym."""
    synonym = db.get(RecognitionSynonym, synonym_id)
    if synonym is None:
        raise NotFound(_("Dit synoniem bestaat niet."))
    if synonym.origin == "shipped":
        raise DomainError(_("Meegeleverde synoniemen worden in de referentiedata beheerd."))
    counted = synonym.status == "approved"
    synonym.status = "approved" if approve else "rejected"
    synonym.reviewed_by_id, synonym.reviewed_at = admin_id, utcnow()
    db.add(synonym)
    superseded = recognition.supersede(db, synonym) if approve else []
    audit.record(db, actor_id=admin_id, action="admin.synonym_approved" if approve
                 else "admin.synonym_rejected", subject_type="synonym", subject_id=synonym.id,
                 detail={"kind": synonym.kind, "target": synonym.target,
                         "superseded": superseded})
    if counted != approve or superseded:
        matchmaking.changed(db)
    db.commit()
    return synonym
