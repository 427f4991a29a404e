"""The intake wizard: every step, bad input, drafts, finishing and double submits."""

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    IntakeDraft,
    Match,
    Occupation,
    Skill,
    StatusChange,
    User,
)
from spt.services import matchmaking
from tests.factories import PASSWORD, make_employer, make_placement
from tests.mailbox import confirm, mails_to

STEP1 = {"first_name": "Ali", "last_name": "Kaya", "email": "ali@example.nl",
         "phone": "06 1234 5678", "postcode": "1093 ab", "birth_year": "1985",
         "heard_via": "uwv", "gender": "m", "native_dutch": "nee"}
STEP2 = {"jobs-0-title": "Vrachtwagen chauffeur", "jobs-0-years": "6",
         "jobs-1-title": "kapper", "jobs-1-years": "3"}
STEP3 = {"skills-0-skill": "vca basis", "skills-0-level": "2",
         "skills-1-skill": "Storingen zoeken", "skills-1-level": "3",
         "skills-2-skill": "xyzzy quux", "skills-2-level": "1"}
STEP4 = {"level": "mbo-2", "foreign_diploma": "", "education_field": "logistiek",
         "certificates": ["vca-basis"], "driving_licences": ["B", "C"]}
STEP5 = {"themes": ["energie", "installatie"], "kinds": ["bbl", "wep"], "hours_per_week": "32",
         "available_from": "2027-01-11", "max_km": "25", "nt2_level": "B1"}
STEP6 = {"privacy_read": "y", "consent_matching": "y", "consent_employers": "y",
         "password": PASSWORD, "confirm": PASSWORD}
STEPS = {1: STEP1, 2: STEP2, 3: STEP3, 4: STEP4, 5: STEP5}


def fill_steps(client, upto: int = 5, email: str = "ali@example.nl") -> None:
    for number in range(1, upto + 1):
        data = STEPS[number] | ({"email": email} if number == 1 else {})
        response = client.post(f"/intake/{number}", data=data)
        assert response.status_code == 302, (number, response.get_data(as_text=True)[-2000:])


def test_each_step_page_renders_with_progress_and_completeness(client):
    for number in range(1, 7):
        html = client.get(f"/intake/{number}").get_data(as_text=True)
        assert 'aria-current="step"' in html and "<meter" in html, number


def finish_and_log_in(app, client) -> None:
    """Step 6 for a visitor: the account waits for the mailed confirmation, then logs in."""
    response = client.post("/intake/6", data=STEP6)
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    confirm(app, client, "ali@example.nl")
    login = client.post("/inloggen", data={"email": "ali@example.nl", "password": PASSWORD})
    assert login.status_code == 302 and login.headers["Location"].endswith("/kandidaat/")


def test_a_full_intake_creates_account_profile_consents_and_history(app, client):
    fill_steps(client)
    response = client.post("/intake/6", data=STEP6)
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    with app.app_context():
        db = get_db()
        user = db.exec(select(User).where(User.email == "ali@example.nl")).one()
        candidate = db.exec(select(Candidate).where(Candidate.user_id == user.id)).one()
        assert (candidate.pc4, candidate.postcode, candidate.level) == ("1093", "1093 AB",
                                                                        "mbo-2")
        assert candidate.status == "intake_afgerond" and candidate.intake_completed_at
        assert candidate.nt2_speaker is True and candidate.gender == "m"
        assert candidate.themes == ["energie", "installatie"] and candidate.max_km == 25
        jobs = db.exec(select(CandidateOccupation.free_text, Occupation.preferred_label)
                       .join(Occupation, isouter=True)
                       .where(CandidateOccupation.candidate_id == candidate.id)).all()
        assert ("Vrachtwagen chauffeur", "vrachtwagenchauffeur") in jobs
        skills = db.exec(select(CandidateSkill.free_text, Skill.slug,
                                CandidateSkill.needs_review).join(Skill, isouter=True)
                         .where(CandidateSkill.candidate_id == candidate.id)).all()
        assert ("vca basis", "vca-basis", False) in skills
        assert ("xyzzy quux", None, True) in skills  # kept as written, flagged for the advisor
        consents = {c.purpose: c.granted for c in db.exec(
            select(Consent).where(Consent.candidate_id == candidate.id))}
        assert consents == {"matching": True, "employers_pseudonymous": True, "mail": False,
                            "research": False}
        assert db.exec(select(StatusChange).where(
            StatusChange.subject_id == candidate.id,
            StatusChange.to_status == "intake_afgerond")).one()
        assert db.exec(select(IntakeDraft)).all() == []


