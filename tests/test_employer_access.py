"""Employer access: only its own organisation, placements and proposed candidates."""

import pytest
from sqlmodel import func, select

from spt.db import get_db
from spt.models import AuditEvent, Match, Placement
from tests.factories import invite_fields, make_candidate, make_employer, make_match, make_placement

# Every employer route, with the ids it takes: "placement" or "match" of the other employer.
ROUTES = {
    "employer.home": ("GET", "/werkgever/", None),
    "employer.organisation": ("GET", "/werkgever/organisatie", None),
    "employer.placement_list": ("GET", "/werkgever/plekken", None),
    "employer.new_placement": ("GET", "/werkgever/plekken/nieuw", None),
    "employer.edit_placement": ("POST", "/werkgever/plekken/{placement}", "placement"),
    "employer.duplicate_placement": ("POST", "/werkgever/plekken/{placement}/kopie",
                                     "placement"),
    "employer.placement_status": ("POST", "/werkgever/plekken/{placement}/{action}",
                                  "placement"),
    "employer.candidates": ("GET", "/werkgever/plekken/{placement}/kandidaten", "placement"),
    "employer.candidate": ("GET", "/werkgever/kandidaten/{match}", "match"),
    "employer.accept": ("POST", "/werkgever/kandidaten/{match}/uitnodigen", "match"),
    "employer.decline": ("POST", "/werkgever/kandidaten/{match}/afwijzen", "match"),
    "employer.outcome": ("POST", "/werkgever/kandidaten/{match}/uitkomst", "match"),
    "employer.new_appointment": ("POST", "/werkgever/kandidaten/{match}/afspraak", "match"),
}
ACTIONS = ("publiceren", "pauzeren", "heropenen", "sluiten")


@pytest.fixture
def two_employers(app):
    """Employer A (ours) and employer B with a placement and a proposed candidate."""
    user_a, _employer_a = make_employer(app, name="Bedrijf A")
    user_b, employer_b = make_employer(app, name="Geheim Bedrijf B",
                                       recognised_training_company=True, sbb_number="5555")
    placement_b = make_placement(app, employer_b, kind="bbl", title="geheime plek van B")
    _user, candidate = make_candidate(app, first_name="Karel", last_name="Geheim",
                                      status="voorgesteld")
    match_b = make_match(app, candidate, placement_b, status="voorgesteld")
    return {"a": user_a, "b": user_b, "placement": placement_b, "match": match_b,
            "number": f"K-{candidate:06d}"}


def test_every_employer_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("employer.")}
    assert endpoints == set(ROUTES)


def _requests(ids: dict):
    for _endpoint, (method, path, needs) in ROUTES.items():
        if needs is None:
            continue
        for action in (ACTIONS if "{action}" in path else ("",)):
            yield method, path.format(placement=ids["placement"], match=ids["match"],
                                      action=action)
    yield "GET", f"/werkgever/plekken/{ids['placement']}"


def _snapshot(app, ids):
    with app.app_context():
        db = get_db()
        placement, match = db.get(Placement, ids["placement"]), db.get(Match, ids["match"])
        count = db.exec(select(func.count(Placement.id))).one()
        return (placement.status, placement.title, match.status, match.version, count)


def test_another_employers_ids_give_404_and_never_data(app, client, login, two_employers):
    login(two_employers["a"])
    before = _snapshot(app, two_employers)
    form = {"title": "overgenomen", "kind": "vacature", "postcode": "1012",
            "hours_per_week": "32", "seats": "1", "essential_skills": "solderen",
            "status": "open", "uitnodigen-version": "1", **invite_fields("2027-01-05"),
            "afwijzen-version": "1", "afwijzen-reason": "ervaring",
            "uitkomst-version": "1", "uitkomst-outcome": "proefplaatsing"}
    for method, path in _requests(two_employers):
        response = client.open(path, method=method, data=form if method == "POST" else None)
        assert response.status_code in (403, 404), (method, path, response.status_code)
        html = response.get_data(as_text=True)
        for secret in ("geheime plek van B", "Geheim", "Karel", two_employers["number"]):
            assert secret not in html, (path, secret)
    assert _snapshot(app, two_employers) == before
    with app.app_context():
        assert get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "employer.viewed_candidate")).all() == []


def test_the_owner_reaches_the_same_routes(app, client, login, two_employers):
    login(two_employers["b"])
    for path in (f"/werkgever/plekken/{two_employers['placement']}",
                 f"/werkgever/plekken/{two_employers['placement']}/kandidaten",
                 f"/werkgever/kandidaten/{two_employers['match']}"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("role", ["candidate", "advisor", "admin"])
def test_other_roles_are_refused_every_employer_route(app, client, login, make_user,
                                                      two_employers, role):
    login(make_user(role))
    for method, path, _needs in ROUTES.values():
        path = path.format(placement=two_employers["placement"], match=two_employers["match"],
                           action="sluiten")
        assert client.open(path, method=method).status_code == 403, path


def test_anonymous_visitors_are_sent_to_the_login(app, client, two_employers):
    for method, path, _needs in ROUTES.values():
        path = path.format(placement=two_employers["placement"], match=two_employers["match"],
                           action="sluiten")
        response = client.open(path, method=method)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
