"""Regression tests for the security test of issue 16, one section per finding.

The broader sweeps (every route, every redirect parameter, every free-text field, the scan of
every table after erasure) are in tests/test_abuse.py and tests/test_access_matrix.py.
"""

import smtplib
from datetime import timedelta

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.extensions import limiter
from spt.forms.advisor import NotesForm
from spt.forms.employer import DeclineForm, OutcomeForm
from spt.models import AuditEvent, Candidate, Employer, Match, OutboxMessage, Placement, User
from spt.models._base import utcnow
from spt.services import accounts, mail, passwords, placements, privacy
from spt.services.placements import BANDS
from spt.services.privacy import COVERAGE
from tests.conftest import PASSWORD
from tests.factories import make_candidate, make_employer, make_match, make_placement
from tests.mailbox import link_to, mails_to


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(get_db().exec(select(AuditEvent).where(AuditEvent.action == action)))


def _limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    return limiter


# 1. Account takeover through the Host header ----------------------------------------------

def test_a_reset_asked_through_an_unknown_host_is_refused_and_mails_nothing(app, client,
                                                                          make_user):
    make_user("candidate", email="slachtoffer@example.nl")
    response = client.post("/wachtwoord-vergeten", data={"email": "slachtoffer@example.nl"},
                           headers={"Host": "evil.example"})
    assert response.status_code == 400
    with app.app_context():
        assert get_db().exec(select(OutboxMessage)).all() == []


def test_reset_links_come_from_the_base_url_even_through_a_trusted_alias(app, client, make_user):
    app.config["BASE_URL"] = "https://match.example.nl"
    app.config["TRUSTED_HOSTS"] = ["localhost", "alias.example"]
    make_user("candidate", email="slachtoffer@example.nl")
    client.post("/wachtwoord-vergeten", data={"email": "slachtoffer@example.nl"},
                headers={"Host": "alias.example", "X-Forwarded-Host": "evil.example"})
    (_subject, body), = mails_to(app, "slachtoffer@example.nl")
    assert "https://match.example.nl/wachtwoord-herstellen/" in body
    assert "alias.example" not in body and "evil.example" not in body


