"""An employer's placements: post, edit, duplicate, pause, reopen and close them."""

import csv
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, func, select

from spt.models import (
    Candidate,
    Employer,
    Match,
    Occupation,
    Placement,
    PlacementRequirement,
    PlacementSkill,
    Skill,
)
from spt.models._base import utcnow
from spt.services import audit, consents, matchmaking, postcodes, recognition, requirements
from spt.services.employers import TRAINING_KINDS
from spt.services.errors import Conflict, DomainError, NotFound
from spt.services.reference import data_file
from spt.vocabulary import CandidateStatus as C
from spt.vocabulary import MatchStatus as M

FIELDS = ("kind", "title", "description", "level", "crebo", "theme", "hours_per_week",
          "start_date", "duration_weeks", "seats", "min_nt2", "requires_driving_licence",
          "requires_vca", "training_offered", "instrument", "meeloopdag")
# What a copy takes over besides the form fields: where, and what the title and lines became.
COPIED = ("pc4", "occupation_id", "occupation_confidence", "occupation_mapped_by")
# Statuses an employer action may start from, and where it leads.
ACTIONS = {"publiceren": ({"concept"}, "open"), "pauzeren": ({"open"}, "gepauzeerd"),
           "heropenen": ({"gepauzeerd", "gesloten"}, "open"),
           "sluiten": ({"concept", "open", "gepauzeerd"}, "gesloten")}
# Match statuses the employer sees: what an advisor proposed to it, and what became of it.
PROPOSED = (M.VOORGESTELD, M.KENNISMAKING, M.PROEFPLAATSING, M.GEPLAATST)
# Candidates no longer looking are not counted as "passen nu".
NOT_LOOKING = (C.GEPLAATST, C.NAZORG, C.DUURZAAM_GEPLAATST, C.UITGEVALLEN, C.ON_HOLD)


# Bands of the 'candidates fit now' figure: the smallest says less than ten, never how many.
BANDS = ((10, "< 10"), (25, "10-25"), (50, "25-50"), (100, "50-100"), (10**9, "100+"))


class InvalidPlacement(DomainError):
    """One or more fields broke a rule; `errors` maps each field to its Dutch message."""

    def __init__(self, errors: dict[str, str], reading: "requirements.Reading | None" = None):
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = errors
        self.reading = reading