def test_a_visitors_new_account_logs_in_only_after_confirming_the_address(app, client):
    fill_steps(client)
    client.post("/intake/6", data=STEP6)
    assert client.get("/kandidaat/").status_code == 302  # not logged in yet
    refused = client.post("/inloggen", data={"email": "ali@example.nl", "password": PASSWORD})
    assert refused.status_code == 400 and "Bevestig eerst je e-mailadres" in refused.get_data(
        as_text=True)
    finish_and_log_in_again = client.get("/kandidaat/")
    assert finish_and_log_in_again.status_code == 302
    confirm(app, client, "ali@example.nl")
    assert client.post("/inloggen", data={"email": "ali@example.nl",
                                          "password": PASSWORD}).status_code == 302
    assert client.get("/kandidaat/").status_code == 200


def test_the_home_page_shows_paths_after_the_intake(app, client):
    fill_steps(client)
    finish_and_log_in(app, client)
    html = client.get("/kandidaat/").get_data(as_text=True)
    assert "Loopbaanpaden die bij je passen" in html
    assert html.count('class="route"') >= 1


def test_a_double_submit_of_the_last_step_creates_nothing_twice(app, client):
    fill_steps(client)
    assert client.post("/intake/6", data=STEP6).status_code == 302
    second = client.post("/intake/6", data=STEP6)
    assert second.status_code in (302, 400)
    with app.app_context():
        assert len(get_db().exec(select(User)).all()) == 1
        assert len(get_db().exec(select(Candidate)).all()) == 1


def test_a_failed_step_keeps_what_was_saved_before(app, client):
    fill_steps(client, upto=2)
    bad = dict(STEP5, hours_per_week="99")
    response = client.post("/intake/5", data=bad)
    assert response.status_code == 400
    assert "Vul 4 tot 40 uur in." in response.get_data(as_text=True)
    with app.app_context():
        draft = get_db().exec(select(IntakeDraft)).one()
        assert draft.data["1"]["email"] == "ali@example.nl"
        assert [j["title"] for j in draft.data["2"]["jobs"]] == ["Vrachtwagen chauffeur",
                                                                 "kapper"]
        assert "5" not in draft.data
    assert "ali@example.nl" in client.get("/intake/1").get_data(as_text=True)


def test_the_intake_cannot_finish_without_the_required_steps(app, client):
    client.post("/intake/1", data=STEP1)
    response = client.post("/intake/6", data=STEP6)
    assert response.status_code == 400
    assert "Vul eerst stap 4 in." in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().exec(select(User)).all() == []


def test_the_intake_needs_consent_for_matching(app, client):
    fill_steps(client)
    response = client.post("/intake/6", data=dict(STEP6, consent_matching=""))
    assert response.status_code == 400
    assert "Zonder deze toestemming kunnen wij je niet helpen." in response.get_data(
        as_text=True)
    with app.app_context():
        assert get_db().exec(select(User)).all() == []


def test_a_taken_email_answers_like_a_new_one_and_mails_the_owner(app, client, make_user):
    make_user("candidate", email="ali@example.nl")
    fill_steps(client)
    taken = client.post("/intake/6", data=STEP6)
    fresh_client = app.test_client()
    fill_steps(fresh_client, upto=5, email="nieuw@example.nl")
    new = fresh_client.post("/intake/6", data=STEP6)
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"]
    assert "Er is al een account" not in client.get("/inloggen").get_data(as_text=True)
    with app.app_context():
        assert len(get_db().exec(select(User)).all()) == 2  # the taken address got no second
        kept = get_db().exec(select(IntakeDraft)).one()  # the visitor's draft, still unlinked
        assert kept.user_id is None and kept.data["5"]["max_km"] == 25
    resume, (subject, body) = mails_to(app, "ali@example.nl")  # the "ga verder" link first
    assert "Ga verder" in resume[0]
    assert "al een account" in subject and "/inloggen" in body


