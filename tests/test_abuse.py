"""The abuse suite an auditor can read: hostile input through every way in and every way out.

1. Every mailed link points at SPT_BASE_URL, whatever Host or X-Forwarded-Host a request had.
2. Every redirect parameter, with a list of known open-redirect bypasses, stays on the site as a
   browser would resolve it (WHATWG: tabs and newlines dropped, backslash read as slash).
3. Every free-text field, filled with XSS, CR/LF, bidi and spreadsheet-formula payloads, is
   shown escaped on every page, neutralised in every export and clean in every mail.
4. After erasure, no table holds any of the person's strings.
The route x role x own/other-id walk is in tests/test_access_matrix.py.
"""

import csv
import io
import re
import zipfile
from datetime import date, time, timedelta
from urllib.parse import urljoin, urlsplit

import pyotp
import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from spt.db import get_db, get_engine
from spt.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Employer,
    IntakeDraft,
    Match,
    Module,
    OutboxMessage,
    User,
)
from spt.models._base import utcnow
from spt.services import (
    advisor_review,
    career,
    employer_candidates,
    enrolments,
    introductions,
    mail,
    notifications,
    privacy,
    retention,
    workqueue,
)
from spt.services.appointments import AppointmentData
from spt.services.matches import recompute_for_candidate
from tests.conftest import PASSWORD
from tests.factories import invite_fields, make_candidate, make_employer, make_match, make_placement
from tests.mailbox import mails_to

BASE = "https://match.example.nl"

# 1. Mailed links ------------------------------------------------------------------------------