# 2. Open redirect ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0a/x", "/%0d%0aSet-Cookie:x=1"])
def test_the_reported_redirect_payloads_stay_on_the_site_without_a_500(client, make_user,
                                                                       target):
    make_user("candidate", email="k@example.nl")
    response = client.post(f"/inloggen?next={target}", data={"email": "k@example.nl",
                                                             "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert not location.startswith("//") and "evil.example" not in location.split("/")[2:3]
    assert "\n" not in location and "\r" not in location


# 3. Erasure: see test_abuse.py for the scan of every table ----------------------------------

def test_an_erased_candidate_leaves_every_list_ranking_and_count(app, client, advisor):
    _eu, employer = make_employer(app)
    placement = make_placement(app, employer)
    user_id, candidate = make_candidate(app, first_name="Geest", status="voorgesteld")
    match = make_match(app, candidate, placement, status="voorgesteld")
    with app.app_context():
        privacy.erase_candidate(get_db(), candidate_id=candidate, actor_id=advisor)
    number = f"K-{candidate:06d}"
    for path in ("/adviseur/", "/adviseur/pipeline", f"/adviseur/plekken/{placement}"):
        assert number not in client.get(path).get_data(as_text=True), path
    assert client.get(f"/adviseur/kandidaten/{candidate}").status_code == 404
    with app.app_context():
        db = get_db()
        row = db.get(Candidate, candidate)
        assert row.erased_at is not None and row.gender is None and row.hours_per_week is None
        assert row.level is None and row.available_from is None and row.themes == []
        assert db.get(Match, match).status == "uitgevallen"
        assert placements.fitting_count(db, db.get(Placement, placement)) == 0


def test_the_privacy_coverage_no_longer_claims_statuschange_holds_no_personal_data():
    assert "no personal data" not in COVERAGE["statuschange"]
    assert "reasons cleared" in COVERAGE["statuschange"]


def test_the_privacy_page_says_what_remains_after_erasure(client):
    page = client.get("/privacy").get_data(as_text=True)
    for words in ("Als je je gegevens laat verwijderen", "Dit blijft", "logboek", "back-up",
                  "nooit de woorden van een notitie"):
        assert words in page


# 4. One employer could stop all outbound mail -----------------------------------------------

class RecordingSMTP:
    """Accepts mail, refuses one address permanently; records what went out."""

    sent: list = []
    refuse: set = set()

    def __init__(self, host, port, timeout):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] in RecordingSMTP.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        RecordingSMTP.sent.append((message["To"], message["Subject"]))


@pytest.fixture
def smtp(app, monkeypatch):
    RecordingSMTP.sent, RecordingSMTP.refuse = [], set()
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    app.config["MAIL_URL"] = "smtp://mail.example.nl:25"
    return RecordingSMTP


def test_a_subject_with_cr_lf_is_cleaned_and_a_bad_message_never_blocks_the_next(app, smtp):
    with app.app_context():
        db = get_db()
        mail.queue(db, to="a@example.nl", subject="Reactie van Evil\r\nBcc: all@example.nl",
                   body="x")
        broken = mail.queue(db, to="b@example.nl", subject="ok", body="y")
        mail.queue(db, to="c@example.nl", subject="Nieuw wachtwoord", body="z")
        db.commit()
        broken.recipient = "b@example.nl\r\nBcc: x@example.nl"  # as if stored by an old version
        db.commit()
        assert mail.deliver_pending(db) == 2
    assert [to for to, _s in smtp.sent] == ["a@example.nl", "c@example.nl"]
    assert smtp.sent[0][1] == "Reactie van Evil Bcc: all@example.nl"
    with app.app_context():
        stored = {m.recipient[:12]: m for m in get_db().exec(select(OutboxMessage))}
        assert stored["b@example.nl"].failed_at is not None  # set aside, not retried forever


def test_failures_are_counted_backed_off_and_set_aside_one_by_one(app, smtp):
    smtp.refuse = {f"weg{i}@example.nl" for i in range(100)}
    with app.app_context():
        db = get_db()
        for address in sorted(smtp.refuse):
            mail.queue(db, to=address, subject="Onbestelbaar", body=".")
        mail.queue(db, to="reset@example.nl", subject="Nieuw wachtwoord", body=".")
        db.commit()
        mail.deliver_pending(db)
        mail.deliver_pending(db)  # the permanent failures are out of the way
        assert ("reset@example.nl", "Nieuw wachtwoord") in smtp.sent
        flaky = mail.queue(db, to="later@example.nl", subject="Later", body=".")
        db.commit()
        now = utcnow()
        smtp.refuse = set()
        original = RecordingSMTP.send_message
        RecordingSMTP.send_message = lambda self, m: (_ for _ in ()).throw(OSError("down"))
        try:
            mail.deliver_pending(db, now=now)
            db.refresh(flaky)
            assert flaky.attempts == 1 and flaky.failed_at is None
            assert flaky.next_attempt_at.replace(tzinfo=None) > now.replace(tzinfo=None)
            mail.deliver_pending(db, now=now)  # not due yet: no second attempt
            db.refresh(flaky)
            assert flaky.attempts == 1
        finally:
            RecordingSMTP.send_message = original
        mail.deliver_pending(db, now=now + timedelta(hours=1))
        db.refresh(flaky)
        assert flaky.sent_at is not None


def test_an_organisation_name_with_cr_lf_and_200_characters_cannot_break_a_decision(
        app, client, login, make_user, smtp):
    name = ("Evil\r\nBcc: iedereen@example.nl " + "x" * 200)[:200]
    user_id, employer = make_employer(app, name=name)
    placement = make_placement(app, employer)
    _cu, candidate = make_candidate(app, status="voorgesteld")
    advisor = make_user("advisor")
    match = make_match(app, candidate, placement, status="voorgesteld", proposed_by_id=advisor)
    login(user_id)
    with app.app_context():
        version = get_db().get(Match, match).version
    response = client.post(f"/werkgever/kandidaten/{match}/afwijzen", data={
        "afwijzen-version": version, "afwijzen-reason": "ervaring"})
    assert response.status_code == 302
    with app.app_context():
        assert get_db().get(Match, match).status == "afgewezen"
        (message,) = get_db().exec(select(OutboxMessage)).all()
        assert "\n" not in message.subject and len(message.subject) <= 200
    assert smtp.sent and "\r" not in smtp.sent[0][1]


def test_a_request_that_queues_mail_never_answers_500_when_sending_fails(app, client,
                                                                        make_user, monkeypatch):
    app.config["MAIL_URL"] = "smtp://mail.example.nl:25"
    monkeypatch.setattr(mail, "deliver_pending", lambda db: 1 / 0)
    make_user("candidate", email="k@example.nl")
    response = client.post("/wachtwoord-vergeten", data={"email": "k@example.nl"})
    assert response.status_code == 302


# 6. Enumeration and lockout -----------------------------------------------------------------

def test_an_unknown_address_costs_the_same_hash_verification_as_a_known_one(client, make_user,
                                                                            monkeypatch):
    make_user("candidate", email="bekend@example.nl")

    calls = []
    monkeypatch.setattr(accounts, "verify_password",
                        lambda h, p: calls.append(h) or passwords.verify_password(h, p))
    pages = []
    for email in ("bekend@example.nl", "onbekend@example.nl"):
        calls.clear()
        pages.append(client.post("/inloggen", data={"email": email, "password": "fout" * 4}))
        assert len(calls) == 1, email  # one argon2 verification either way
    assert pages[0].status_code == pages[1].status_code == 400
    assert _without(pages[0], "bekend@example.nl") == _without(pages[1], "onbekend@example.nl")


def _without(response, email: str) -> str:
    return response.get_data(as_text=True).replace(email, "")


def test_a_throttled_account_answers_exactly_like_a_wrong_password(app, client, make_user):
    make_user("candidate", email="doel@example.nl")
    first = client.post("/inloggen", data={"email": "doel@example.nl", "password": "fout" * 4})
    for _ in range(5):
        client.post("/inloggen", data={"email": "doel@example.nl", "password": "fout" * 4})
    throttled = client.post("/inloggen", data={"email": "doel@example.nl", "password": "fout" * 4})
    unknown = client.post("/inloggen", data={"email": "niemand@example.nl", "password": "x" * 12})
    assert first.get_data() == throttled.get_data()
    assert _without(first, "doel@example.nl") == _without(unknown, "niemand@example.nl")


@pytest.mark.parametrize("role", ["candidate", "admin"])
def test_an_attacker_cannot_lock_the_owner_out_of_the_browser_they_use(app, make_user, login,
                                                                       role):
    user_id = make_user(role, email=f"eigenaar-{role}@example.nl")
    owner = app.test_client()
    login(user_id, on=owner)  # earlier visit: the browser got the device cookie
    owner.post("/uitloggen")
    attacker = app.test_client()
    for _ in range(20):
        attacker.post("/inloggen", data={"email": f"eigenaar-{role}@example.nl",
                                         "password": "geraden wachtwoord"})
    assert attacker.post("/inloggen", data={"email": f"eigenaar-{role}@example.nl",
                                            "password": PASSWORD}).status_code == 400
    assert owner.post("/inloggen", data={"email": f"eigenaar-{role}@example.nl",
                                         "password": PASSWORD}).status_code == 302


def test_a_stolen_device_cookie_of_another_user_does_not_help(app, make_user, login):
    victim = make_user("candidate", email="v@example.nl")
    other = make_user("candidate", email="o@example.nl")
    browser = app.test_client()
    login(other, on=browser)  # the attacker's own device cookie
    browser.post("/uitloggen")
    for _ in range(5):
        browser.post("/inloggen", data={"email": "v@example.nl", "password": "fout" * 4})
    assert browser.post("/inloggen", data={"email": "v@example.nl",
                                           "password": PASSWORD}).status_code == 400
    del victim


def test_registration_is_rate_limited(app):
    limiter = _limited(app)
    client = app.test_client()
    try:
        statuses = [client.post("/registreren", data={
            "email": f"r{i}@example.nl", "password": PASSWORD, "confirm": PASSWORD}).status_code
            for i in range(7)]
        assert statuses[:5] == [302] * 5 and statuses[-1] == 429
    finally:
        limiter.enabled = False


def test_a_new_account_cannot_log_in_before_the_address_is_confirmed(app, client):
    client.post("/werkgever/registreren", data={
        "email": "nieuw@bedrijf.nl", "password": PASSWORD, "confirm": PASSWORD,
        "organisation": "Nieuw BV", "contact_name": "Nina"})
    refused = client.post("/inloggen", data={"email": "nieuw@bedrijf.nl", "password": PASSWORD})
    assert refused.status_code == 400
    assert client.get(link_to(app, "nieuw@bedrijf.nl", "/e-mailadres-bevestigen/")
                      ).status_code == 302
    assert client.post("/inloggen", data={"email": "nieuw@bedrijf.nl",
                                          "password": PASSWORD}).status_code == 302


# 7. Password oracles ------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "field"), [("/wachtwoord", "current_password"),
                                             ("/kandidaat/verwijderen", "password")])