BAD_INPUT = [
    (1, {"postcode": "12345"}, "Vul een Nederlandse postcode in"),
    (1, {"postcode": "1050 AB"}, "Postcode 1050 kennen we niet"),
    (1, {"email": "geen-email"}, "Vul een geldig e-mailadres in."),
    (1, {"birth_year": "1850"}, "Vul een geboortejaar tussen"),
    (1, {"birth_year": "negentien"}, "Ongeldig getal"),
    (1, {"phone": "bel me"}, "Vul een telefoonnummer in"),
    (1, {"first_name": ""}, "Dit veld is verplicht."),
    (1, {"heard_via": "tv-reclame"}, "Ongeldige keuze"),
    (2, {"jobs-0-years": "80"}, "Vul 0 tot 50 jaar in."),
    (2, {"jobs-0-title": "x" * 300}, "200"),
    (2, {"intent": "emigreren"}, "Ongeldige keuze"),
    (3, {"skills-0-level": "9"}, "Ongeldige keuze"),
    (4, {"level": ""}, "Kies je hoogste opleiding."),
    (4, {"certificates": ["geen-certificaat"]}, "ongeldige keuze"),
    (5, {"themes": []}, "Kies minstens één thema."),
    (5, {"kinds": ["ruimtevaart"]}, "Ongeldige keuze"),
    (5, {"available_from": "morgen"}, "Ongeldige datum"),
    (5, {"max_km": "0"}, "Vul 1 tot 150 km in."),
    (5, {"nt2_level": "Z9"}, "Ongeldige keuze"),
]


@pytest.mark.parametrize(("number", "change", "message"), BAD_INPUT)
def test_bad_input_gets_a_400_with_a_dutch_message_and_stores_nothing(app, client, number,
                                                                      change, message):
    response = client.post(f"/intake/{number}", data=STEPS[number] | change)
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()
    with app.app_context():
        assert get_db().exec(select(IntakeDraft)).all() == []


def test_other_roles_have_no_intake(app, make_user, login):
    client = app.test_client()
    login(make_user("employer"), on=client)
    assert client.get("/intake/1").status_code == 403


def test_a_logged_in_candidate_finishes_without_a_new_account(app, client, make_user, login):
    user_id = make_user("candidate", email="bestaand@example.nl")
    login(user_id)
    fill_steps(client)
    response = client.post("/intake/6", data={"privacy_read": "y", "consent_matching": "y"})
    assert response.status_code == 302
    with app.app_context():
        candidate = get_db().exec(select(Candidate).where(Candidate.user_id == user_id)).one()
        assert candidate.intake_completed_at and candidate.first_name == "Ali"
        assert len(get_db().exec(select(User)).all()) == 1


