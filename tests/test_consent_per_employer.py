"""Consent works per employer: asked that way, withdrawn with a confirmation, and undone."""

from sqlmodel import select

from spt.db import get_db
from spt.models import Candidate, Consent, Match, OutboxMessage, User
from spt.services import advisor_review, consents, introductions
from tests.factories import PASSWORD, make_candidate, make_employer, make_match, make_placement

SECRETS = ("Samira", "Bouzid", "06 1234 5678")


def login_as(app, user_id):
    client = app.test_client()
    with app.app_context():
        email = get_db().get(User, user_id).email
    assert client.post("/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def world(app, make_user, *, places=("monteur zonnepanelen", "monteur warmtepompen")):
    """One employer with places, a candidate asked about each, and the advisor who asked."""
    employer_user, employer_id = make_employer(app, name="ZonneWerk Almere",
                                               email="baas@zonnewerk.nl")
    advisor = make_user("advisor", email="adviseur@spt.nl")
    user_id, candidate_id = make_candidate(app, email="samira@example.nl", status="matchvoorstel")
    matches = [ask(app, candidate_id, employer_id, title, advisor) for title in places]
    return {"employer_user": employer_user, "employer": employer_id, "user": user_id,
            "advisor": advisor,
            "candidate": candidate_id, "matches": matches}


def ask(app, candidate_id, employer_id, title, advisor_id) -> int:
    """The advisor proposes a place: the candidate is asked (its history says so)."""
    match_id = make_match(app, candidate_id, make_placement(app, employer_id, title=title),
                          status="matchvoorstel")
    with app.app_context():
        db = get_db()
        introductions.propose(db, advisor=db.get(User, advisor_id), match_id=match_id,
                              expected_version=1)
    return match_id


def statuses(app, ids):
    with app.app_context():
        return [get_db().get(Match, i).status for i in ids]


def mails(app, to):
    with app.app_context():
        return [(m.subject, m.body) for m in get_db().exec(
            select(OutboxMessage).where(OutboxMessage.recipient == to))]


def test_the_question_is_asked_once_per_employer_with_its_places_listed(app, make_user):
    w = world(app, make_user)
    client = login_as(app, w["user"])
    html = client.get("/kandidaat/").get_data(as_text=True)
    assert html.count("Verstuur mijn antwoord") == 1
    assert "monteur zonnepanelen" in html and "monteur warmtepompen" in html
    assert "Mag je adviseur je voorstellen aan ZonneWerk Almere?" in html
    assert "je naam, e-mailadres en telefoonnummer" in html
    response = client.post(f"/kandidaat/introducties/{w['matches'][0]}/antwoord",
                           data={"answer": "ja"})
    assert response.status_code == 302
    assert statuses(app, w["matches"]) == ["voorgesteld", "voorgesteld"]
    with app.app_context():
        assert len(get_db().exec(select(Consent).where(
            Consent.employer_id == w["employer"])).all()) == 1


def test_no_to_one_place_never_shows_the_name_there_and_reads_as_thanks(app, make_user):
    """The reported case: yes to one place, then no to another place at the same employer."""
    w = world(app, make_user, places=("monteur zonnepanelen",))
    candidate = login_as(app, w["user"])
    candidate.post(f"/kandidaat/introducties/{w['matches'][0]}/antwoord", data={"answer": "ja"})
    second = ask(app, w["candidate"], w["employer"], "monteur laadpalen", w["advisor"])
    candidate.post(f"/kandidaat/introducties/{second}/antwoord", data={"answer": "nee"})
    assert statuses(app, [w["matches"][0], second]) == ["voorgesteld", "afgewezen"]
    employer = login_as(app, w["employer_user"])
    declined = employer.get(f"/werkgever/kandidaten/{second}").get_data(as_text=True)
    assert "De kandidaat heeft bedankt" in declined and "Afgewezen" not in declined
    assert not any(secret in declined for secret in SECRETS)
    agreed = employer.get(f"/werkgever/kandidaten/{w['matches'][0]}").get_data(as_text=True)
    assert "Samira" in agreed  # the place she said yes to still shows her


def test_saying_no_tells_the_advisor_and_the_employer_reads_thanks_in_the_list(app, make_user):
    w = world(app, make_user, places=("monteur zonnepanelen",))
    login_as(app, w["user"]).post(f"/kandidaat/introducties/{w['matches'][0]}/antwoord",
                                  data={"answer": "nee"})
    assert any("heeft bedankt voor ZonneWerk Almere" in body
               for _s, body in mails(app, "adviseur@spt.nl"))
    employer = login_as(app, w["employer_user"])
    with app.app_context():
        placement_id = get_db().get(Match, w["matches"][0]).placement_id
    html = employer.get(f"/werkgever/plekken/{placement_id}/kandidaten").get_data(as_text=True)
    assert "De kandidaat heeft bedankt" in html and "Afgewezen" not in html


def test_withdrawing_asks_first_then_hides_the_name_and_tells_advisor_and_employer(
        app, make_user):
    w = world(app, make_user)
    candidate = login_as(app, w["user"])
    candidate.post(f"/kandidaat/introducties/{w['matches'][0]}/antwoord", data={"answer": "ja"})
    path = f"/kandidaat/introducties/{w['matches'][0]}/intrekken"
    page = candidate.get(path).get_data(as_text=True)
    assert "Toestemming voor ZonneWerk Almere intrekken?" in page
    assert "monteur zonnepanelen" in page and "monteur warmtepompen" in page
    assert "ongedaan maken" in page
    assert statuses(app, w["matches"]) == ["voorgesteld", "voorgesteld"]  # asking changes nothing
    assert candidate.post(path).status_code == 302
    assert statuses(app, w["matches"]) == ["on_hold", "on_hold"]
    with app.app_context():
        assert not introductions.identity_visible(get_db(), candidate_id=w["candidate"],
                                                  employer_id=w["employer"])
    assert any("ingetrokken" in body for _s, body in mails(app, "adviseur@spt.nl"))
    assert any("bedankt" in subject for subject, _b in mails(app, "baas@zonnewerk.nl"))
    employer = login_as(app, w["employer_user"])
    html = employer.get(f"/werkgever/kandidaten/{w['matches'][0]}").get_data(as_text=True)
    assert "De kandidaat heeft bedankt" in html and "Samira" not in html
    assert "Ongedaan maken" in candidate.get("/kandidaat/").get_data(as_text=True)


def test_a_withdrawal_can_be_undone_once(app, make_user):
    w = world(app, make_user, places=("monteur zonnepanelen",))
    candidate = login_as(app, w["user"])
    match_id = w["matches"][0]
    candidate.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "ja"})
    candidate.post(f"/kandidaat/introducties/{match_id}/intrekken")
    assert candidate.post(f"/kandidaat/introducties/{match_id}/herstellen").status_code == 302
    assert statuses(app, [match_id]) == ["voorgesteld"]
    with app.app_context():
        assert introductions.identity_visible(get_db(), candidate_id=w["candidate"],
                                              employer_id=w["employer"])
        assert get_db().get(Match, match_id).candidate_declined_at is None
    assert any("weer mee" in subject for subject, _b in mails(app, "baas@zonnewerk.nl"))
    assert "Samira" in login_as(app, w["employer_user"]).get(
        f"/werkgever/kandidaten/{match_id}").get_data(as_text=True)
    again = candidate.post(f"/kandidaat/introducties/{match_id}/herstellen")
    assert again.status_code == 400 and "staat al aan" in again.get_data(as_text=True)