@pytest.fixture
def hostile_hosts(app):
    """Requests may arrive through a trusted alias; links must still use the base URL."""
    app.config["BASE_URL"] = BASE
    app.config["TRUSTED_HOSTS"] = ["localhost", "alias.example"]
    return {"Host": "alias.example", "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "http"}


def _every_mail(app, make_user, headers) -> list[tuple[str, str, str]]:
    """Trigger every kind of mail the app sends; (recipient, subject, body as received)."""
    client = app.test_client()
    client.post("/registreren", headers=headers,
                data={"email": "nieuw@example.nl", "password": PASSWORD, "confirm": PASSWORD})
    make_user("candidate", email="bestaand@example.nl")
    client.post("/registreren", headers=headers,
                data={"email": "bestaand@example.nl", "password": PASSWORD, "confirm": PASSWORD})
    client.post("/wachtwoord-vergeten", headers=headers, data={"email": "bestaand@example.nl"})
    advisor_id = make_user("advisor", email="adviseur@spt.nl")
    employer_user, employer = make_employer(app, email="werkgever@example.nl")
    placement = make_placement(app, employer, meeloopdag=True)
    cand_user, candidate = make_candidate(app, email="kandidaat@example.nl",
                                          status="matchvoorstel")
    match = make_match(app, candidate, placement)
    with app.test_request_context(headers=headers):
        db = get_db()
        advisor = db.get(User, advisor_id)
        introductions.propose(db, advisor=advisor, match_id=match, expected_version=1)
        introductions.answer(db, user=db.get(User, cand_user), match_id=match, consent=True)
        employer_candidates.decline(db, employer=db.get(
            Employer, employer),
            actor_id=employer_user, match_id=match, expected_version=3, reason="ervaring")
        notifications.send_digest(db)

        career.request_meeloopdag(db, user=db.get(User, cand_user), placement_id=placement)
        old = make_candidate(app, email="oud@example.nl")[1]


        db.get(Candidate, old).created_at = utcnow() - timedelta(days=400)
        db.commit()
        retention.purge(db, now=utcnow() + timedelta(days=0))
    with app.app_context():
        rows = get_db().exec(select(OutboxMessage.recipient)).all()
    return [(to, subject, body) for to in sorted(set(rows))
            for subject, body in mails_to(app, to)]


def test_every_mailed_link_points_at_the_base_url(app, make_user, hostile_hosts):
    mails = _every_mail(app, make_user, hostile_hosts)
    subjects = {subject for _to, subject, _body in mails}
    for expected in ("Bevestig je e-mailadres", "al een account", "Nieuw wachtwoord",
                     "voorstellen aan een werkgever", "Nieuwe kandidaat voorgesteld",
                     "Reactie van", "werkvoorraad", "meeloopdag"):
        assert any(expected in s for s in subjects), f"no mail {expected!r} in {subjects}"
    links = [url for _to, _s, body in mails for url in re.findall(r"https?://\S+", body)]
    assert len(links) >= 7
    for url in links:
        assert url.startswith(BASE + "/"), url


def test_a_request_with_an_unknown_host_is_refused_before_anything_happens(app, make_user):
    make_user("candidate", email="k@example.nl")
    client = app.test_client()
    for path in ("/", "/inloggen", "/wachtwoord-vergeten"):
        assert client.get(path, headers={"Host": "evil.example"}).status_code == 400
    response = client.post("/wachtwoord-vergeten", data={"email": "k@example.nl"},
                           headers={"Host": "spt.example.nl.evil.example"})
    assert response.status_code == 400
    with app.app_context():
        assert get_db().exec(select(OutboxMessage)).all() == []


# 2. Redirects -----------------------------------------------------------------------------------

# Known open-redirect bypasses (PortSwigger, PayloadsAllTheThings, the ones of issue 16).
BYPASSES = [
    "//evil.example", "///evil.example", "////evil.example", "/\\evil.example",
    "\\\\evil.example", "\\/evil.example", "/\\/evil.example", "https://evil.example",
    "http:evil.example", "HTTPS://evil.example", "javascript:alert(1)", "data:text/html,x",
    "/%09/evil.example", "/\t/evil.example", "/%0a/evil.example", "/%0d/evil.example",
    "/%0d%0aLocation:%20https://evil.example", " //evil.example", "%20//evil.example",
    "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "%5C%5Cevil.example",
    "\u3002evil.example", "//evil%E3%80%82example", "/\u202e//evil.example",
    "//evil.example@localhost", "/%00//evil.example", "evil.example", "@evil.example",
    "/.evil.example", "//localhost@evil.example", "/%0a/x",
]


def browser_target(base: str, location: str) -> str:
    """Where a browser goes for this Location (WHATWG URL parsing, the parts that matter)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00 \x01\x02\x03\x04\x05\x06\x07\x08"
                                                       "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14"
                                                       "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d"
                                                       "\x1e\x1f")
    return urljoin(base, cleaned.replace("\\", "/"))


def _assert_same_site(response, payload):
    assert response.status_code in (302, 303), (payload, response.status_code)
    location = response.headers["Location"]
    assert "\n" not in location and "\r" not in location, payload
    target = urlsplit(browser_target("http://localhost/inloggen", location))
    assert target.hostname == "localhost", (payload, location)
    assert target.scheme == "http", (payload, location)


@pytest.mark.parametrize("payload", BYPASSES)
def test_login_next_stays_on_the_site(app, make_user, payload):
    make_user("candidate", email="k@example.nl")
    client = app.test_client()
    response = client.post("/inloggen", query_string={"next": payload},
                           data={"email": "k@example.nl", "password": PASSWORD})
    _assert_same_site(response, payload)


@pytest.mark.parametrize("payload", BYPASSES)
def test_the_language_switch_next_stays_on_the_site(client, payload):
    _assert_same_site(client.get("/taal/en", query_string={"next": payload}), payload)


@pytest.mark.parametrize("payload", BYPASSES[:12] + ["/%09/evil.example", "/%0a/x"])
def test_the_second_factors_next_stays_on_the_site(app, make_user, payload):
    app.config["MFA_REQUIRED"] = True
    user_id = make_user("advisor", email="a@spt.nl")
    secret = pyotp.random_base32()
    with app.app_context():
        get_db().get(User, user_id).totp_secret = secret
        get_db().commit()
    client = app.test_client()
    step = client.post("/inloggen", query_string={"next": payload},
                       data={"email": "a@spt.nl", "password": PASSWORD})
    assert step.headers["Location"].endswith("/inloggen/code")
    _assert_same_site(client.post("/inloggen/code", data={"code": pyotp.TOTP(secret).now()}),
                      payload)


def test_the_login_page_redirect_keeps_a_plain_path(app, make_user):
    make_user("candidate", email="k@example.nl")
    client = app.test_client()
    response = client.post("/inloggen?next=/kandidaat/profiel?tab=1",
                           data={"email": "k@example.nl", "password": PASSWORD})
    assert response.headers["Location"] == "/kandidaat/profiel?tab=1"


# 3. Free text: XSS, CR/LF, bidi and formulas everywhere it is shown ------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PAYLOAD = f'=HYPERLINK("https://evil.example","k") {XSS} \u202egnp.exe\u202c\r\nBcc: x@evil.example'
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _clean_page(html: str, where: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html, where
    assert not BIDI.search(html), where


@pytest.fixture
def hostile_world(app, make_user, login):
    """Every free-text field filled with the payload, through the forms where there is one."""
    employer_client = app.test_client()
    employer_client.post("/werkgever/registreren", data={
        "email": "evil@example.nl", "password": PASSWORD, "confirm": PASSWORD,
        "organisation": PAYLOAD[:200], "contact_name": PAYLOAD[:200]})
    with app.app_context():
        db = get_db()
        user = db.exec(select(User).where(User.email == "evil@example.nl")).one()
        user.email_confirmed = True
        employer = db.exec(select(Employer)).one()

        employer.verified_at = utcnow()
        db.commit()
        employer_id, employer_user = employer.id, user.id
    placement = make_placement(app, employer_id, title=PAYLOAD[:200], description=PAYLOAD)
    cand_user, candidate = make_candidate(app, first_name=PAYLOAD[:100], last_name=PAYLOAD[:100],
                                          education_field=PAYLOAD[:200], status="matchvoorstel")
    advisor_id = make_user("advisor", email="adviseur@spt.nl")
    with app.test_request_context():
        db = get_db()
        db.add(CandidateSkill(candidate_id=candidate, free_text=PAYLOAD[:200], needs_review=True))
        recompute_for_candidate(db, db.get(Candidate, candidate))
        db.commit()
        advisor = db.get(User, advisor_id)
        match = advisor_review.propose(db, advisor=advisor, candidate_id=candidate,
                                       placement_id=placement, expected_version=None,
                                       note=PAYLOAD, override_reason=PAYLOAD)
        introductions.answer(db, user=db.get(User, cand_user), match_id=match.id, consent=True)
        match_id = match.id
    advisor_client = app.test_client()
    login(advisor_id, on=advisor_client)
    advisor_client.post(f"/adviseur/kandidaten/{candidate}/notities", data={"notes": PAYLOAD})
    login(employer_user, on=employer_client)
    with app.app_context():
        version = get_db().get(Match, match_id).version
    employer_client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": version, **invite_fields("2027-03-01")})
    with app.app_context():
        version = get_db().get(Match, match_id).version
    employer_client.post(f"/werkgever/kandidaten/{match_id}/uitkomst", data={
        "uitkomst-version": version, "uitkomst-outcome": "niet_geplaatst",
        "uitkomst-not_placed": "werkgever", "uitkomst-note": PAYLOAD})
    return {"advisor": advisor_client, "employer": employer_client, "candidate": candidate,
            "placement": placement, "match": match_id, "employer_id": employer_id}


def test_payloads_are_escaped_and_bidi_free_on_every_page(app, hostile_world, make_user, login):
    world = hostile_world
    for path in ("/adviseur/", f"/adviseur/kandidaten/{world['candidate']}",
                 f"/adviseur/plekken/{world['placement']}", "/adviseur/pipeline",
                 "/adviseur/kpi"):
        response = world["advisor"].get(path)
        assert response.status_code == 200, path
        _clean_page(response.get_data(as_text=True), path)
    for path in ("/werkgever/", "/werkgever/plekken", f"/werkgever/plekken/{world['placement']}",
                 f"/werkgever/plekken/{world['placement']}/kandidaten",
                 f"/werkgever/kandidaten/{world['match']}", "/werkgever/organisatie"):
        response = world["employer"].get(path)
        assert response.status_code == 200, path
        _clean_page(response.get_data(as_text=True), path)
    admin = app.test_client()
    login(make_user("admin"), on=admin)
    for path in ("/beheer/outbox", "/beheer/audit", "/beheer/gebruikers?zoek=evil"):
        response = admin.get(path)
        assert response.status_code == 200, path
        _clean_page(response.get_data(as_text=True), path)
    page = world["advisor"].get(f"/adviseur/kandidaten/{world['candidate']}").get_data(
        as_text=True)
    assert "&lt;script&gt;" in page  # shown, escaped, not dropped


def test_payloads_are_neutralised_in_every_export(app, hostile_world):
    world = hostile_world
    for key in ("capaciteit", "congestie", "funnel", "soort"):
        response = world["advisor"].get(f"/adviseur/kpi/export/{key}.csv")
        if response.status_code == 404:
            continue
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                               delimiter=";"))
        for cell in (c for row in rows for c in row):
            assert not cell.startswith(("=", "+", "-", "@")), (key, cell)
            assert not BIDI.search(cell), (key, cell)
        xlsx = world["advisor"].get(f"/adviseur/kpi/export/{key}.xlsx")
        sheet = zipfile.ZipFile(io.BytesIO(xlsx.data)).read("xl/worksheets/sheet1.xml").decode()
        assert "<t xml:space=\"preserve\">=" not in sheet and not BIDI.search(sheet)
    export = world["advisor"].get(f"/adviseur/kandidaten/{world['candidate']}/gegevens.json")
    assert export.headers["Content-Type"].startswith("application/json")
    assert export.headers["Cache-Control"] == "no-store"
    # The data as stored, as a download that no browser renders as a page.
    assert export.headers["Content-Disposition"].startswith("attachment")
    assert export.headers["X-Content-Type-Options"] == "nosniff"
    readable = world["advisor"].get(f"/adviseur/kandidaten/{world['candidate']}/gegevens")
    assert readable.status_code == 200 and readable.headers["Cache-Control"] == "no-store"
    page = readable.get_data(as_text=True)
    assert "<script>" not in page.split("</header>", 1)[1] and "&lt;script&gt;" in page


def test_payloads_leave_mail_headers_clean(app, hostile_world):
    with app.app_context():
        messages = get_db().exec(select(OutboxMessage)).all()
    assert messages
    for message in messages:
        assert "\r" not in message.subject and "\n" not in message.subject
        assert len(message.subject) <= 200
        assert not BIDI.search(message.subject + message.body)
        assert "\r" not in message.body


def test_payloads_through_the_organisation_form_are_refused_or_stored_safely(app, client,
                                                                            login):
    user_id, _employer = make_employer(app)
    login(user_id)
    response = client.post("/werkgever/organisatie", data={
        "name": PAYLOAD[:200], "kvk_number": "12345678", "contact_name": PAYLOAD[:200],
        "phone": "020 123 4567", "postcode": "1012 AB", "theme": "energie", "mentors": "1",
        "mentor_capacity": "1"})
    assert response.status_code in (302, 400)
    _clean_page(client.get("/werkgever/organisatie").get_data(as_text=True), "organisatie")


# 4. Erasure, then a scan of every table -----------------------------------------------------------

MARKERS = {
    "first_name": "Zwaantje", "last_name": "Quispelaar", "email": "zq.geheim@example.nl",
    "phone": "06 9876 5432", "postcode": "1093 ZQ", "heard_via": "Buurvrouw",
    "education_field": "Bloemschikken", "skill": "Klompen snijden", "job": "Klompenmaker",
    "notes": "spreekt slecht Nederlands", "proposal": "Zwaantje past hier goed",
    "override": "omdat Quispelaar dichtbij woont", "move": "Zwaantje is ziek",
    "decline": "te oud volgens ons", "outcome": "Quispelaar kwam niet opdagen",
    "enrolment": "stopte wegens zwangerschap", "draft": "Conceptzwaan",
}


def _all_text(engine) -> dict[str, list[str]]:
    """Every value of every column of every table in the database, as strings, per table."""
    found: dict[str, list[str]] = {}
    inspector = inspect(engine)
    with engine.connect() as connection:
        for name in inspector.get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{name}"')):
                found.setdefault(name, []).extend(str(v) for v in row if v is not None)
    return found


def test_after_erasure_no_table_holds_any_of_the_persons_strings(app, make_user, login):
    m = MARKERS
    _eu, employer = make_employer(app)
    placement = make_placement(app, employer)
    other_placement = make_placement(app, employer, title="tweede plek")
    user_id, candidate = make_candidate(
        app, email=m["email"], first_name=m["first_name"], last_name=m["last_name"],
        phone=m["phone"], postcode=m["postcode"], heard_via=m["heard_via"],
        education_field=m["education_field"], status="matchvoorstel", gender="v",
        nt2_speaker=True)
    advisor_id = make_user("advisor", email="adviseur@spt.nl")
    with app.test_request_context():
        db = get_db()
        db.add(CandidateSkill(candidate_id=candidate, free_text=m["skill"], needs_review=True))
        db.add(CandidateOccupation(candidate_id=candidate, free_text=m["job"], years=2))
        db.add(IntakeDraft(token="t" * 20, user_id=user_id, data={"1": {"x": m["draft"]}}))
        recompute_for_candidate(db, db.get(Candidate, candidate))
        db.commit()
        advisor = db.get(User, advisor_id)
        advisor_review.save_notes(db, advisor_id=advisor_id, candidate_id=candidate,
                                  notes=m["notes"])
        match = advisor_review.propose(db, advisor=advisor, candidate_id=candidate,
                                       placement_id=placement, expected_version=None,
                                       note=m["proposal"], override_reason=m["override"])
        introductions.answer(db, user=db.get(User, user_id), match_id=match.id, consent=True)
        db.refresh(match)
        employer_candidates.decline(db, employer=db.get(Employer, employer), actor_id=None,
                                    match_id=match.id, expected_version=match.version,
                                    reason="anders", note=m["decline"])
        second = advisor_review.propose(db, advisor=advisor, candidate_id=candidate,
                                        placement_id=other_placement, expected_version=None,
                                        note="", override_reason=m["override"])
        introductions.answer(db, user=db.get(User, user_id), match_id=second.id, consent=True)
        db.refresh(second)
        employer_candidates.accept(db, employer=db.get(Employer, employer), actor_id=None,
                                   match_id=second.id, expected_version=second.version,
                                   appointment=AppointmentData(
                                       day=date(2027, 3, 1), time=time(10), place="Werkplaats 1",
                                       video_url="", contact_name="Jan de Vries"))
        db.refresh(second)
        employer_candidates.report_outcome(db, employer=db.get(Employer, employer),
                                           actor_id=None, match_id=second.id,
                                           expected_version=second.version,
                                           outcome="proefplaatsing", note=m["outcome"])
        db.refresh(second)
        workqueue.move_match(db, actor_id=advisor_id, match_id=second.id, status="uitgevallen",
                             reason=m["move"], expected_version=second.version)
        module_id = db.exec(select(Module.id)).first()
        enrolment = enrolments.start(db, actor_id=advisor_id, candidate_id=candidate,
                                     module_id=module_id, started_on=date.today())
        enrolments.finish(db, actor_id=advisor_id, candidate_id=candidate,
                          enrolment_id=enrolment.id, outcome="gestopt", ended_on=date.today(),
                          reason=m["enrolment"])
        mail.queue(db, to=m["email"], subject=f"Hallo {m['first_name']}", body=m["notes"])
        db.commit()
    before = _all_text(_engine(app))
    assert any(m["notes"] in v for values in before.values() for v in values)  # it was there

    client = app.test_client()
    login(user_id, on=client)
    response = client.post("/kandidaat/verwijderen", data={"password": PASSWORD,
                                                           "confirm": "y"})
    assert response.status_code == 302

    after = _all_text(_engine(app))
    leaks = [(table, marker) for table, values in after.items() for marker in m.values()
             if any(marker.lower() in v.lower() for v in values)]
    assert leaks == [], f"strings of the erased person are still stored: {leaks}"
    with app.app_context():
        row = get_db().get(Candidate, candidate)
        assert row.erased_at and row.gender is None and row.nt2_speaker is None


def _engine(app):
    with app.app_context():
        return get_engine()


def test_an_advisor_erasure_on_request_leaves_nothing_either(app, client, advisor):
    user_id, candidate = make_candidate(app, email="verzoek@example.nl", first_name="Verzoekje")
    with app.app_context():
        privacy.erase_candidate(get_db(), candidate_id=candidate, actor_id=advisor)
    assert not any("Verzoekje" in v or "verzoek@example.nl" in v
                   for values in _all_text(_engine(app)).values() for v in values)
    with app.app_context():
        assert get_db().get(User, user_id) is None
