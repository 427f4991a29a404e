"""Factories for tests: each returns ids of committed rows (use a fresh app context to read)."""

from datetime import date
from itertools import count

from sqlmodel import select

from spt.db import get_db
from spt.models import (
    Candidate,
    CandidateSkill,
    Employer,
    Match,
    Placement,
    PlacementSkill,
    Skill,
    User,
)
from spt.models._base import utcnow
from spt.services.passwords import hash_password

PASSWORD = "een lang wachtwoord 42"
_numbers = count(1)
_hash = None


def _password_hash() -> str:
    global _hash  # hashing is slow on purpose; tests share one hash of the same password
    _hash = _hash or hash_password(PASSWORD)
    return _hash


def _user(db, role: str, email: str | None) -> User:
    user = User(email=email or f"{role}-{next(_numbers)}@example.nl",
                password_hash=_password_hash(), role=role)
    db.add(user)
    db.flush()
    return user


def _skill_ids(db, slugs) -> dict[str, int]:
    return dict(db.exec(select(Skill.slug, Skill.id).where(Skill.slug.in_(list(slugs)))).all())


def make_employer(app, *, verified: bool = True, mentor_capacity: int = 2,
                  name: str | None = None, email: str | None = None, **fields) -> tuple[int, int]:
    """An employer account and organisation: (user id, employer id)."""
    with app.app_context():
        db = get_db()
        user = _user(db, "employer", email)
        employer = Employer(user_id=user.id, name=name or f"Installatiebedrijf {user.id}",
                            pc4=fields.pop("pc4", "1012"), mentor_capacity=mentor_capacity,
                            verified_at=utcnow() if verified else None, **fields)
        db.add(employer)
        db.commit()
        return user.id, employer.id


def make_placement(app, employer_id: int, *, kind: str = "bbl", title: str = "leerling monteur",
                   pc4: str = "1012", essential=("zonnepanelen-monteren",), optional=(),
                   seats: int = 1, status: str = "open", **fields) -> int:
    """A placement with essential and optional skills (skill slugs): its id."""
    with app.app_context():
        db = get_db()
        placement = Placement(employer_id=employer_id, kind=kind, title=title, pc4=pc4,
                              hours_per_week=fields.pop("hours_per_week", 32), seats=seats,
                              status=status, start_date=fields.pop("start_date", date(2027, 2, 1)),
                              **fields)
        db.add(placement)
        db.flush()
        ids = _skill_ids(db, [*essential, *optional])
        for relation, slugs in (("essential", essential), ("optional", optional)):
            db.add_all(PlacementSkill(placement_id=placement.id, skill_id=ids[s],
                                      relation=relation) for s in slugs)
        db.commit()
        return placement.id


def make_candidate(app, *, email: str | None = None, skills=("zonnepanelen-monteren",),
                   completed: bool = True, **fields) -> tuple[int, int]:
    """A candidate account with a profile: (user id, candidate id)."""
    defaults = {"first_name": "Samira", "last_name": "Bouzid", "phone": "06 1234 5678",
                "postcode": "1093 AB", "pc4": "1093", "birth_year": 1990, "nt2_level": "B1",
                "level": "mbo-2", "max_km": 30, "hours_per_week": 32,
                "available_from": date(2027, 1, 4), "themes": ["energie"],
                "kinds": ["bbl", "wep", "vacature"], "driving_licences": ["B"]}
    with app.app_context():
        db = get_db()
        user = _user(db, "candidate", email)
        candidate = Candidate(user_id=user.id, email=user.email, **(defaults | fields))
        if completed:
            candidate.intake_completed_at = utcnow()
            candidate.status = fields.get("status", "intake_afgerond")
        db.add(candidate)
        db.flush()
        ids = _skill_ids(db, skills)
        db.add_all(CandidateSkill(candidate_id=candidate.id, skill_id=ids[s], self_level=2)
                   for s in skills)
        db.commit()
        return user.id, candidate.id


def make_match(app, candidate_id: int, placement_id: int, *, status: str = "berekend",
               score: float = 0.6, **fields) -> int:
    """A stored match with a minimal explanation: its id."""
    with app.app_context():
        db = get_db()
        match = Match(candidate_id=candidate_id, placement_id=placement_id, status=status,
                      score=score, explanation=fields.pop("explanation", {
                          "factors": [{"name": "essential", "value": 1.0, "weight": 4.0}],
                          "matched": [], "missing_essential": [], "missing_optional": [],
                          "exclusions": [], "distance_km": 5.0, "eligible": True}), **fields)
        db.add(match)
        db.commit()
        return match.id


def invite_fields(day: str = "2027-02-10", *, prefix: str = "uitnodigen",
                  time: str = "10:00", **fields) -> dict:
    """The posted fields of a kennismaking appointment (date, time, place, contact)."""
    values = {"day": day, "time": time, "place": "Werkplaats 1, Amsterdam", "video_url": "",
              "contact_name": "Jan de Vries", "contact_phone": "020 123 4567"} | fields
    return {f"{prefix}-{name}": value for name, value in values.items()}
