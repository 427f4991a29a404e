"""Employer portal: proposed candidates, pseudonymisation, consent, decisions and capacity."""

from datetime import date

import pytest
from sqlmodel import col, select

from spt.db import get_db
from spt.extensions import limiter
from spt.models import (
    AuditEvent,
    Candidate,
    Consent,
    Employer,
    Match,
    OutboxMessage,
    Placement,
    User,
)
from spt.services import introductions
from tests.factories import invite_fields, make_candidate, make_employer, make_match, make_placement

SECRETS = ("Samira", "Bouzid", "samira.bouzid@example.nl", "06 1234 5678", "0612345678",
           "1093 AB", "1093AB", "1990")


@pytest.fixture
def setting(app, login, make_user):
    """A logged-in employer with a placement, and an advisor who proposes candidates."""
    user_id, employer_id = make_employer(app, mentor_capacity=2)
    login(user_id)
    placement_id = make_placement(app, employer_id, kind="bbl", title="leerling monteur",
                                  seats=2, optional=("vca-basis",))
    return {"employer": employer_id, "user": user_id, "placement": placement_id,
            "advisor": make_user("advisor", email="adviseur@spt.nl")}


def propose(app, setting, *, consent: bool, placement_id: int | None = None,
            email: str = "samira.bouzid@example.nl") -> tuple[int, int, int]:
    """A candidate proposed to the setting's employer: (candidate user, candidate, match)."""
    user_id, candidate_id = make_candidate(app, email=email, status="matchvoorstel")
    match_id = make_match(app, candidate_id, placement_id or setting["placement"],
                          status="wacht_op_kandidaat", proposed_by_id=setting["advisor"],
                          explanation={"factors": [{"name": "essential", "value": 1.0,
                                                    "weight": 2.0}],
                                       "matched": [{"requirement": "zonnepanelen-monteren",
                                                    "via": "zonnepanelen-monteren",
                                                    "source": "declared", "credit": 1.0}],
                                       "missing_essential": [],
                                       "missing_optional": ["vca-basis"], "exclusions": [],
                                       "distance_km": 2.4, "eligible": True})
    with app.app_context():
        db = get_db()
        user = db.get(User, user_id)
        introductions.answer(db, user=user, match_id=match_id, consent=True)
        if not consent:
            introductions.withdraw(db, user=user, match_id=match_id)
    return user_id, candidate_id, match_id


def unconsented(app, setting, **fields) -> tuple[int, int]:
    """A candidate put before the employer without consent: (candidate, match)."""
    _user, candidate_id = make_candidate(app, email="samira.bouzid@example.nl",
                                         status="voorgesteld", **fields)
    return candidate_id, make_match(app, candidate_id, setting["placement"], status="voorgesteld",
                                    proposed_by_id=setting["advisor"])


def version(app, match_id: int) -> int:
    with app.app_context():
        return get_db().get(Match, match_id).version


def stored(app, match_id: int) -> Match:
    with app.app_context():
        return get_db().get(Match, match_id)


def assert_no_identity(html: str) -> None:
    for secret in SECRETS:
        assert secret not in html, secret


