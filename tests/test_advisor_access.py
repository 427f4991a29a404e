"""Advisor-only access: every advisor route refuses candidates and employers, asks for login."""

import re

import pytest

from tests.factories import PASSWORD, make_candidate, make_employer

ADVISOR_BLUEPRINTS = ("advisor", "advisor_pipeline", "advisor_rounds", "advisor_kpis")


def _routes(app, blueprints):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in blueprints:
            path = re.sub(r"<any\([^)]*\):fmt>", "csv", rule.rule)
            path = re.sub(r"<int:[a-z_]+>", "1", path)
            path = re.sub(r"<[a-z_]+>", "trechter", path)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, path


def _client_as(app, email):
    client = app.test_client()
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def others(app):
    make_candidate(app, email="kandidaat@example.nl")
    make_employer(app, email="werkgever@example.nl")
    return [_client_as(app, "kandidaat@example.nl"), _client_as(app, "werkgever@example.nl")]


def test_every_advisor_route_is_closed_to_candidates_employers_and_anonymous(app, others):
    routes = list(_routes(app, ADVISOR_BLUEPRINTS))
    assert len(routes) >= 19
    anonymous = app.test_client()
    for method, path in routes:
        for client in others:
            assert client.open(path, method=method).status_code == 403, (method, path)
        response = anonymous.open(path, method=method)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"], (
            method, path)


def test_audit_routes_are_admin_only(app, others, make_user):
    advisor = make_user("advisor", email="adviseur@example.nl")
    assert advisor
    routes = list(_routes(app, ("audit",)))
    for client in [*others, _client_as(app, "adviseur@example.nl")]:
        for method, path in routes:
            assert client.open(path, method=method).status_code == 403


def test_admins_may_use_the_advisor_workspace(app, make_user, login, client):
    login(make_user("admin"))
    for path in ("/adviseur/", "/adviseur/pipeline", "/adviseur/matchronde", "/adviseur/kpi"):
        assert client.get(path).status_code == 200, path
