"""The candidate's own pages: Mijn loopbaan, introductions, export and deletion."""

import json
from datetime import date

from sqlmodel import select

from spt.db import get_db
from spt.extensions import limiter
from spt.models import (
    AuditEvent,
    Candidate,
    CandidateSkill,
    Consent,
    Match,
    OutboxMessage,
    StatusChange,
    User,
)
from spt.services import introductions
from spt.services.readable_export import SECTIONS
from tests.factories import PASSWORD, make_candidate, make_employer, make_match, make_placement


def login_as(app, user_id):
    client = app.test_client()
    with app.app_context():
        email = get_db().get(User, user_id).email
    assert client.post("/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def proposed_match(app, status="wacht_op_kandidaat"):
    _eu, employer_id = make_employer(app, name="ZonneWerk Almere")
    placement_id = make_placement(app, employer_id, title="leerling monteur zonnepanelen")
    user_id, candidate_id = make_candidate(app, status="matchvoorstel")
    match_id = make_match(app, candidate_id, placement_id, status=status)
    return user_id, candidate_id, employer_id, match_id


def test_home_shows_the_introduction_and_consent_reveals_identity(app):
    user_id, candidate_id, employer_id, match_id = proposed_match(app)
    client = login_as(app, user_id)
    html = client.get("/kandidaat/").get_data(as_text=True)
    assert "ZonneWerk Almere" in html and "Verstuur mijn antwoord" in html
    with app.app_context():
        assert not introductions.identity_visible(get_db(), candidate_id=candidate_id,
                                                  employer_id=employer_id)
    response = client.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "ja"})
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        assert introductions.identity_visible(db, candidate_id=candidate_id,
                                              employer_id=employer_id)
        assert db.get(Match, match_id).status == "voorgesteld"
        assert db.get(Candidate, candidate_id).status == "voorgesteld"
        consent = db.exec(select(Consent).where(Consent.employer_id == employer_id)).one()
        assert consent.granted and consent.privacy_version


def test_withdrawing_consent_hides_identity_at_once(app):
    user_id, candidate_id, employer_id, match_id = proposed_match(app)
    client = login_as(app, user_id)
    client.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "ja"})
    assert client.post(f"/kandidaat/introducties/{match_id}/intrekken").status_code == 302
    with app.app_context():
        assert not introductions.identity_visible(get_db(), candidate_id=candidate_id,
                                                  employer_id=employer_id)
        assert get_db().get(Match, match_id).status == "on_hold"  # undo brings it back


def test_refusing_an_introduction_keeps_identity_hidden(app):
    user_id, candidate_id, employer_id, match_id = proposed_match(app)
    client = login_as(app, user_id)
    client.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "nee"})
    with app.app_context():
        assert not introductions.identity_visible(get_db(), candidate_id=candidate_id,
                                                  employer_id=employer_id)
        assert get_db().get(Match, match_id).status == "afgewezen"


def test_bad_answers_and_other_peoples_matches_are_refused(app):
    user_id, _c, _e, match_id = proposed_match(app)
    other_user, _other = make_candidate(app)
    client = login_as(app, user_id)
    assert client.post(f"/kandidaat/introducties/{match_id}/antwoord",
                       data={"answer": "misschien"}).status_code == 400
    other = login_as(app, other_user)
    assert other.post(f"/kandidaat/introducties/{match_id}/antwoord",
                      data={"answer": "ja"}).status_code == 404
    assert other.post(f"/kandidaat/introducties/{match_id}/intrekken").status_code == 404
    with app.app_context():
        assert get_db().get(Match, match_id).status == "wacht_op_kandidaat"


def test_export_holds_everything_about_the_candidate(app):
    user_id, candidate_id, _e, match_id = proposed_match(app)
    client = login_as(app, user_id)
    client.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "ja"})
    response = client.get("/kandidaat/mijn-gegevens.json")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profiel"]["first_name"] == "Samira" and data["profiel"]["id"] == candidate_id
    assert "password_hash" not in data["account"]
    assert data["vaardigheden"][0]["skill"] == "zonnepanelen monteren"
    assert data["matches"][0]["werkgever"] == "ZonneWerk Almere"
    assert any(c["granted"] for c in data["toestemmingen"])
    assert any(s["to_status"] == "voorgesteld" for s in data["statusgeschiedenis"])


def test_the_readable_export_shows_the_same_facts_in_plain_words_and_is_logged(app):
    user_id, candidate_id, _e, match_id = proposed_match(app)
    client = login_as(app, user_id)
    client.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "ja"})
    with app.app_context():
        db = get_db()
        candidate = db.get(Candidate, candidate_id)
        candidate.available_from = date(2027, 1, 12)
        candidate.phone = "06 1234 5678"
        db.commit()
        before = len(db.exec(select(AuditEvent).where(
            AuditEvent.action == "privacy.exported")).all())
    response = client.get("/kandidaat/mijn-gegevens")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for fact in ("Samira", "06 1234 5678", "12 januari 2027", "zonnepanelen monteren",
                 "ZonneWerk Almere", "Beschikbaar vanaf", "waarvoor je bent voorgesteld"):
        assert fact in page, fact
    assert "2027-01-12" not in page and "password" not in page
    assert 'href="/kandidaat/mijn-gegevens.json"' in page
    assert 'href="/kandidaat/mijn-gegevens"' in client.get("/kandidaat/profiel").get_data(
        as_text=True)
    with app.app_context():
        assert len(get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "privacy.exported")).all()) == before + 1