def test_guessing_the_current_password_is_counted_and_ends_the_session(app, make_user, login,
                                                                      path, field):
    user_id = make_user("candidate", email="k@example.nl")
    thief = app.test_client()
    login(user_id, on=thief)
    thief.delete_cookie("spt_device")  # a stolen session cookie, not the owner's browser
    data = {field: "geraden wachtwoord", "new_password": "x" * 14, "confirm": "x" * 14}
    statuses = [thief.post(path, data=data).status_code for _ in range(5)]
    assert statuses[:4] == [400] * 4 and statuses[4] == 302
    assert thief.get("/kandidaat/").status_code == 302  # logged out
    assert len(_events(app, "account.login_failed")) == 5
    with app.app_context():
        assert get_db().get(User, user_id) is not None  # nothing was deleted


@pytest.mark.parametrize(("path", "field"), [("/wachtwoord", "current_password"),
                                             ("/kandidaat/verwijderen", "password")])
def test_password_checks_are_rate_limited(app, make_user, login, path, field):
    user_id = make_user("candidate")
    limiter = _limited(app)
    client = app.test_client()
    try:
        login(user_id, on=client)
        statuses = [client.post(path, data={field: "fout"}).status_code for _ in range(6)]
        assert statuses[-1] == 429
    finally:
        limiter.enabled = False