def test_unconsented_candidate_is_pseudonymised_on_every_page(app, client, setting):
    candidate_id, match_id = unconsented(app, setting)
    pages = ["/werkgever/", "/werkgever/plekken", "/werkgever/organisatie",
             f"/werkgever/plekken/{setting['placement']}",
             f"/werkgever/plekken/{setting['placement']}/kandidaten",
             f"/werkgever/kandidaten/{match_id}"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_identity(response.get_data(as_text=True))
    detail = client.get(f"/werkgever/kandidaten/{match_id}").get_data(as_text=True)
    assert f"K-{candidate_id:06d}" in detail
    assert "Amsterdam" in detail and "35-44" not in detail  # no age before consent
    assert "zonnepanelen monteren" in detail and "zonder naam" in detail
    refused = client.post(f"/werkgever/kandidaten/{match_id}/afwijzen",
                          data={"afwijzen-version": version(app, match_id)})
    assert refused.status_code == 400
    assert_no_identity(refused.get_data(as_text=True))
    for path in (f"/werkgever/kandidaten/{match_id}/uitnodigen",
                 f"/werkgever/kandidaten/{match_id}/uitkomst"):
        assert_no_identity(client.post(path, data={}).get_data(as_text=True))


def test_consent_reveals_identity_and_withdrawal_hides_it_at_once(app, client, setting):
    user_id, candidate_id, match_id = propose(app, setting, consent=True)
    detail = client.get(f"/werkgever/kandidaten/{match_id}").get_data(as_text=True)
    for shown in ("Samira Bouzid", "samira.bouzid@example.nl", "06 1234 5678"):
        assert shown in detail
    assert "Samira Bouzid" in client.get(
        f"/werkgever/plekken/{setting['placement']}/kandidaten").get_data(as_text=True)
    with app.app_context():
        db = get_db()
        introductions.withdraw(db, user=db.get(User, user_id), match_id=match_id)
    detail = client.get(f"/werkgever/kandidaten/{match_id}")
    assert detail.status_code == 200  # still visible as history, without a name
    assert_no_identity(detail.get_data(as_text=True))
    assert f"K-{candidate_id:06d}" in detail.get_data(as_text=True)
    assert_no_identity(client.get(f"/werkgever/plekken/{setting['placement']}/kandidaten")
                       .get_data(as_text=True))


@pytest.mark.parametrize("status", ["berekend", "matchvoorstel", "wacht_op_kandidaat",
                                    "afgewezen"])
def test_matches_never_proposed_to_the_employer_stay_hidden(app, client, setting, status):
    _user, candidate_id = make_candidate(app)
    match_id = make_match(app, candidate_id, setting["placement"], status=status)
    assert client.get(f"/werkgever/kandidaten/{match_id}").status_code == 404
    listing = client.get(f"/werkgever/plekken/{setting['placement']}/kandidaten")
    assert f"K-{candidate_id:06d}" not in listing.get_data(as_text=True)


def test_accepting_an_introduction_records_the_meeting_audit_and_mail(app, client, setting):
    _user, candidate_id, match_id = propose(app, setting, consent=True)
    response = client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": version(app, match_id), **invite_fields("2027-02-10")})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        match = db.get(Match, match_id)
        assert (match.status, match.meeting_on, match.employer_decision) == (
            "kennismaking", date(2027, 2, 10), "accepted")
        assert db.get(Candidate, candidate_id).status == "kennismaking"
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "employer.decided")).one()
        assert (event.actor_id, event.subject_id) == (setting["user"], match_id)
        mail = db.exec(select(OutboxMessage).where(
            OutboxMessage.recipient == "adviseur@spt.nl",
            col(OutboxMessage.attachment).is_(None))).one()  # the invite: test_appointments
        assert f"K-{candidate_id:06d}" in mail.body and "kennismaking" in mail.body
        assert "Samira" not in mail.body
    page = client.get(f"/werkgever/kandidaten/{match_id}").get_data(as_text=True)
    assert "1 van 2 begeleidingsplekken in gebruik" in page


def test_accepting_over_mentor_capacity_is_refused_with_an_explanation(app, client, setting):
    with app.app_context():
        db = get_db()
        db.get(Employer, setting["employer"]).mentor_capacity = 1
        db.commit()
    _u, busy = make_candidate(app, email="bezig@example.nl")
    other = make_placement(app, setting["employer"], kind="vacature")
    make_match(app, busy, other, status="kennismaking")
    _user, _candidate, match_id = propose(app, setting, consent=True)
    response = client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": version(app, match_id), **invite_fields("2027-02-10")})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "begeleidingscapaciteit is vol: 1 van 1" in html
    assert stored(app, match_id).status == "voorgesteld"


