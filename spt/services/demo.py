"""Realistic Dutch demo data (`spt seed-demo`), loaded idempotently from spt/data/demo.yaml."""

from dataclasses import dataclass
from datetime import date, timedelta

import yaml
from flask import current_app
from flask_babel import gettext as _
from sqlmodel import Session, col, select

from spt.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    Employer,
    Match,
    Module,
    ModuleEnrolment,
    Occupation,
    Placement,
    PlacementSkill,
    Skill,
    User,
)
from spt.models._base import utcnow
from spt.services import matches, postcodes
from spt.services.errors import DomainError
from spt.services.passwords import hash_password
from spt.services.reference import data_file
from spt.vocabulary import CandidateStatus as C
from spt.vocabulary import MatchStatus as M

PLACEMENT_FIELDS = ("kind", "title", "level", "crebo", "pc4", "hours_per_week", "duration_weeks",
                    "seats", "min_nt2", "requires_driving_licence", "requires_vca",
                    "training_offered", "instrument", "meeloopdag", "theme", "description")
CANDIDATE_FIELDS = ("first_name", "last_name", "gender", "nt2_speaker", "birth_year", "phone",
                    "nt2_level", "level", "max_km", "hours_per_week", "available_from",
                    "driving_licences", "certificates", "themes", "kinds", "status")

# Demo staff log in with a second factor like real staff; this public key makes the codes.
DEMO_TOTP_SECRET = "SPTMATCHDEMOTOTPSECRETKEY2345672"


@dataclass(frozen=True)
class DemoSummary:
    """What the demo seed created this time, and the logins to print."""

    created_users: int
    logins: tuple[tuple[str, str], ...]
    password: str


def _spec() -> dict:
    return yaml.safe_load(data_file("demo.yaml").read_text("utf-8"))


def seed(db: Session) -> DemoSummary:
    """Create the demo accounts, employers, placements and candidates that are missing.

    Refused in production: the demo admin's password and TOTP key are published.
    """
    if current_app.config["SPT_ENV"] == "production":
        raise DomainError(_("Demogegevens horen niet in productie: de wachtwoorden en de "
                            "TOTP-sleutel van de demo-accounts zijn openbaar."))
    spec = _spec()
    password_hash = hash_password(spec["password"])
    existing = set(db.exec(select(User.email)))
    skills = dict(db.exec(select(Skill.slug, Skill.id)).all())
    occupations = dict(db.exec(select(Occupation.preferred_label, Occupation.id)).all())
    created = 0
    for person in spec["staff"]:
        if person["email"] not in existing:
            db.add(User(email=person["email"], password_hash=password_hash, role=person["role"],
                        totp_secret=DEMO_TOTP_SECRET))
            created += 1
    for entry in spec["employers"]:
        if entry["email"] not in existing:
            _add_employer(db, entry, password_hash, skills, occupations)
            created += 1
    new_candidates = [_add_candidate(db, entry, password_hash, skills, occupations)
                      for entry in spec["candidates"] if entry["email"] not in existing]
    created += len(new_candidates)
    db.flush()
    _add_enrolments(db, spec["candidates"], new_candidates)
    for candidate in new_candidates:
        if candidate.intake_completed_at:
            matches.recompute_for_candidate(db, candidate)
    if new_candidates:
        _introduce_first_candidate(db, new_candidates[0], spec["employers"][0]["email"])
    db.commit()
    logins = tuple((p["email"], p["role"]) for p in spec["staff"]) + (
        (spec["employers"][0]["email"], "employer"), (spec["candidates"][0]["email"], "candidate"))
    return DemoSummary(created, logins, spec["password"])


def _add_employer(db, entry, password_hash, skills, occupations) -> None:
    user = User(email=entry["email"], password_hash=password_hash, role="employer")
    db.add(user)
    db.flush()
    fields = ("name", "kvk_number", "contact_name", "phone", "pc4", "theme",
              "recognised_training_company", "sbb_number", "mentors", "mentor_capacity")
    employer = Employer(user_id=user.id, **{k: entry[k] for k in fields if k in entry})
    employer.verified_at = utcnow() if entry.get("verified") else None
    db.add(employer)
    db.flush()
    for item in entry.get("placements", []):
        placement = Placement(employer_id=employer.id, start_date=item.get("start"),
                              occupation_id=occupations.get(item.get("occupation")),
                              status="open" if entry.get("verified") else "concept",
                              **{k: item[k] for k in PLACEMENT_FIELDS if k in item})
        db.add(placement)
        db.flush()
        for relation in ("essential", "optional"):
            for slug in item.get(relation, []):
                db.add(PlacementSkill(placement_id=placement.id, skill_id=skills[slug],
                                      relation=relation))


