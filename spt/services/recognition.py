"""What people type, what the recogniser makes of it, what people choose, and what it learns.

A *reading* of one typed text is a small JSON-ready dict (intake drafts store it):
``<id key>`` and ``<label key>`` (see KEYS) name the concept or are None; ``confidence`` is the
recogniser's calibrated probability for that concept; ``mapped_by`` says who decided (see
``spt.models.MAPPED_BY``); ``state`` is one of STATES; ``suggestions`` are the alternatives
offered as "Bedoel je ...?" (``id``, ``label``, ``confidence``).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlmodel import Session, col, func, select

import matching
from matching.textnorm import tokenize
from spt.models import Occupation, RecognitionSynonym, Skill
from spt.services import matchmaking
from spt.services.errors import DomainError
from spt.services.reference import synonym_key

KINDS = ("occupation", "skill")
KEYS = {"occupation": ("occupation_uri", "occupation_label"),
        "skill": ("skill_slug", "skill_label")}
# accepted: the recogniser is sure; chosen: a person picked it; unsure: a person should choose;
# none: a person said "geen van deze"; unknown: nothing plausible was found.
STATES = ("accepted", "chosen", "unsure", "none", "unknown")
PEOPLE = ("candidate", "employer", "advisor")
OFFERED = 4  # alternatives shown as "Bedoel je ...?"
SEARCH_LIMIT = 10
CERTIFICATE = "certificaat"  # the skill kind of certificates
ABBREVIATION = 5  # words this short name a certificate by its abbreviation ("VCA", "IPAF")
MAX_QUERY = 100


def taxonomy(db: Session, kind: str) -> matching.Taxonomy:
    """The occupation or skill taxonomy of the current catalogue."""
    catalogue = matchmaking.catalogue(db)
    return catalogue.occupations if kind == "occupation" else catalogue.skills


def offer(suggestion: matching.Suggestion) -> dict:
    """A suggestion as offered to a person (JSON-ready)."""
    return {"id": suggestion.concept_id, "label": suggestion.label,
            "confidence": round(suggestion.confidence, 4)}


def read(db: Session, kind: str, text: str) -> dict:
    """What the recogniser makes of one typed text, as a reading (see the module docstring)."""
    found = taxonomy(db, kind).recognise(text, limit=OFFERED + 1)
    accepted = found.accepted
    if accepted is not None and kind == "skill" and not names_certificate(db, text, accepted):
        accepted = None  # "heftruck rijden" is an activity: a certificate must be named
    id_key, label_key = KEYS[kind]
    if accepted is not None:
        return {id_key: accepted.concept_id, label_key: accepted.label,
                "confidence": round(accepted.confidence, 4), "mapped_by": "matcher",
                "state": "accepted", "suggestions": [offer(s) for s in found.suggestions[1:]]}
    offers = [offer(s) for s in found.suggestions[:OFFERED]]
    return {id_key: None, label_key: None, "confidence": None, "mapped_by": "matcher",
            "state": "unsure" if offers else "unknown", "suggestions": offers}


def names_certificate(db: Session, text: str, suggestion: matching.Suggestion) -> bool:
    """Whether a text names the certificate it was recognised as (true for non-certificates).

    A certificate counts only when the person typed its name, an abbreviation of it ("VCA",
    "BHV") or a certificate word ("diploma", "certificaat", "rijbewijs" ...). Its other labels
    are often activities ("hoogwerker bedienen"): doing them is not holding the certificate.
    """
    skills = taxonomy(db, "skill")
    concept = skills.get(suggestion.concept_id)
    if concept is None or concept.group != CERTIFICATE:
        return True
    key = synonym_key(text)
    if key == synonym_key(concept.label):
        return True
    short = all(len(word) <= ABBREVIATION for word in key.split())
    if short and any(synonym_key(label) == key for label, _kind in concept.labels()):
        return True
    cues = {" ".join(phrase) for phrase in
            matchmaking.catalogue(db).cues.table.get("certificate_cue", {})}
    return any(word in cues or any(len(cue) >= 6 and word.endswith(cue) for cue in cues)
               for word in tokenize(text))


def read_all(db: Session, kind: str, texts: list[str], decided: dict[str, dict]) -> list[dict]:
    """Readings of typed texts; a text a person already decided (by synonym key) keeps it."""
    out = []
    for text in texts:
        earlier = decided.get(synonym_key(text))
        out.append(dict(earlier) if earlier else read(db, kind, text))
    return out


def decisions(kind: str, readings: list[dict], text_key: str) -> dict[str, dict]:
    """The readings a person decided, by the synonym key of their text, without other fields."""
    fields = (*KEYS[kind], "confidence", "mapped_by", "state", "suggestions")
    return {synonym_key(r[text_key]): {f: r.get(f) for f in fields} for r in readings
            if r.get("mapped_by") in PEOPLE and r.get(text_key)}


def answer(kind: str, reading: dict, *, op: str, target: str | None, by: str) -> dict:
    """A reading after a person's answer: `choose` an offered concept, `none` or `wrong`."""
    id_key, label_key = KEYS[kind]
    offers = [o for o in reading.get("suggestions") or [] if isinstance(o, dict)]
    current = reading.get(id_key)
    if current:
        offers = [{"id": current, "label": reading.get(label_key),
                   "confidence": reading.get("confidence")}, *offers]
    if op == "choose":
        picked = next((o for o in offers if o["id"] == target), None)
        if picked is None:
            raise DomainError(_("Deze keuze hoort niet bij wat je schreef. Kies opnieuw."))
        rest = [o for o in offers if o["id"] != target]
        return {id_key: picked["id"], label_key: picked["label"],
                "confidence": picked["confidence"], "mapped_by": by, "state": "chosen",
                "suggestions": rest}
    rest = [o for o in offers if o["id"] != current] if op == "wrong" else offers
    state = "unsure" if op == "wrong" and rest else "none"
    return {id_key: None, label_key: None, "confidence": None, "mapped_by": by,
            "state": state, "suggestions": rest}


