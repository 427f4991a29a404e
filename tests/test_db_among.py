"""`among`: an IN over any number of values is one bound parameter on SQLite and PostgreSQL."""

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from spt.db import among, get_db, lock_rows
from spt.models import Candidate
from spt.models.reference import Skill
from spt.services import matcher_profiles
from tests.factories import make_candidate

MANY = 70_000  # above PostgreSQL's 65,535 parameters and SQLite's 32,766


def test_seventy_thousand_ids_find_the_rows_that_exist(app):
    with app.app_context():
        db = get_db()
        expected = sorted(db.exec(select(Skill.id)).all())
        assert expected, "the reference data has skills"
        found = db.exec(select(Skill.id).where(among(db, col(Skill.id), range(1, MANY + 1)))
                        .order_by(Skill.id)).all()
        assert found == expected


def test_seventy_thousand_texts_match_by_value(app):
    with app.app_context():
        db = get_db()
        slugs = db.exec(select(Skill.slug).order_by(Skill.id).limit(3)).all()
        wanted = [f"onbekend-{n}" for n in range(MANY)] + slugs
        found = db.exec(select(Skill.slug).where(among(db, col(Skill.slug), wanted))).all()
        assert sorted(found) == sorted(slugs)
        assert db.exec(select(Skill.id).where(among(db, col(Skill.id), []))).all() == []


def test_row_locks_take_seventy_thousand_ids(app):
    with app.app_context():
        db = get_db()
        lock_rows(db, Skill, range(1, MANY + 1))
        db.rollback()


def test_a_plain_in_list_of_that_size_is_what_postgresql_refuses(app):
    with app.app_context():
        db = get_db()
        if db.get_bind().dialect.name != "postgresql":
            pytest.skip("the 65,535-parameter limit is PostgreSQL's")
        with pytest.raises(DBAPIError):
            db.exec(select(Skill.id).where(col(Skill.id).in_(list(range(MANY))))).all()
        db.rollback()


def test_profiles_of_seventy_thousand_candidates_in_one_batch(app):
    _user, real = make_candidate(app, skills=("zonnepanelen-monteren",))
    with app.app_context():
        db = get_db()
        others = [Candidate(id=real + n, first_name="X", pc4="1093") for n in range(1, MANY)]
        profiles = matcher_profiles.candidate_profiles(db, [db.get(Candidate, real), *others])
        assert len(profiles) == MANY
        assert [s for s, _level in profiles[0].skills] == ["zonnepanelen-monteren"]
        assert profiles[1].skills == ()
