"""The audit log is append-only: no update or delete through the application."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import delete, select, update

from spt.db import get_db
from spt.models import AuditEvent, User
from spt.services import audit
from spt.services.audit import AuditLogIsAppendOnly
from tests.conftest import PASSWORD
from tests.factories import make_candidate, make_employer, make_match, make_placement


@pytest.fixture
def event_id(app):
    with app.app_context():
        db = get_db()
        event = audit.record(db, actor_id=1, action="test.original", detail={"a": 1})
        db.commit()
        return event.id


def _actions(app) -> list[str]:
    with app.app_context():
        return list(get_db().exec(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_audit_event_cannot_be_changed_through_the_session(app, event_id):
    with app.app_context():
        db = get_db()
        event = db.get(AuditEvent, event_id)
        event.action = "test.forged"
        with pytest.raises(AuditLogIsAppendOnly):
            db.commit()
        db.rollback()
    assert _actions(app) == ["test.original"]


def test_an_audit_event_cannot_be_deleted_through_the_session(app, event_id):
    with app.app_context():
        db = get_db()
        db.delete(db.get(AuditEvent, event_id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.flush()
        db.rollback()
    assert _actions(app) == ["test.original"]


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(action="test.forged"),
    update(AuditEvent).where(AuditEvent.actor_id == 1).values(actor_id=None),
    delete(AuditEvent),
    delete(AuditEvent.__table__),
], ids=["orm-update", "orm-update-where", "orm-delete", "core-delete"])
def test_bulk_writes_to_the_audit_table_are_refused_by_the_orm_guard(app, event_id, statement):
    with app.app_context():
        db = get_db()
        with pytest.raises(AuditLogIsAppendOnly):
            db.exec(statement)
        db.rollback()
    assert _actions(app) == ["test.original"]


# Plain SQL that a text pattern misses (a comment, a CTE, quoting, a schema prefix): the
# database's own trigger refuses every one of them.
RAW_WRITES = [
    "DELETE FROM auditevent",
    "update auditevent set action = 'test.forged'",
    "/* tidy up */ DELETE FROM auditevent",
    "-- note\nUPDATE auditevent SET detail = '{}'",
    "WITH old AS (SELECT id FROM auditevent) DELETE FROM auditevent WHERE id IN "
    "(SELECT id FROM old)",
    'DELETE FROM "auditevent" WHERE 1 = 1',
    "UPDATE  AuditEvent  SET actor_id = NULL",
]


@pytest.mark.parametrize("statement", RAW_WRITES)
def test_raw_sql_writes_are_refused_by_the_database_itself(app, event_id, statement):
    with app.app_context():
        db = get_db()
        with pytest.raises(DBAPIError, match="append-only"):
            db.exec(text(statement))
        db.rollback()
    assert _actions(app) == ["test.original"]


def test_truncate_is_refused_on_postgresql(app, event_id):
    with app.app_context():
        db = get_db()
        if db.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE")
        with pytest.raises(DBAPIError, match="append-only"):
            db.exec(text("TRUNCATE auditevent"))
        db.rollback()
    assert _actions(app) == ["test.original"]


def test_adding_events_and_changing_other_rows_still_works(app, event_id, make_user):
    user_id = make_user("candidate")
    with app.app_context():
        db = get_db()
        db.get(User, user_id).failed_logins = 3
        db.get(AuditEvent, event_id)  # loaded, untouched: not a change
        audit.record(db, actor_id=user_id, action="test.second")
        db.commit()
    assert _actions(app) == ["test.original", "account.created", "test.second"]


def test_only_the_retention_bypass_may_delete_events(app, event_id):
    with app.app_context():
        db = get_db()
        with audit.retention_purge_bypass(db):
            db.exec(delete(AuditEvent).where(AuditEvent.id == event_id))
        db.commit()
        with pytest.raises(AuditLogIsAppendOnly):  # the bypass ended with the block
            db.exec(delete(AuditEvent))
        db.rollback()
        audit.record(db, actor_id=1, action="test.later")
        db.commit()

        with pytest.raises(DBAPIError, match="append-only"):  # in the database too
            db.exec(text("DELETE FROM auditevent"))
        db.rollback()
    assert _actions(app) == ["test.later"]


def test_logins_employer_views_scores_exports_and_erasures_are_logged(app, client, login,
                                                                      make_user):
    employer_user, employer = make_employer(app)
    placement = make_placement(app, employer)
    candidate_user, candidate = make_candidate(app)
    match = make_match(app, candidate, placement, status="voorgesteld")

    login(make_user("advisor"))
    assert client.get(f"/adviseur/kandidaten/{candidate}").status_code == 200
    client.post("/uitloggen")
    login(employer_user)
    assert client.get(f"/werkgever/kandidaten/{match}").status_code == 200
    client.post("/uitloggen")
    login(candidate_user)
    assert client.get("/kandidaat/mijn-gegevens.json").status_code == 200
    response = client.post("/kandidaat/verwijderen", data={"password": PASSWORD,
                                                           "confirm": "y"})
    assert response.status_code == 302
    actions = set(_actions(app))
    assert {"account.login", "advisor.scores_shown", "employer.viewed_candidate",
            "privacy.exported", "privacy.erased"} <= actions