# 8. Unverified employers ---------------------------------------------------------------------

def test_an_unverified_employer_sees_no_count_and_a_verified_one_a_band(app, client, login):
    user_id, employer = make_employer(app, verified=False)
    placement = make_placement(app, employer)
    make_candidate(app)
    login(user_id)
    page = client.get(f"/werkgever/plekken/{placement}").get_data(as_text=True)
    assert "die nu passen" not in page
    assert "nadat een adviseur uw organisatie heeft gecontroleerd" in page
    with app.app_context():
        get_db().get(Employer, employer).verified_at = utcnow()
        get_db().commit()
    page = client.get(f"/werkgever/plekken/{placement}").get_data(as_text=True)
    assert "Geregistreerde kandidaten die nu passen: &lt; 10" in page


def test_bands_never_show_a_small_exact_number():
    labels = [label for _upper, label in BANDS]
    assert labels[0] == "< 10" and all(label != "1" for label in labels)


def test_an_advisor_cannot_propose_to_an_unverified_employer(app, client, advisor):
    _eu, employer = make_employer(app, verified=False)
    placement = make_placement(app, employer)
    _cu, candidate = make_candidate(app)
    response = client.post(f"/adviseur/kandidaten/{candidate}/voorstellen/{placement}",
                           data={"version": 0, "override_reason": "toch"})
    assert response.status_code == 400
    assert "nog niet gecontroleerd" in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().exec(select(Match).where(Match.status == "wacht_op_kandidaat")).all() == []


# 9. Configuration: see tests/test_config.py; demo data --------------------------------------

