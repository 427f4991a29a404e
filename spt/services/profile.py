"""A candidate's profile as the candidate sees it: draft form, completeness and age band."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from spt.models import Candidate, CandidateOccupation, CandidateSkill, Occupation, Skill
from spt.services import postcodes
from spt.vocabulary import NATIVE_SPEAKER, NO_DIPLOMA, Nt2Level

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


def _same(value):
    return value


def _or_none(value):
    return value or None


def _or_empty(value):
    return value or ""


@dataclass(frozen=True)
class Answer:
    """One intake answer and the profile attribute it is stored in, both ways."""

    step: str
    name: str  # the key in the draft step (the form field's name)
    attribute: str  # the Candidate column
    to_profile: Callable = _same
    to_form: Callable = _same  # from the attribute's value, or from the candidate (reads_row)
    reads_row: bool = False


def _nt2_to_form(candidate: Candidate) -> str:
    # A native speaker's answer is stored as C2; the monitoring answer of step 1 tells it apart.
    if candidate.nt2_level == Nt2Level.C2 and candidate.nt2_speaker is False:
        return NATIVE_SPEAKER
    return candidate.nt2_level or ""


NATIVE = {"ja": False, "nee": True}  # "Is Nederlands je moedertaal?" -> nt2_speaker
# Every scalar answer of steps 1, 2, 4 and 5; jobs and skills are rows (intake._replace_*).
ANSWERS = (
    *(Answer("1", name, name) for name in ("first_name", "last_name", "email", "phone",
                                           "birth_year", "heard_via")),
    Answer("1", "postcode", "postcode", lambda text: postcodes.parse(text)[0]),
    Answer("1", "gender", "gender", _or_none, _or_empty),
    Answer("1", "native_dutch", "nt2_speaker", NATIVE.get,
           lambda speaker: {v: k for k, v in NATIVE.items()}.get(speaker, "")),
    Answer("2", "intent", "intent", _or_none),
    Answer("4", "level", "level", lambda v: None if v == NO_DIPLOMA else v,
           lambda level: level or NO_DIPLOMA),
    Answer("4", "foreign_diploma", "foreign_diploma", _or_none, _or_empty),
    Answer("4", "education_field", "education_field"),
    Answer("4", "certificates", "certificates", list, list),
    Answer("4", "driving_licences", "driving_licences", list, list),
    Answer("5", "themes", "themes", list, list),
    Answer("5", "kinds", "kinds", list, list),
    # Drafts from before these answers existed leave them soft.
    *(Answer("5", name, name, bool) for name in ("themes_only", "kinds_only", "hours_strict")),
    Answer("5", "hours_per_week", "hours_per_week"),
    Answer("5", "max_km", "max_km"),
    Answer("5", "available_from", "available_from", date.fromisoformat,
           lambda day: day.isoformat() if day else None),
    Answer("5", "nt2_level", "nt2_level",
           lambda v: Nt2Level.C2.value if v == NATIVE_SPEAKER else v, _nt2_to_form,
           reads_row=True),
)


def apply_answers(candidate: Candidate, data: dict) -> None:
    """Copy the scalar answers of the draft steps in `data` onto the profile (no commit)."""
    for answer in ANSWERS:
        if (values := data.get(answer.step)) is not None:
            setattr(candidate, answer.attribute, answer.to_profile(values.get(answer.name)))
    if "1" in data:
        candidate.pc4 = postcodes.parse(candidate.postcode)[1]


def answers(candidate: Candidate) -> dict:
    """The scalar answers of a profile in the shape of intake draft steps."""
    steps: dict[str, dict] = {}
    for answer in ANSWERS:
        value = candidate if answer.reads_row else getattr(candidate, answer.attribute)
        steps.setdefault(answer.step, {})[answer.name] = answer.to_form(value)
    return steps


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
    steps = answers(candidate)
    steps["2"]["jobs"] = [{"title": j.free_text, "years": j.years,
                           "occupation_uri": o.uri if o else None,
                           "occupation_label": o.preferred_label if o else None,
                           **_decision(j, o is not None)} for j, o in jobs]
    steps["3"] = {"skills": [{"name": s.free_text or (k.label if k else ""),
                              "level": str(s.self_level), "skill_slug": k.slug if k else None,
                              "skill_label": k.label if k else None,
                              **_decision(s, k is not None)} for s, k in skills]}
    return {step: steps[step] for step in ("1", "2", "3", "4", "5")}