def test_withdrawing_without_consent_and_other_peoples_matches_are_refused(app, make_user):
    w = world(app, make_user, places=("monteur zonnepanelen",))
    candidate = login_as(app, w["user"])
    match_id = w["matches"][0]
    nothing = candidate.get(f"/kandidaat/introducties/{match_id}/intrekken")
    assert nothing.status_code == 400 and "geen toestemming" in nothing.get_data(as_text=True)
    assert candidate.post(f"/kandidaat/introducties/{match_id}/herstellen").status_code == 400
    candidate.post(f"/kandidaat/introducties/{match_id}/antwoord", data={"answer": "ja"})
    other_user, _other = make_candidate(app)
    other = login_as(app, other_user)
    for path in ("intrekken", "herstellen"):
        assert other.post(f"/kandidaat/introducties/{match_id}/{path}").status_code == 404
    assert statuses(app, [match_id]) == ["voorgesteld"]


def test_consent_for_matching_can_be_withdrawn_and_given_again_without_deleting_the_account(
        app, make_user):
    user_id, candidate_id = make_candidate(app, email="samira@example.nl")
    advisor = make_user("advisor", email="adviseur@spt.nl")
    with app.app_context():
        db = get_db()
        candidate = db.get(Candidate, candidate_id)
        candidate.advisor_id = advisor
        db.add(Consent(candidate_id=candidate_id, purpose="matching", granted=True,
                       privacy_version="2026-11"))
        db.add(candidate)
        db.commit()
    _eu, employer_id = make_employer(app)
    computed = make_match(app, candidate_id, make_placement(app, employer_id))
    client = login_as(app, user_id)
    overview = client.get("/kandidaat/toestemming").get_data(as_text=True)
    assert "Ja, toestemming gegeven" in overview
    page = client.get("/kandidaat/toestemming/matching/intrekken")
    assert page.status_code == 200 and "account en je gegevens blijven" in page.get_data(
        as_text=True)
    with app.app_context():
        assert get_db().get(Match, computed) is not None  # asking changes nothing
    assert client.post("/kandidaat/toestemming/matching/intrekken").status_code == 302
    with app.app_context():
        db = get_db()
        assert db.get(User, user_id) is not None
        assert db.get(Match, computed) is None  # no computed matches without consent
        assert consents.current(db, candidate_id)["matching"] is False
        assert candidate_id not in [c.id for c in advisor_review.active_candidates(db)]
    assert any("ingetrokken" in subject for subject, _b in mails(app, "adviseur@spt.nl"))
    home = client.get("/kandidaat/").get_data(as_text=True)
    assert "toestemming voor matching ingetrokken" in home
    again = client.post("/kandidaat/toestemming/matching/intrekken")
    assert again.status_code == 400 and "staat al uit" in again.get_data(as_text=True)
    assert client.post("/kandidaat/toestemming/matching/geven").status_code == 302
    with app.app_context():
        db = get_db()
        assert consents.current(db, candidate_id)["matching"] is True
        assert candidate_id in [c.id for c in advisor_review.active_candidates(db)]
        history = db.exec(select(Consent).where(Consent.candidate_id == candidate_id,
                                                Consent.purpose == "matching")).all()
        assert [c.granted for c in history] == [True, False, True]
        assert [c.withdrawn_at is None for c in history] == [False, False, True]


def test_an_unknown_consent_is_a_404(app):
    user_id, _candidate = make_candidate(app)
    client = login_as(app, user_id)
    assert client.get("/kandidaat/toestemming/verkopen/intrekken").status_code == 404
    assert client.post("/kandidaat/toestemming/verkopen/geven").status_code == 404