def _introduce_first_candidate(db: Session, candidate: Candidate, employer_email: str) -> None:
    """One introduction that already has the candidate's consent, so every role sees data."""
    best = db.exec(select(Match).join(Placement, Placement.id == Match.placement_id)
                   .join(Employer, Employer.id == Placement.employer_id)
                   .join(User, User.id == Employer.user_id)
                   .where(Match.candidate_id == candidate.id, User.email == employer_email)
                   .order_by(col(Match.score).desc())).first()
    if best is None:
        return
    placement = db.get(Placement, best.placement_id)
    advisor = db.exec(select(User).where(User.role == "advisor").order_by(User.id)).first()
    best.status, best.proposed_at = M.VOORGESTELD, utcnow()
    best.proposed_by_id = advisor.id if advisor else None
    db.add(best)
    db.add(Consent(candidate_id=candidate.id, employer_id=placement.employer_id,
                   purpose="introduction", granted=True, privacy_version="2026-11"))
    for purpose in ("matching", "employers_pseudonymous"):
        db.add(Consent(candidate_id=candidate.id, purpose=purpose, granted=True,
                       privacy_version="2026-11"))
    candidate.status = C.VOORGESTELD
    db.add(candidate)


def _add_candidate(db, entry, password_hash, skills, occupations) -> Candidate:
    user = User(email=entry["email"], password_hash=password_hash, role="candidate")
    db.add(user)
    db.flush()
    postcode, pc4 = postcodes.parse(entry["postcode"])
    candidate = Candidate(user_id=user.id, email=entry["email"], postcode=postcode, pc4=pc4,
                          **{k: entry[k] for k in CANDIDATE_FIELDS if k in entry})
    if candidate.status != C.AANGEMELD:
        candidate.intake_completed_at = utcnow()
    candidate.last_contact_at = utcnow()
    db.add(candidate)
    db.flush()
    for label, years in entry.get("occupations", []):
        db.add(CandidateOccupation(candidate_id=candidate.id, free_text=label, years=years,
                                   occupation_id=occupations.get(label)))
    for slug, level in entry.get("skills", []):
        db.add(CandidateSkill(candidate_id=candidate.id, skill_id=skills[slug], self_level=level))
    return candidate


def _add_enrolments(db: Session, entries: list[dict], candidates: list[Candidate]) -> None:
    """Modules the demo candidates started, completed or stopped, dated relative to today.

    Each entry is [module, status, days since the start, days since the end, reason if stopped].
    """
    modules = {m.slug: m for m in db.exec(select(Module))}
    by_email = {c.email: c for c in candidates}
    today = date.today()
    for entry in entries:
        candidate = by_email.get(entry["email"])
        for slug, status, started, *end in entry.get("modules", []) if candidate else ():
            module = modules[slug]
            db.add(ModuleEnrolment(
                candidate_id=candidate.id, module_id=module.id, status=status,
                started_on=today - timedelta(days=started),
                ended_on=today - timedelta(days=end[0]) if end else None,
                reason=end[1] if len(end) > 1 else "",
                civil_value=module.civil_value if status == "afgerond" else None))


def describe(summary: DemoSummary) -> str:
    """The demo logins as text for the terminal."""
    lines = [f"Demo-gegevens: {summary.created_users} accounts toegevoegd.",
             f"Demo-logins (wachtwoord voor allemaal: {summary.password}):"]
    roles = {"admin": "beheerder", "advisor": "adviseur", "employer": "werkgever",
             "candidate": "kandidaat"}
    lines += [f"  {roles[role]:<10} {email}" for email, role in summary.logins]
    lines += ["Adviseurs en beheerders vullen na het wachtwoord een code in (tweestaps-",
              f"verificatie). Demosleutel voor een authenticator-app: {DEMO_TOTP_SECRET}",
              "  of maak de code van nu met: python -c \"import pyotp; "
              f"print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\""]
    return "\n".join(lines)