@cache
def qualifications() -> dict[str, str]:
    """Known crebo codes (qualifications and their dossiers) with their Dutch names."""
    with data_file("mbo_kwalificaties.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    known = {row["dossier_crebo"]: row["kwalificatiedossier"] for row in rows}
    return known | {row["kwalificatie_crebo"]: row["kwalificatie"] for row in rows}


def list_for(db: Session, employer: Employer) -> list[tuple[Placement, int]]:
    """The employer's placements, newest first, with how many candidates were proposed."""
    proposed = dict(db.exec(select(Match.placement_id, func.count(Match.id)).join(Placement)
                            .where(Placement.employer_id == employer.id,
                                   col(Match.status).in_(PROPOSED))
                            .group_by(Match.placement_id)).all())
    rows = db.exec(select(Placement).where(Placement.employer_id == employer.id)
                   .order_by(col(Placement.id).desc()))
    return [(p, proposed.get(p.id, 0)) for p in rows]


def get_own(db: Session, employer: Employer, placement_id: int) -> Placement:
    """One of the employer's own placements; another employer's is NotFound."""
    placement = db.get(Placement, placement_id)
    if placement is None or placement.employer_id != employer.id:
        raise NotFound(_("Deze plek bestaat niet."))
    return placement


def skill_labels(db: Session, placement_id: int) -> dict[str, list[str]]:
    """The placement's skill labels by relation (essential, optional)."""
    labels: dict[str, list[str]] = {"essential": [], "optional": []}
    for label, relation in db.exec(select(Skill.label, PlacementSkill.relation).join(Skill)
                                   .where(PlacementSkill.placement_id == placement_id)
                                   .order_by(Skill.label)):
        labels[relation].append(label)
    return labels


def requirement_texts(db: Session, placement_id: int) -> dict[str, list[str]]:
    """The requirement lines as the employer wrote them (skill labels for older placements)."""
    written = requirements.texts(db, placement_id)
    return written if any(written.values()) else skill_labels(db, placement_id)


def occupation_label(db: Session, placement: Placement) -> str | None:
    """The occupation recognised in the title, as a Dutch label."""
    occupation = db.get(Occupation, placement.occupation_id) if placement.occupation_id else None
    return occupation.preferred_label if occupation else None


@dataclass(frozen=True)
class Preview:
    """What the title and the requirement lines will become, and the rules they break."""

    reading: requirements.Reading
    errors: dict[str, str]


def preview(db: Session, *, employer: Employer, data: dict,
            placement_id: int | None = None) -> Preview:
    """Recognise a placement form before it is saved (nothing is stored)."""
    placement = get_own(db, employer, placement_id) if placement_id else None
    try:
        _values, reading = _checked(db, employer, data, placement)
    except InvalidPlacement as error:
        return Preview(error.reading, error.errors)
    return Preview(reading, {})


def save(db: Session, *, employer: Employer, actor_id: int, data: dict,
         placement_id: int | None = None) -> Placement:
    """Create or update a placement with its requirements; a repeated one-time key finds the
    first, and a placement someone else saved meanwhile gives a Dutch 409."""
    if placement_id is None and (existing := _by_key(db, employer, data.get("idempotency_key"))):
        return existing
    placement = get_own(db, employer, placement_id) if placement_id else Placement(
        employer_id=employer.id, kind=data["kind"], title="", pc4="", hours_per_week=0,
        status=data.get("status") or "concept", idempotency_key=data.get("idempotency_key"))
    if placement_id and data.get("version") not in (None, placement.version):
        raise _changed_meanwhile(db, placement_id)
    values, reading = _checked(db, employer, data, placement if placement_id else None)
    for key, value in values.items():
        setattr(placement, key, value)
    _apply_reading(placement, reading)
    placement.updated_at = utcnow()
    db.add(placement)
    try:
        db.flush()  # an insert, or an UPDATE that checks the version it read
        requirements.store(db, placement.id, reading.lines)
        _learn(db, placement, reading, actor_id)
        audit.record(db, actor_id=actor_id, action="employer.placement_saved",
                     subject_type="placement", subject_id=placement.id,
                     detail={"new": placement_id is None, "status": placement.status})
        db.commit()
    except StaleDataError as error:
        raise _changed_meanwhile(db, placement_id) from error
    except IntegrityError:  # the same form was submitted twice at the same moment
        db.rollback()
        if existing := _by_key(db, employer, data.get("idempotency_key")):
            return existing
        raise
    return placement


def _changed_meanwhile(db: Session, placement_id: int) -> Conflict:
    """The Dutch 409 for a placement someone else saved first, with what it is now."""
    db.rollback()
    current = db.get(Placement, placement_id, populate_existing=True)
    return Conflict(_("Iemand anders heeft deze plek net opgeslagen (nu: '%(title)s', status "
                      "%(status)s). Uw invoer staat hieronder nog: controleer hem en sla "
                      "opnieuw op.", title=current.title, status=current.status))


def _apply_reading(placement: Placement, reading: requirements.Reading) -> None:
    """The recognised occupation, and the hard limits that the lines raise (never lower)."""
    title = reading.title
    placement.occupation_confidence = title.get("confidence") if title.get(
        "occupation_uri") else None
    placement.occupation_mapped_by = title.get("mapped_by") or "matcher"
    limits = reading.limits
    placement.required_licences = list(limits.licences)
    placement.requires_driving_licence = placement.requires_driving_licence or bool(
        limits.licences)
    placement.min_nt2 = requirements.higher_nt2(placement.min_nt2, limits.nt2)
    placement.requires_vca = placement.requires_vca or limits.vca


def _learn(db: Session, placement: Placement, reading: requirements.Reading,
           actor_id: int) -> None:
    """The employer's choices in this form become proposed synonyms."""
    title = reading.title
    if reading.choices.get("title") and title.get("state") == "chosen":
        recognition.learn(db, kind="occupation", text=placement.title,
                          target=title["occupation_uri"], origin="employer", user_id=actor_id)
    chosen = reading.choices.get("lines") or {}
    for line in reading.lines:
        if chosen.get(line.key) == line.skill and line.skill and line.mapped_by == "employer":
            recognition.learn(db, kind="skill", text=line.text, target=line.skill,
                              origin="employer", user_id=actor_id)


def _by_key(db: Session, employer: Employer, key: str | None) -> Placement | None:
    if not key:
        return None
    placement = db.exec(select(Placement).where(Placement.idempotency_key == key)).first()
    if placement is not None and placement.employer_id != employer.id:
        raise DomainError(_("Het formulier is verlopen. Laad de pagina opnieuw."))
    return placement


def _checked(db: Session, employer: Employer, data: dict,
             placement: Placement | None) -> tuple[dict, requirements.Reading]:
    """Field values and what the title and lines became, or InvalidPlacement naming every
    broken rule."""
    errors: dict[str, str] = {}
    values = {key: data[key] for key in FIELDS}
    if data["kind"] in TRAINING_KINDS:
        if not employer.recognised_training_company:
            errors["kind"] = _("Een BBL-leerbaan of stage kan alleen bij een erkend leerbedrijf "
                               "(SBB). Vul uw erkenning en SBB-nummer in bij 'Organisatie'.")
        if not data.get("crebo"):
            errors["crebo"] = _("Vul het crebonummer in van de opleiding (5 cijfers).")
    if data.get("crebo") and data["crebo"] not in qualifications():
        errors["crebo"] = _("Crebonummer %(crebo)s kennen we niet. Controleer het nummer "
                            "bij SBB of de school.", crebo=data["crebo"])
    try:
        values["pc4"] = postcodes.parse(data["postcode"])[1]
    except DomainError as error:
        errors["postcode"] = error.message
    if not data["essential_skills"]:
        errors["essential_skills"] = _("Noem minstens één vaardigheid die echt nodig is.")
    reading = requirements.read(db, title=data["title"], placement=placement,
                                lines={"essential": data["essential_skills"],
                                       "optional": data["optional_skills"]},
                                choices=data.get("choices") or {})
    for field in reading.invalid:
        errors.setdefault(field, requirements.invalid_message())
    if errors:
        raise InvalidPlacement(errors, reading)
    values["crebo"] = data.get("crebo") or None
    values["occupation_id"] = _occupation_id(db, reading.title.get("occupation_uri"))
    return values, reading


def _occupation_id(db: Session, uri: str | None) -> int | None:
    if uri is None:
        return None
    return db.exec(select(Occupation.id).where(Occupation.uri == uri)).first()


def duplicate(db: Session, *, employer: Employer, actor_id: int, placement_id: int) -> Placement:
    """A copy of a placement with its skills, as a concept to edit before it goes live."""
    source = get_own(db, employer, placement_id)
    copy = Placement(**{key: getattr(source, key) for key in (*FIELDS, *COPIED)},
                     employer_id=employer.id, status="concept")
    copy.title = _("%(title)s (kopie)", title=source.title)[:200]
    copy.required_licences = list(source.required_licences)
    db.add(copy)
    db.flush()
    db.add_all(PlacementSkill(placement_id=copy.id, skill_id=link.skill_id, relation=link.relation)
               for link in db.exec(select(PlacementSkill)
                                   .where(PlacementSkill.placement_id == source.id)))
    db.add_all(PlacementRequirement(**row.model_dump(exclude={"id", "placement_id"}),
                                    placement_id=copy.id)
               for row in db.exec(select(PlacementRequirement)
                                  .where(PlacementRequirement.placement_id == source.id)))
    audit.record(db, actor_id=actor_id, action="employer.placement_duplicated",
                 subject_type="placement", subject_id=copy.id, detail={"from": source.id})
    db.commit()
    return copy


def change_status(db: Session, *, employer: Employer, actor_id: int, placement_id: int,
                  action: str, expected_version: int | None = None) -> Placement:
    """Publish, pause, reopen or close a placement (409 when it changed since the page)."""
    placement = get_own(db, employer, placement_id)
    if expected_version not in (None, placement.version):
        raise _changed_meanwhile(db, placement_id)
    allowed_from, new = ACTIONS[action]
    if placement.status not in allowed_from:
        raise DomainError(_("Dat kan niet met een plek die nu de status '%(status)s' heeft.",
                            status=placement.status))
    if new == "open" and placement.kind in TRAINING_KINDS and \
            not employer.recognised_training_company:
        raise DomainError(_("Een BBL-leerbaan of stage kan alleen open bij een erkend "
                            "leerbedrijf (SBB)."))
    old, placement.status, placement.updated_at = placement.status, new, utcnow()
    db.add(placement)
    try:
        db.flush()
    except StaleDataError as error:
        raise _changed_meanwhile(db, placement_id) from error
    audit.record(db, actor_id=actor_id, action="employer.placement_status",
                 subject_type="placement", subject_id=placement.id,
                 detail={"from": old, "to": new})
    db.commit()
    return placement


def fitting_count(db: Session, placement: Placement) -> int:
    """How many registered candidates fit this placement now (a count, never who)."""
    candidates = db.exec(select(Candidate).where(col(Candidate.intake_completed_at).is_not(None),
                                                 col(Candidate.id).not_in(
                                                     consents.refused("matching")),
                                                 col(Candidate.erased_at).is_(None),
                                                 col(Candidate.status).not_in(NOT_LOOKING)))
    profiles = matchmaking.candidate_profiles(db, list(candidates))
    if not profiles:
        return 0
    profile = matchmaking.placement_profiles(db, [placement])[0]
    return len(matchmaking.rank_candidates(db, profile, profiles, explain=False))


def fitting_band(db: Session, employer: Employer, placement: Placement) -> str | None:
    """How many candidates fit, as a band ('10-25'), and nothing for an unverified employer.

    An exact count for any postcode, hours and requirements an employer tries would tell whether
    one named person is registered, and where; a band of at least ten does not.
    """
    if employer.verified_at is None:
        return None
    count = fitting_count(db, placement)
    for upper, label in BANDS:
        if count < upper:
            return label
    return BANDS[-1][1]
