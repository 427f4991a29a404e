"""The unit of work: a domain error from a helper leaves the caller's transaction to the caller.

Each helper that can lose a race (a second writer of the same account, candidate, match or
enrolment) undoes only its own work, in a savepoint or by writing nothing, and raises; what the
caller added before stays, to commit or to drop as the caller decides.
"""

import pytest
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import select

from spt.db import get_db
from spt.models import AuditEvent, Candidate, Match
from spt.services import accounts, audit, pipeline
from spt.services.errors import Conflict, DomainError
from tests.factories import make_candidate, make_employer, make_match, make_placement


def _callers_work(db) -> None:
    audit.record(db, actor_id=None, action="caller.before", subject_type="test", subject_id=1)
    db.flush()


def _kept(app) -> bool:
    with app.app_context():
        return get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "caller.before")).first() is not None


def test_a_second_account_with_the_same_address_undoes_only_itself(app, monkeypatch):
    with app.app_context():
        db = get_db()
        accounts.create_user(db, email="dubbel@example.nl", password="Zonnepaneel-2027!x",
                             role="candidate")
        db.commit()
        _callers_work(db)
        # the other browser registered between our check and our insert
        monkeypatch.setattr(accounts, "find_by_email", lambda db, email: None)
        with pytest.raises(DomainError, match="al een account"):
            accounts.create_user(db, email="dubbel@example.nl", password="Zonnepaneel-2027!x",
                                 role="candidate")
        db.commit()
    assert _kept(app)


def test_a_candidate_moved_meanwhile_undoes_only_this_move(app):
    _u, candidate_id = make_candidate(app, status="intake_afgerond")
    with app.app_context():
        db = get_db()
        candidate = db.get(Candidate, candidate_id)
        read_version = candidate.version
        db.commit()
    with app.app_context():  # a second advisor saves the candidate first
        other = get_db()
        other.get(Candidate, candidate_id).phone = "06 1111 2222"
        other.commit()
    with app.app_context():
        db = get_db()
        candidate = db.get(Candidate, candidate_id)
        set_committed_value(candidate, "version", read_version)  # the page this advisor read
        _callers_work(db)
        with pytest.raises(Conflict):
            pipeline.move_candidate(db, candidate, "orientatie", actor_id=None)
        db.commit()
        assert db.get(Candidate, candidate_id, populate_existing=True).status == \
            "intake_afgerond"
    assert _kept(app)


def test_a_stale_match_version_writes_nothing_and_keeps_the_callers_work(app):
    _u, employer = make_employer(app)
    placement = make_placement(app, employer)
    _u, candidate = make_candidate(app)
    match_id = make_match(app, candidate, placement, status="berekend")
    with app.app_context():
        db = get_db()
        match = db.get(Match, match_id)
        _callers_work(db)
        with pytest.raises(Conflict):
            pipeline.move_match(db, match, "matchvoorstel", actor_id=None,
                                expected_version=match.version + 5)
        db.commit()
        assert db.get(Match, match_id, populate_existing=True).status == "berekend"
    assert _kept(app)


def test_a_savepoint_never_commits_the_callers_work_early(app):
    """SQLite starts a transaction at a SAVEPOINT outside one, and RELEASE would commit it."""
    with app.app_context():
        db = get_db()
        db.exec(select(Candidate)).all()  # reads only: pysqlite has no transaction open yet
        accounts.new_candidate_user(db, email="half@example.nl", password="Zonnepaneel-2027!x")
        _callers_work(db)
        with app.app_context():  # another request must not see any of it before the commit
            assert accounts.find_by_email(get_db(), "half@example.nl") is None
        db.rollback()
    with app.app_context():
        assert accounts.find_by_email(get_db(), "half@example.nl") is None
    assert not _kept(app)
