"""Promised mails: the intake confirmation, and new places for those who chose that mail."""

from datetime import timedelta

from sqlmodel import select

from spt.db import get_db
from spt.models import Consent, OutboxMessage
from spt.models._base import utcnow
from spt.services import candidate_news, consents
from tests.factories import make_candidate, make_employer, make_placement
from tests.mailbox import link_to, mails_to
from tests.test_intake import STEP6, fill_steps


def test_a_finished_intake_is_confirmed_by_mail(app, client):
    fill_steps(client)
    client.post("/intake/6", data=STEP6)
    subjects = [subject for subject, _b in mails_to(app, "ali@example.nl")]
    assert "Je intake bij SPT Match is binnen" in subjects
    body = next(b for s, b in mails_to(app, "ali@example.nl") if "is binnen" in s)
    assert "/kandidaat/toestemming" in body and "per werkgever ja" in body


def test_a_taken_address_gets_no_intake_confirmation(app, client, make_user):
    make_user("candidate", email="ali@example.nl")
    fill_steps(client)
    client.post("/intake/6", data=STEP6)
    assert not any("is binnen" in s for s, _b in mails_to(app, "ali@example.nl"))


def subscriber(app, *, wants_mail: bool = True, email: str = "samira@example.nl") -> int:
    _user, candidate_id = make_candidate(app, email=email)
    with app.app_context():
        db = get_db()
        db.add(Consent(candidate_id=candidate_id, purpose="mail", granted=wants_mail,
                       privacy_version=consents.PRIVACY_VERSION))
        db.commit()
    return candidate_id


def news(app, *, days: int = 0) -> int:
    with app.app_context():
        return candidate_news.send_news(get_db(), now=utcnow() + timedelta(days=days))


def test_new_fitting_places_are_mailed_once_a_week_and_only_what_is_new(app):
    subscriber(app)
    subscriber(app, wants_mail=False, email="geen-mail@example.nl")
    _eu, employer_id = make_employer(app, name="ZonneWerk Almere")
    make_placement(app, employer_id, title="monteur zonnepanelen")
    assert news(app) == 1
    (subject, body), = mails_to(app, "samira@example.nl")
    assert "Nieuwe plekken" in subject and "monteur zonnepanelen (ZonneWerk Almere" in body
    assert "/afmelden/" in body
    assert mails_to(app, "geen-mail@example.nl") == []
    make_placement(app, employer_id, title="monteur laadpalen")
    assert news(app, days=1) == 0  # not a week yet
    assert news(app, days=7) == 1
    body = mails_to(app, "samira@example.nl")[-1][1]
    assert "monteur laadpalen" in body and "monteur zonnepanelen" not in body
    assert news(app, days=14) == 0  # nothing new: no mail


def test_the_unsubscribe_link_stops_the_mail_in_one_click_without_logging_in(app):
    candidate_id = subscriber(app)
    _eu, employer_id = make_employer(app)
    make_placement(app, employer_id)
    news(app)
    path = link_to(app, "samira@example.nl", "/afmelden/")
    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and "Meld mij af" in page.get_data(as_text=True)
    with app.app_context():
        assert consents.current(get_db(), candidate_id)["mail"] is True  # opening is not enough
    done = visitor.post(path)
    assert done.status_code == 200 and "Je bent afgemeld" in done.get_data(as_text=True)
    assert visitor.post(path).status_code == 200  # a second click: the same answer
    with app.app_context():
        assert consents.current(get_db(), candidate_id)["mail"] is False
    make_placement(app, employer_id, title="monteur laadpalen")
    assert news(app, days=7) == 0


def test_a_tampered_unsubscribe_link_is_a_dutch_400(app):
    response = app.test_client().get("/afmelden/niet-echt")
    assert response.status_code == 400 and "afmeldlink is ongeldig" in response.get_data(
        as_text=True)


def test_the_send_news_command_queues_the_mail(app, runner):
    subscriber(app)
    _eu, employer_id = make_employer(app)
    make_placement(app, employer_id)
    result = runner.invoke(args=["send-news"])
    assert result.exit_code == 0 and "1 mails over nieuwe plekken" in result.output
    with app.app_context():
        assert len(get_db().exec(select(OutboxMessage)).all()) == 1