def test_every_part_of_the_json_export_has_a_readable_section(app):
    user_id, _c, _e, _m = proposed_match(app)
    data = json.loads(login_as(app, user_id).get("/kandidaat/mijn-gegevens.json").get_data(
        as_text=True))
    assert set(data) == {key for key, _heading, _fields in SECTIONS}


def test_deleting_the_account_erases_personal_data_and_keeps_aggregates(app):
    user_id, candidate_id, _e, match_id = proposed_match(app)
    client = login_as(app, user_id)
    client.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "ja"})
    wrong = client.post("/kandidaat/verwijderen", data={"password": "fout fout fout",
                                                        "confirm": "y"})
    assert wrong.status_code == 400
    assert "Je wachtwoord klopt niet." in wrong.get_data(as_text=True)
    response = client.post("/kandidaat/verwijderen", data={"password": PASSWORD,
                                                           "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        assert db.get(User, user_id) is None
        candidate = db.get(Candidate, candidate_id)
        assert (candidate.first_name, candidate.email, candidate.phone, candidate.pc4) == (
            "", "", "", None)
        assert candidate.status == "voorgesteld"  # aggregates survive
        assert db.exec(select(CandidateSkill).where(
            CandidateSkill.candidate_id == candidate_id)).all() == []
        assert db.exec(select(Consent).where(Consent.candidate_id == candidate_id)).all() == []
        assert db.get(Match, match_id).explanation == {}
        assert db.exec(select(StatusChange).where(StatusChange.subject_id == match_id)).all()
    assert client.get("/kandidaat/").status_code == 302


def test_deletion_needs_the_confirmation_box(app):
    user_id, _candidate_id = make_candidate(app)
    client = login_as(app, user_id)
    response = client.post("/kandidaat/verwijderen", data={"password": PASSWORD})
    assert response.status_code == 400
    with app.app_context():
        assert get_db().get(User, user_id) is not None


def test_suggest_endpoint_returns_ranked_concepts(client):
    response = client.get("/api/suggest?kind=occupation&q=monteur%20zonnepanelen")
    assert response.status_code == 200
    first = response.get_json()["suggestions"][0]
    assert first["label"] == "monteur zonnepanelen" and 0 <= first["confidence"] <= 1
    skills = client.get("/api/suggest?kind=skill&q=PV%20panelen%20leggen").get_json()
    assert skills["suggestions"][0]["id"] == "zonnepanelen-monteren"


def test_suggest_endpoint_refuses_bad_queries(client):
    assert client.get("/api/suggest?kind=beroep&q=x").status_code == 400
    assert client.get("/api/suggest?kind=skill&q=").status_code == 400
    assert client.get("/api/suggest?kind=skill&q=" + "x" * 101).status_code == 400


def test_suggest_endpoint_is_rate_limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    client = app.test_client()
    statuses = [client.get("/api/suggest?kind=skill&q=vca").status_code for _ in range(40)]
    limiter.enabled = False
    assert statuses[0] == 200 and statuses[-1] == 429


def test_a_candidate_asks_for_a_meeloopdag_once(app):
    _eu, employer_id = make_employer(app)
    placement_id = make_placement(app, employer_id, meeloopdag=True)
    no_day = make_placement(app, employer_id, meeloopdag=False)
    advisor_id, _x = make_candidate(app)  # a second account; make it an advisor below
    with app.app_context():
        db = get_db()
        db.get(User, advisor_id).role = "advisor"
        db.commit()
    user_id, _candidate = make_candidate(app)
    client = login_as(app, user_id)
    assert client.post(f"/kandidaat/plekken/{placement_id}/meeloopdag").status_code == 302
    assert client.post(f"/kandidaat/plekken/{placement_id}/meeloopdag").status_code == 302
    assert client.post(f"/kandidaat/plekken/{no_day}/meeloopdag").status_code == 400
    assert client.post("/kandidaat/plekken/999999/meeloopdag").status_code == 404
    with app.app_context():
        mails = get_db().exec(select(OutboxMessage)).all()
        assert [m.subject for m in mails] == ["Verzoek om een meeloopdag"]
        assert "Samira" not in mails[0].body  # the advisor mail carries the number, not the name


def test_an_advisor_exports_and_erases_a_candidate_on_request(app, make_user, login):
    _user_id, candidate_id = make_candidate(app, first_name="Noor")
    advisor = app.test_client()
    login(make_user("advisor"), on=advisor)
    exported = advisor.get(f"/adviseur/kandidaten/{candidate_id}/gegevens.json")
    assert exported.status_code == 200 and json.loads(exported.data)["profiel"]["first_name"] \
        == "Noor"
    refused = advisor.post(f"/adviseur/kandidaten/{candidate_id}/verwijderen")
    assert refused.status_code == 400
    with app.app_context():
        assert get_db().get(Candidate, candidate_id).first_name == "Noor"
    done = advisor.post(f"/adviseur/kandidaten/{candidate_id}/verwijderen",
                        data={"confirm": "ja"})
    assert done.status_code == 302
    with app.app_context():
        assert get_db().get(Candidate, candidate_id).first_name == ""