def test_editing_a_finished_profile_recomputes_matches(app, client):
    _user, employer_id = make_employer(app)
    placement_id = make_placement(app, employer_id, pc4="1096", essential=("storingen-zoeken",),
                                  title="servicemonteur", kind="wep")
    fill_steps(client)
    finish_and_log_in(app, client)

    with app.app_context():
        assert get_db().exec(select(Match.placement_id)).all() == [placement_id]
    response = client.post("/intake/5", data=STEP5 | {"kinds": ["stage"]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/profiel")
    with app.app_context():
        candidate = get_db().exec(select(Candidate)).one()
        assert candidate.kinds == ["stage"]
        match = get_db().exec(select(Match)).one()
        kind = next(f for f in match.explanation["factors"] if f["name"] == "kind")
        assert kind["value"] == 0.0  # a wep is no longer a kind the candidate wants


def test_a_visitors_draft_never_crosses_into_the_account_that_logs_in(app, client, make_user):
    """Shared computer: person 1 leaves a draft, person 2 logs in and sees none of it."""
    user_id = make_user("candidate", email="tweede@example.nl")
    fill_steps(client)  # person 1: Ali's name, address and birth year
    login = client.post("/inloggen?next=/intake/1", data={"email": "tweede@example.nl",
                                                          "password": PASSWORD})
    assert login.headers["Location"].endswith("/intake/1")
    page = client.get("/intake/1").get_data(as_text=True)
    assert "Kaya" not in page and "ali@example.nl" not in page and "1985" not in page
    client.post("/intake/1", data=STEP1 | {"first_name": "Bea", "last_name": "Tweede",
                                           "email": "tweede@example.nl"})
    with app.app_context():
        drafts = {d.user_id: d.data for d in get_db().exec(select(IntakeDraft))}
        assert drafts[None]["1"]["email"] == "ali@example.nl"  # person 1's draft untouched
        assert drafts[user_id]["1"]["email"] == "tweede@example.nl"
        assert "2" not in drafts[user_id]  # nothing of person 1 came along


def test_a_planted_intake_cookie_does_not_survive_login(app, client, make_user):
    make_user("candidate", email="slachtoffer@example.nl")
    fill_steps(client, email="aanvaller@example.nl")  # the attacker's draft in this browser
    with client.session_transaction() as session:
        planted = session["intake_token"]
    client.post("/inloggen", data={"email": "slachtoffer@example.nl", "password": PASSWORD})
    with client.session_transaction() as session:
        assert session.get("intake_token") != planted


def test_step_one_starts_with_the_address_of_a_logged_in_candidate(client, make_user, login):
    login(make_user("candidate", email="vooraf@example.nl"))
    assert 'value="vooraf@example.nl"' in client.get("/intake/1").get_data(as_text=True)


def test_the_work_step_stores_the_intent_and_the_matcher_reads_it(app, client):

    fill_steps(client, upto=1)
    assert "Wat wil je met je huidige of laatste werk?" in client.get("/intake/2").get_data(
        as_text=True)
    response = client.post("/intake/2", data=STEP2 | {"intent": "switch"})
    assert response.status_code == 302
    with app.app_context():
        assert get_db().exec(select(IntakeDraft)).one().data["2"]["intent"] == "switch"
    for number in (3, 4, 5):
        assert client.post(f"/intake/{number}", data=STEPS[number]).status_code == 302
    finish_and_log_in(app, client)
    with app.app_context():
        db = get_db()
        candidate = db.exec(select(Candidate)).one()
        assert candidate.intent == "switch"
        assert matchmaking.candidate_profile(db, candidate).intent == "switch"
    # a finished profile shows the saved answer and can change it
    html = client.get("/intake/2").get_data(as_text=True)
    assert 'checked id="intent-0" name="intent" type="radio" value="switch"' in html
    assert client.post("/intake/2", data=STEP2 | {"intent": "grow"}).status_code == 302
    with app.app_context():
        assert get_db().exec(select(Candidate)).one().intent == "grow"


def test_no_answer_to_the_intent_stores_none(app, client):
    fill_steps(client)
    finish_and_log_in(app, client)
    with app.app_context():
        assert get_db().exec(select(Candidate)).one().intent is None


def test_wishes_said_with_alleen_are_stored_and_become_hard_limits(app, client):

    _user, employer_id = make_employer(app)
    fitting = make_placement(app, employer_id, kind="bbl", theme="energie", title="zonnemonteur")
    other_kind = make_placement(app, employer_id, kind="stage", theme="energie", title="stagiair")
    other_theme = make_placement(app, employer_id, kind="bbl", theme="ict", title="helpdesk")
    short = make_placement(app, employer_id, kind="bbl", theme="energie", title="parttimer",
                           hours_per_week=24)
    fill_steps(client, upto=4)
    response = client.post("/intake/5", data=STEP5 | {
        "themes": ["energie"], "themes_only": "y", "kinds_only": "y", "hours_strict": "y"})
    assert response.status_code == 302
    finish_and_log_in(app, client)

    with app.app_context():
        db = get_db()
        candidate = db.exec(select(Candidate)).one()
        assert (candidate.themes_only, candidate.kinds_only, candidate.hours_strict) == (
            True, True, True)
        stored = set(db.exec(select(Match.placement_id)).all())
    assert fitting in stored and not stored & {other_kind, other_theme, short}
    # saved again without the boxes: the wishes are soft, the other places come back
    assert client.post("/intake/5", data=STEP5 | {"themes": ["energie"]}).status_code == 302
    with app.app_context():
        db = get_db()
        candidate = db.exec(select(Candidate)).one()
        assert not (candidate.themes_only or candidate.kinds_only or candidate.hours_strict)
        stored = set(db.exec(select(Match.placement_id)).all())
    assert {fitting, other_kind, other_theme, short} <= stored