def test_accepting_more_candidates_than_seats_is_refused(app, client, setting):
    with app.app_context():
        db = get_db()
        db.get(Employer, setting["employer"]).mentor_capacity = 5
        db.get(Placement, setting["placement"]).seats = 1
        db.commit()
    _u, busy = make_candidate(app, email="bezig@example.nl")
    make_match(app, busy, setting["placement"], status="proefplaatsing")
    _user, _candidate, match_id = propose(app, setting, consent=True)
    response = client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": version(app, match_id), **invite_fields("2027-02-10")})
    assert response.status_code == 400
    assert "allemaal bezet" in response.get_data(as_text=True)
    assert stored(app, match_id).status == "voorgesteld"


def test_a_stale_decision_gets_409_and_the_first_one_is_kept(app, client, setting):
    _user, _candidate, match_id = propose(app, setting, consent=True)
    seen = version(app, match_id)  # two tabs load the page with the same version
    accepted = client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": seen, **invite_fields("2027-02-10")})
    assert accepted.status_code == 302
    stale = client.post(f"/werkgever/kandidaten/{match_id}/uitkomst", data={
        "uitkomst-version": seen, "uitkomst-outcome": "niet_geplaatst",
        "uitkomst-not_placed": "werkgever", "uitkomst-note": "toch niet"})
    assert stale.status_code == 409
    assert "Iemand anders heeft deze match net gewijzigd" in stale.get_data(as_text=True)
    match = stored(app, match_id)
    assert (match.status, match.meeting_on, match.outcome) == ("kennismaking",
                                                               date(2027, 2, 10), None)


def test_declining_needs_a_reason_and_stores_it(app, client, setting):
    _user, candidate_id, match_id = propose(app, setting, consent=True)
    url = f"/werkgever/kandidaten/{match_id}/afwijzen"
    no_reason = client.post(url, data={"afwijzen-version": version(app, match_id)})
    assert no_reason.status_code == 400 and "Kies een reden." in no_reason.get_data(as_text=True)
    no_note = client.post(url, data={"afwijzen-version": version(app, match_id),
                                     "afwijzen-reason": "anders"})
    assert no_note.status_code == 400
    assert "Licht de reden kort toe." in no_note.get_data(as_text=True)
    assert stored(app, match_id).status == "voorgesteld"
    done = client.post(url, data={"afwijzen-version": version(app, match_id),
                                  "afwijzen-reason": "plek_vervuld",
                                  "afwijzen-note": "Vorige week iemand aangenomen."})
    assert done.status_code == 302
    with app.app_context():
        db = get_db()
        match = db.get(Match, match_id)
        assert (match.status, match.decline_reason, match.decline_note) == (
            "afgewezen", "plek_vervuld", "Vorige week iemand aangenomen.")
        assert db.get(Candidate, candidate_id).status == "afgewezen"
    assert "De plek is al vervuld" in client.get(
        f"/werkgever/kandidaten/{match_id}").get_data(as_text=True)


def test_outcomes_proefplaatsing_then_geplaatst_with_a_contract(app, client, setting):
    _user, candidate_id, match_id = propose(app, setting, consent=True)
    client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": version(app, match_id), **invite_fields("2027-02-10")})
    url = f"/werkgever/kandidaten/{match_id}/uitkomst"
    trial = client.post(url, data={"uitkomst-version": version(app, match_id),
                                   "uitkomst-outcome": "proefplaatsing"})
    assert trial.status_code == 302
    no_contract = client.post(url, data={"uitkomst-version": version(app, match_id),
                                         "uitkomst-outcome": "geplaatst"})
    assert no_contract.status_code == 400
    assert "Kies de soort overeenkomst." in no_contract.get_data(as_text=True)
    placed = client.post(url, data={"uitkomst-version": version(app, match_id),
                                    "uitkomst-outcome": "geplaatst",
                                    "uitkomst-contract_kind": "bbl-praktijkovereenkomst"})
    assert placed.status_code == 302
    with app.app_context():
        db = get_db()
        match = db.get(Match, match_id)
        assert (match.status, match.contract_kind) == ("geplaatst", "bbl-praktijkovereenkomst")
        assert db.get(Candidate, candidate_id).status == "geplaatst"
        mails = db.exec(select(OutboxMessage.body).where(
            OutboxMessage.recipient == "adviseur@spt.nl")).all()
        # invited, invite (with the .ics), proefplaatsing, geplaatst
        assert len(mails) == 4 and "geplaatst (BBL-praktijkovereenkomst)" in mails[-1]