@dataclass(frozen=True)
class Found:
    """A concept found by a name search; `matched` is the name that matched when not the label."""

    id: str
    label: str
    matched: str | None = None
    confidence: float | None = None


def search(db: Session, kind: str, query: str) -> list[Found]:
    """Concepts whose names match a few typed words: the recogniser's ranking, then the labels
    that contain the words; never by code."""
    query = " ".join(query.split())[:MAX_QUERY]
    if not query:
        return []
    found = [Found(s.concept_id, s.label, s.matched_label if s.matched_label != s.label
                   else None, round(s.confidence, 4))
             for s in taxonomy(db, kind).suggest(query, limit=SEARCH_LIMIT // 2 + 1)]
    model = Occupation if kind == "occupation" else Skill
    ident, label = (Occupation.uri, Occupation.preferred_label) if kind == "occupation" \
        else (Skill.slug, Skill.label)
    seen = {f.id for f in found}
    rows = db.exec(select(ident, label).where(
        col(model.retired_at).is_(None),
        func.lower(label).contains(query.lower(), autoescape=True))
        .order_by(func.length(label), label).limit(SEARCH_LIMIT))
    found += [Found(i, text) for i, text in rows if i not in seen]
    return found[:SEARCH_LIMIT]


def concept(db: Session, kind: str, concept_id: str) -> tuple[int, str]:
    """The row id and label of a current occupation (uri) or skill (slug), or a DomainError."""
    if kind == "occupation":
        row = db.exec(select(Occupation.id, Occupation.preferred_label).where(
            Occupation.uri == concept_id, col(Occupation.retired_at).is_(None))).first()
    else:
        row = db.exec(select(Skill.id, Skill.label).where(
            Skill.slug == concept_id, col(Skill.retired_at).is_(None))).first()
    if row is None:
        raise DomainError(_("Kies een resultaat uit de lijst."), field="target")
    return row[0], row[1]


def confidence_of(db: Session, kind: str, text: str, concept_id: str) -> float | None:
    """How sure the recogniser is that a text means this concept (None when not suggested)."""
    for s in taxonomy(db, kind).suggest(text, limit=SEARCH_LIMIT):
        if s.concept_id == concept_id:
            return round(s.confidence, 4)
    return None


def learn(db: Session, *, kind: str, text: str, target: str, origin: str,
          user_id: int | None) -> RecognitionSynonym | None:
    """Store a person's mapping as a synonym: an advisor's counts at once, a candidate's or an
    employer's waits for an admin (proposed). The concept's own name teaches nothing (None).
    The caller calls matchmaking.changed after an advisor's."""
    key = synonym_key(text)
    if not key or _is_name(db, kind, target, key):
        return None
    row = db.exec(select(RecognitionSynonym).where(
        RecognitionSynonym.kind == kind, RecognitionSynonym.key == key,
        RecognitionSynonym.target == target)).first()
    if row is None:
        row = RecognitionSynonym(kind=kind, text=" ".join(text.split())[:200], key=key,
                                 target=target, status="proposed", origin=origin,
                                 created_by_id=user_id, confirmations=0)
    row.confirmations += 1
    if origin == "advisor" and row.status != "approved":
        row.status, row.reviewed_at, row.reviewed_by_id = "approved", None, None
    db.add(row)
    db.flush()
    if row.status == "approved":
        supersede(db, row)
    return row


def supersede(db: Session, synonym: RecognitionSynonym) -> list[int]:
    """Stop counting learned synonyms of the same text for another concept (shipped ones stay)."""
    others = list(db.exec(select(RecognitionSynonym).where(
        RecognitionSynonym.kind == synonym.kind, RecognitionSynonym.key == synonym.key,
        RecognitionSynonym.target != synonym.target, RecognitionSynonym.status == "approved",
        RecognitionSynonym.origin != "shipped")))
    for other in others:
        other.status = "rejected"
        db.add(other)
    return [o.id for o in others]


def _is_name(db: Session, kind: str, target: str, key: str) -> bool:
    # only the preferred name: an alternative label may be shared by several concepts, and a
    # synonym tells them apart ("vakkenvuller")
    found = taxonomy(db, kind).get(target)
    return found is not None and synonym_key(found.label) == key
