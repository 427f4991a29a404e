"""The demo data: idempotent, realistic, and every printed login works."""

from sqlmodel import func, select

from spt.db import get_db
from spt.models import Candidate, Employer, Match, ModuleEnrolment, Placement, User

DEMO_PASSWORD = "demo-wachtwoord-2026"


def counts(app) -> dict:
    with app.app_context():
        db = get_db()
        return {m.__name__: db.exec(select(func.count()).select_from(m)).one()
                for m in (User, Employer, Placement, Candidate, Match, ModuleEnrolment)}


def test_seed_demo_is_idempotent_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "adviseur@spt-match.nl" in first.output and DEMO_PASSWORD in first.output
    after_first = counts(app)
    assert after_first["Placement"] >= 10 and after_first["Candidate"] >= 5
    assert after_first["Match"] > 0 and after_first["ModuleEnrolment"] == 5
    second = runner.invoke(args=["seed-demo"])
    assert "0 accounts toegevoegd" in second.output
    assert counts(app) == after_first


def test_every_demo_login_reaches_its_start_page(app, runner):
    output = runner.invoke(args=["seed-demo"]).output
    emails = [line.split()[-1] for line in output.splitlines() if "@" in line]
    assert len(emails) == 5
    for email in emails:
        client = app.test_client()
        response = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        page = client.get(response.headers["Location"], follow_redirects=True)
        assert page.status_code == 200, email


def test_demo_candidate_sees_an_introduction_and_routes(app, runner):
    runner.invoke(args=["seed-demo"])
    client = app.test_client()
    client.post("/inloggen", data={"email": "kandidaat@example.nl", "password": DEMO_PASSWORD})
    html = client.get("/kandidaat/").get_data(as_text=True)
    assert "ZonneWerk Almere BV" in html
    assert "Loopbaanpaden die bij je passen" in html