def test_not_placed_because_the_candidate_dropped_out(app, client, setting):
    _user, _candidate, match_id = propose(app, setting, consent=True)
    client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": version(app, match_id), **invite_fields("2027-02-10")})
    url = f"/werkgever/kandidaten/{match_id}/uitkomst"
    no_reason = client.post(url, data={"uitkomst-version": version(app, match_id),
                                       "uitkomst-outcome": "niet_geplaatst"})
    assert no_reason.status_code == 400
    response = client.post(url, data={"uitkomst-version": version(app, match_id),
                                      "uitkomst-outcome": "niet_geplaatst",
                                      "uitkomst-not_placed": "uitgevallen",
                                      "uitkomst-note": "Langdurig ziek."})
    assert response.status_code == 302
    match = stored(app, match_id)
    assert (match.status, match.outcome, match.outcome_reason) == (
        "uitgevallen", "niet_geplaatst", "Langdurig ziek.")


def test_every_profile_view_is_audited(app, client, setting):
    candidate_id, match_id = unconsented(app, setting)
    for _ in range(2):
        assert client.get(f"/werkgever/kandidaten/{match_id}").status_code == 200
    with app.app_context():
        events = get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "employer.viewed_candidate")).all()
    assert len(events) == 2
    assert {(e.actor_id, e.subject_type, e.subject_id) for e in events} == {
        (setting["user"], "candidate", candidate_id)}
    assert events[0].detail == {"match_id": match_id, "employer_id": setting["employer"],
                                "identity_shown": False}


def test_profile_views_are_rate_limited(app, client, login):
    user_id, employer_id = make_employer(app)
    _user, candidate_id = make_candidate(app, status="voorgesteld")
    match_id = make_match(app, candidate_id, make_placement(app, employer_id),
                          status="voorgesteld")
    app.config["RATELIMIT_ENABLED"] = True
    app.config["EMPLOYER_PROFILE_RATE_LIMIT"] = "5 per minute"

    limiter.init_app(app)  # before the app's first request
    try:
        login(user_id)
        statuses = [client.get(f"/werkgever/kandidaten/{match_id}").status_code
                    for _ in range(7)]
        assert "Even rustig aan" in client.get(f"/werkgever/kandidaten/{match_id}").get_data(
            as_text=True)
    finally:
        limiter.enabled = False
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    with app.app_context():
        views = get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "employer.viewed_candidate")).all()
    assert len(views) == 5


def test_a_waiting_proposal_shows_pseudonymised_only_with_the_candidates_general_consent(app):
    """Before the candidate answers, the employer sees a number, never a name."""
    employer_user, employer_id = make_employer(app)
    placement_id = make_placement(app, employer_id)
    _user, candidate_id = make_candidate(app, first_name="Zeynep", last_name="Aydin",
                                         email="zeynep@example.nl", phone="06 9999 8888",
                                         status="matchvoorstel")
    match_id = make_match(app, candidate_id, placement_id, status="wacht_op_kandidaat")
    client = app.test_client()
    with app.app_context():
        email = get_db().get(User, employer_user).email
    client.post("/inloggen", data={"email": email, "password": "een lang wachtwoord 42"})
    assert client.get(f"/werkgever/kandidaten/{match_id}").status_code == 404
    with app.app_context():
        db = get_db()
        db.add(Consent(candidate_id=candidate_id, purpose="employers_pseudonymous",
                       granted=True, privacy_version="2026-11"))
        db.commit()
    page = client.get(f"/werkgever/kandidaten/{match_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"K-{candidate_id:06d}" in html
    for secret in ("Zeynep", "Aydin", "zeynep@example.nl", "06 9999 8888", "1093 AB"):
        assert secret not in html
    refused = client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen",
                          data={"version": 1, "meeting_on": "2027-02-01"})
    assert refused.status_code in (400, 409)
