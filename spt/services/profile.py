"""A candidate's profile as the candidate sees it: draft form, completeness and age band."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from spt.models import Candidate, CandidateOccupation, CandidateSkill, Occupation, Skill

# What the completeness meter checks, and why it matters (shown to the candidate).
CHECKS = (
    ("postcode", _l("Postcode"), _l("Zo vinden we plekken dichtbij.")),
    ("jobs", _l("Werkervaring"), _l("Wat je eerder deed, laat zien wat je al kunt.")),
    ("skills", _l("Vaardigheden"), _l("Werkgevers zoeken op vaardigheden.")),
    ("education", _l("Opleiding"), _l("Sommige plekken vragen een niveau.")),
    ("wishes", _l("Wensen"), _l("Zo tonen we alleen plekken die je wilt.")),
    ("availability", _l("Beschikbaarheid"),
     _l("Werkgevers willen weten wanneer je kunt beginnen.")),
    ("language", _l("Taalniveau"), _l("Zo kiezen we plekken en scholing die bij je passen.")),
    ("phone", _l("Telefoonnummer"), _l("Je adviseur kan je dan snel bellen.")),
)


@dataclass(frozen=True)
class Completeness:
    """How complete a profile is, and what is still missing with the reason it matters."""

    percent: int
    missing: tuple[tuple[str, str], ...]


def completeness(data: dict) -> Completeness:
    """Completeness of intake data in draft form (steps "1".."5")."""
    about, wishes = data.get("1", {}), data.get("5", {})
    done = {
        "postcode": bool(about.get("postcode")),
        "jobs": any(j.get("title") for j in data.get("2", {}).get("jobs", [])),
        "skills": any(s.get("name") for s in data.get("3", {}).get("skills", [])),
        "education": bool(data.get("4", {}).get("level")),
        "wishes": bool(wishes.get("themes") and wishes.get("kinds")),
        "availability": bool(wishes.get("available_from") and wishes.get("hours_per_week")),
        "language": bool(wishes.get("nt2_level")),
        "phone": bool(about.get("phone")),
    }
    missing = tuple((str(label), str(why)) for key, label, why in CHECKS if not done[key])
    return Completeness(round(100 * sum(done.values()) / len(done)), missing)


def age_band(birth_year: int | None, today: date | None = None) -> str | None:
    """An age band for employer views, never the birth year itself."""
    if not birth_year:
        return None
    age = (today or date.today()).year - birth_year
    for upper, band in ((25, "tot 25"), (35, "25-34"), (45, "35-44"), (55, "45-54")):
        if age < upper:
            return band
    return "55+"


def _decision(row, linked: bool) -> dict:
    """Who decided what a stored row means, in the shape of a reading (spt.services.recognition)."""
    by_person = row.mapped_by != "matcher"
    state = ("chosen" if by_person else "accepted") if linked else (
        "none" if by_person else "unknown")
    return {"confidence": row.confidence, "mapped_by": row.mapped_by, "state": state,
            "suggestions": []}


def as_draft(db: Session, candidate: Candidate) -> dict:
    """The profile in the shape of intake draft data."""
    jobs = db.exec(select(CandidateOccupation, Occupation)
                   .join(Occupation, Occupation.id == CandidateOccupation.occupation_id,
                         isouter=True)
                   .where(CandidateOccupation.candidate_id == candidate.id)
                   .order_by(CandidateOccupation.id))
    skills = db.exec(select(CandidateSkill, Skill)
                     .join(Skill, Skill.id == CandidateSkill.skill_id, isouter=True)
                     .where(CandidateSkill.candidate_id == candidate.id)
                     .order_by(CandidateSkill.id))
    return {
        "1": {"first_name": candidate.first_name, "last_name": candidate.last_name,
              "email": candidate.email, "phone": candidate.phone,
              "postcode": candidate.postcode, "birth_year": candidate.birth_year,
              "heard_via": candidate.heard_via, "gender": candidate.gender or "",
              "native_dutch": {False: "ja", True: "nee"}.get(candidate.nt2_speaker, "")},
        "2": {"jobs": [{"title": j.free_text, "years": j.years,
                        "occupation_uri": o.uri if o else None,
                        "occupation_label": o.preferred_label if o else None,
                        **_decision(j, o is not None)} for j, o in jobs],
              "intent": candidate.intent},
        "3": {"skills": [{"name": s.free_text or (k.label if k else ""),
                          "level": str(s.self_level), "skill_slug": k.slug if k else None,
                          "skill_label": k.label if k else None,
                          **_decision(s, k is not None)} for s, k in skills]},
        "4": {"level": candidate.level or "geen",
              "foreign_diploma": candidate.foreign_diploma or "",
              "education_field": candidate.education_field,
              "certificates": list(candidate.certificates),
              "driving_licences": list(candidate.driving_licences)},
        "5": {"themes": list(candidate.themes), "kinds": list(candidate.kinds),
              "hours_per_week": candidate.hours_per_week, "max_km": candidate.max_km,
              "available_from": candidate.available_from.isoformat()
              if candidate.available_from else None,
              "nt2_level": candidate.nt2_level or "",
              "themes_only": candidate.themes_only, "kinds_only": candidate.kinds_only,
              "hours_strict": candidate.hours_strict},
    }