def test_demo_data_is_refused_in_production(app, runner):
    app.config["SPT_ENV"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "productie" in result.output
    with app.app_context():
        assert get_db().exec(select(User)).all() == []


# 10. Takeover through the outbox -------------------------------------------------------------

def test_reset_links_are_never_stored_and_the_outbox_view_is_logged(app, make_user, login):
    make_user("candidate", email="k@example.nl")
    app.test_client().post("/wachtwoord-vergeten", data={"email": "k@example.nl"})
    token_path = link_to(app, "k@example.nl", "/wachtwoord-herstellen/")  # made on demand
    with app.app_context():
        (message,) = get_db().exec(select(OutboxMessage)).all()
        assert "/wachtwoord-herstellen/" not in message.body
    admin_id = make_user("admin")
    admin = app.test_client()
    login(admin_id, on=admin)
    page = admin.get("/beheer/outbox").get_data(as_text=True)
    assert "Nieuw wachtwoord instellen" in page and token_path.rsplit("/", 1)[1] not in page
    assert "afgeschermd" in page
    assert [e.actor_id for e in _events(app, "admin.outbox_viewed")] == [admin_id]


def test_a_secret_link_is_made_fresh_at_sending(app, make_user, smtp, monkeypatch):
    bodies = []
    monkeypatch.setattr(mail, "_send_smtp", lambda url, sender, message, body:
                        bodies.append(body))
    make_user("candidate", email="k@example.nl")
    app.test_client().post("/wachtwoord-vergeten", data={"email": "k@example.nl"})
    assert len(bodies) == 1 and "/wachtwoord-herstellen/" in bodies[0]


# 11. The smaller findings --------------------------------------------------------------------

def test_notes_forms_tell_the_truth_about_the_right_of_access(app):
    with app.test_request_context():
        for form in (NotesForm(), DeclineForm(prefix="a"), OutcomeForm(prefix="b")):
            field = form.notes if hasattr(form, "notes") else form.note
            assert "inzagerecht" in str(field.description)
            assert "ziet dit niet" not in str(field.description).replace("Werkgevers zien", "")


def test_a_session_that_moves_to_another_browser_is_dropped(app, client, make_user, login):
    login(make_user("candidate"))
    assert client.get("/kandidaat/verwijderen").status_code == 200
    moved = client.get("/kandidaat/verwijderen", headers={"User-Agent": "Other/1.0"})
    assert moved.status_code == 302 and "/inloggen" in moved.headers["Location"]
    assert client.get("/kandidaat/verwijderen").status_code == 302  # it stays ended


def test_pages_and_downloads_with_personal_data_are_never_cached(client, make_user, login,
                                                                 app):
    user_id, _candidate = make_candidate(app)
    login(user_id)
    for path in ("/kandidaat/profiel", "/kandidaat/mijn-gegevens.json", "/inloggen"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_bidi_controls_in_a_name_do_not_reach_the_advisors_page(app, client, advisor):
    _u, candidate = make_candidate(app, first_name="Ali\u202eevil\u202c",
                                   last_name="\u2066Kaya\u2069")
    page = client.get(f"/adviseur/kandidaten/{candidate}").get_data(as_text=True)
    assert "Alievil" in page
    assert not any(ch in page for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_an_employer_probing_another_employers_ids_is_logged(app, client, login):
    _a, employer_a = make_employer(app)
    b_user, _b = make_employer(app)
    placement = make_placement(app, employer_a)
    login(b_user)
    assert client.get(f"/werkgever/plekken/{placement}").status_code == 404
    (event,) = _events(app, "access.refused")
    assert event.actor_id == b_user and event.detail["placement_id"] == placement
    assert event.detail["status"] == 404


def test_the_employers_candidate_list_is_audited(app, client, login):
    user_id, employer = make_employer(app)
    placement = make_placement(app, employer)
    _cu, candidate = make_candidate(app, status="voorgesteld")
    match = make_match(app, candidate, placement, status="voorgesteld")
    login(user_id)
    assert client.get(f"/werkgever/plekken/{placement}/kandidaten").status_code == 200
    (event,) = _events(app, "employer.viewed_candidate_list")
    assert event.subject_id == placement and event.detail["shown"] == [[match, candidate, False]]


def test_no_age_group_before_consent(app, client, login):
    user_id, employer = make_employer(app)
    placement = make_placement(app, employer)
    _cu, candidate = make_candidate(app, status="voorgesteld", birth_year=1990)
    match = make_match(app, candidate, placement, status="voorgesteld")
    login(user_id)
    page = client.get(f"/werkgever/kandidaten/{match}").get_data(as_text=True)
    assert "Leeftijd" not in page and "35-44" not in page
