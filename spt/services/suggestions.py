"""Suggestions for free text typed in the intake and placement forms."""

from sqlmodel import Session

from spt.services import matchmaking

KINDS = ("occupation", "skill")
MAX_QUERY = 100
LIMIT = 8


def suggest(db: Session, kind: str, query: str) -> list[dict]:
    """Ranked concepts for a free-text query, best first, with a confidence in [0, 1]."""
    catalogue = matchmaking.catalogue(db)
    taxonomy = catalogue.occupations if kind == "occupation" else catalogue.skills
    return [{"id": s.concept_id, "label": s.label, "matched": s.matched_label,
             "confidence": round(s.confidence, 3)}
            for s in taxonomy.suggest(query, limit=LIMIT)]
