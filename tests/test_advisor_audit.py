"""The admin audit log viewer: filters and pagination."""

from datetime import timedelta

import pytest

from spt.db import get_db
from spt.models import AuditEvent
from spt.models._base import utcnow
from spt.services import audit_log


@pytest.fixture
def admin(make_user, login):
    user_id = make_user("admin", email="beheer@spt.nl")
    login(user_id)
    return user_id


@pytest.fixture
def events(app, make_user):
    advisor = make_user("advisor", email="adviseur@spt.nl")
    with app.app_context():
        db = get_db()
        db.add(AuditEvent(actor_id=advisor, action="advisor.scores_shown",
                          subject_type="candidate", subject_id=7))
        db.add(AuditEvent(actor_id=advisor, action="advisor.override", subject_type="match",
                          subject_id=3, detail={"reason": "wil dichtbij werken"}))
        db.add(AuditEvent(actor_id=None, action="employer.viewed_candidate",
                          subject_type="candidate", subject_id=7,
                          at=utcnow() - timedelta(days=30)))
        db.add_all(AuditEvent(actor_id=advisor, action="bulk.test", subject_type="x",
                              subject_id=i) for i in range(audit_log.AUDIT_PAGE_SIZE + 5))
        db.commit()
    return advisor


def test_audit_log_filters_by_actor_action_subject_and_date(client, admin, events):
    text = client.get("/beheer/audit?actor=adviseur@spt&action=advisor.").get_data(as_text=True)
    assert "advisor.override" in text and "advisor.scores_shown" in text
    assert "bulk.test" not in text and "employer.viewed_candidate" not in text
    text = client.get("/beheer/audit?subject_type=candidate&subject_id=7").get_data(as_text=True)
    assert "advisor.scores_shown" in text and "employer.viewed_candidate" in text
    assert "advisor.override" not in text
    old = (utcnow() - timedelta(days=30)).date()
    text = client.get(f"/beheer/audit?van={old}&tot={old}").get_data(as_text=True)
    assert "employer.viewed_candidate" in text and "advisor.override" not in text
    assert client.get("/beheer/audit?van=gisteren").status_code == 400


def test_audit_log_is_paginated(client, admin, events):
    first = client.get("/beheer/audit").get_data(as_text=True)
    assert "pagina=2" in first
    second = client.get("/beheer/audit?pagina=2").get_data(as_text=True)
    assert "Vorige" in second and "employer.viewed_candidate" in second


def test_only_admins_see_the_audit_log(app, client, make_user, login):
    login(make_user("advisor"))
    assert client.get("/beheer/audit").status_code == 403
    assert app.test_client().get("/beheer/audit").status_code == 302
