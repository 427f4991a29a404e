"""Seed open placements and an advisor for bench/load.py (a subprocess with SPT_DATABASE_URL).

Usage: python bench/load_seed.py PLACEMENTS ADVISOR_EMAIL PASSWORD   (prints a JSON summary)
"""

import json
import random
import sys

from sqlmodel import select

from spt import create_app
from spt.db import get_db
from spt.models import PLACEMENT_KINDS, THEMES, Employer, Placement, PlacementSkill, Skill
from spt.models._base import utcnow
from spt.services import accounts, postcodes

PER_EMPLOYER = 20


def seed(count: int, advisor_email: str, password: str) -> dict:
    """Add verified employers with `count` open placements (3-6 skills each) and an advisor."""
    rng = random.Random(42)
    db = get_db()
    skills = list(db.exec(select(Skill.id)).all())
    pc4s = sorted(postcodes.areas())
    employers = [Employer(name=f"Loadtest BV {n}", pc4=rng.choice(pc4s), mentors=2,
                          mentor_capacity=5, verified_at=utcnow())
                 for n in range(count // PER_EMPLOYER + 1)]
    db.add_all(employers)
    db.flush()
    placements = [Placement(
        employer_id=employers[n // PER_EMPLOYER].id, kind=rng.choice(PLACEMENT_KINDS),
        title=f"Monteur {n}", theme=rng.choice(THEMES), pc4=rng.choice(pc4s),
        hours_per_week=rng.choice((24, 32, 36, 40)), seats=rng.randint(1, 3), status="open",
        level=rng.choice(("mbo-2", "mbo-3", "mbo-4")), training_offered=rng.random() < 0.5)
        for n in range(count)]
    db.add_all(placements)
    db.flush()
    for placement in placements:
        chosen = rng.sample(skills, rng.randint(3, 6))
        db.add_all(PlacementSkill(placement_id=placement.id, skill_id=skill_id,
                                  relation="essential" if i < 2 else "optional")
                   for i, skill_id in enumerate(chosen))
    db.commit()
    advisor = accounts.create_user(db, email=advisor_email, password=password, role="advisor")
    return {"employers": len(employers), "placements": len(placements), "advisor_id": advisor.id}


if __name__ == "__main__":
    with create_app().app_context():
        print(json.dumps(seed(int(sys.argv[1]), sys.argv[2], sys.argv[3])))
