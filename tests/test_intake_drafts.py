"""A visitor's intake survives the browser: a mailed "ga verder" link or a login brings it back."""

from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spt.db import get_db
from spt.extensions import limiter
from spt.models import IntakeDraft, OutboxMessage
from spt.models._base import utcnow
from spt.services import intake_drafts, mail, retention
from spt.services.errors import DomainError
from tests.factories import PASSWORD, make_candidate
from tests.mailbox import confirm, link_to, mails_to
from tests.test_intake import STEP1, fill_steps

LINK = "/intake/verder/"


def _follow(client, path: str):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(path)


def test_a_closed_browser_loses_nothing_the_mailed_link_continues_elsewhere(app, client):
    fill_steps(client, upto=3)
    (subject, body), = mails_to(app, "ali@example.nl")
    assert "Ga verder" in subject and "één keer" in body and "30 dagen" in body
    phone = app.test_client()  # the browser was closed; a new one opens the mail
    response = _follow(phone, link_to(app, "ali@example.nl", LINK))
    assert response.status_code == 302 and response.headers["Location"].endswith("/intake/")
    assert phone.get("/intake/").headers["Location"].endswith("/intake/3")
    assert "Kaya" in phone.get("/intake/1").get_data(as_text=True)
    assert "Kaya" not in client.get("/intake/1").get_data(as_text=True)  # the first browser lost it
    with app.app_context():
        draft = get_db().exec(select(IntakeDraft)).one()
        assert draft.email == "ali@example.nl" and "3" in draft.data and draft.user_id is None


def test_a_used_link_works_once_and_shows_no_data(app, client):
    fill_steps(client, upto=1)
    path = link_to(app, "ali@example.nl", LINK)
    assert _follow(app.test_client(), path).status_code == 302
    stranger = app.test_client()
    for response in (stranger.get(path), stranger.post(path)):
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "al gebruikt" in html and "Kaya" not in html
    assert "Kaya" not in stranger.get("/intake/1").get_data(as_text=True)


def test_an_expired_link_is_refused_and_offers_a_new_one(app, client):
    fill_steps(client, upto=1)
    path = link_to(app, "ali@example.nl", LINK)
    with freeze_time(utcnow() + timedelta(days=8)):
        response = app.test_client().post(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "verlopen" in html and 'name="email"' in html


def test_a_tampered_link_is_refused(app, client):
    fill_steps(client, upto=1)
    path = link_to(app, "ali@example.nl", LINK)
    response = app.test_client().post(path[:-3] + "abc")
    assert response.status_code == 400 and "ongeldig" in response.get_data(as_text=True)


def test_a_changed_address_gets_a_new_link_and_the_old_one_stops(app, client):
    fill_steps(client, upto=1)
    old = link_to(app, "ali@example.nl", LINK)
    client.post("/intake/1", data=STEP1 | {"email": "Ali.Kaya@Example.nl"})
    client.post("/intake/1", data=STEP1 | {"email": "ali.kaya@example.nl"})  # same address
    assert len(mails_to(app, "ali.kaya@example.nl")) == 1
    assert app.test_client().post(old).status_code == 400
    assert _follow(app.test_client(), link_to(app, "ali.kaya@example.nl", LINK)).status_code == 302


def test_asking_for_a_new_link_answers_the_same_for_a_known_and_an_unknown_address(app, client):
    fill_steps(client, upto=2)
    answers = [app.test_client().post("/intake/verder", data={"email": email},
                                      follow_redirects=True)
               for email in ("ALI@example.nl", "niemand@example.nl")]
    assert answers[0].status_code == answers[1].status_code == 200
    assert answers[0].get_data(as_text=True) == answers[1].get_data(as_text=True)
    assert len(mails_to(app, "ali@example.nl")) == 2 and mails_to(app, "niemand@example.nl") == []


def test_asking_for_a_link_with_a_bad_address_is_a_dutch_400(client):
    response = client.post("/intake/verder", data={"email": "geen adres"})
    assert response.status_code == 400
    assert "Vul een geldig e-mailadres in." in response.get_data(as_text=True)


def test_logging_in_with_the_address_picks_the_draft_up(app, client, make_user):
    user_id = make_user("candidate", email="ali@example.nl")
    fill_steps(client, upto=3)
    other = app.test_client()
    other.post("/inloggen", data={"email": "ali@example.nl", "password": PASSWORD})
    assert other.get("/intake/").headers["Location"].endswith("/intake/3")
    assert "Kaya" in other.get("/intake/1").get_data(as_text=True)
    with app.app_context():
        draft = get_db().exec(select(IntakeDraft)).one()
        assert draft.user_id == user_id
        # the mailed link belongs to a visitor's draft: it no longer works
        assert mail._SECRET_LINKS["intake_resume"](get_db(), draft.id) is None


def test_registering_with_the_address_picks_the_draft_up(app, client):
    fill_steps(client, upto=2)
    other = app.test_client()
    other.post("/registreren", data={"email": "ali@example.nl", "password": PASSWORD,
                                     "confirm": PASSWORD})
    confirm(app, other, "ali@example.nl")
    other.post("/inloggen", data={"email": "ali@example.nl", "password": PASSWORD})
    assert "Kaya" in other.get("/intake/1").get_data(as_text=True)


def test_a_finished_profile_is_never_overwritten_by_a_draft_with_its_address(app, client):
    user_id, _candidate = make_candidate(app, email="klaar@example.nl")
    fill_steps(client, upto=2, email="klaar@example.nl")
    other = app.test_client()
    other.post("/inloggen", data={"email": "klaar@example.nl", "password": PASSWORD})
    assert "Kaya" not in other.get("/intake/1").get_data(as_text=True)
    with app.app_context():
        assert get_db().exec(select(IntakeDraft.user_id)).all() == [None]
    path = link_to(app, "klaar@example.nl", LINK)
    response = other.post(path)  # logged in: the link cannot take the draft either
    assert response.status_code == 400 and "Log uit" in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().exec(select(IntakeDraft.user_id)).all() == [None]


def test_an_orphaned_draft_goes_after_the_retention_period_and_its_link_dies(app, client):
    fill_steps(client, upto=2)
    with freeze_time(utcnow() + timedelta(days=31)), app.app_context():
        retention.purge(get_db(), now=utcnow())
    with app.app_context():
        db = get_db()
        assert db.exec(select(IntakeDraft)).all() == []
        message = db.exec(select(OutboxMessage)).one()
        assert mail.SECRET_LINK in message.body  # the link itself was never stored
        with pytest.raises(mail.PermanentFailure):  # an unsent mail is set aside, not sent
            mail.body_for_recipient(db, message)


def test_the_page_says_how_to_continue_later(client, make_user, login):
    html = client.get("/intake/1").get_data(as_text=True)
    assert "Na stap 1 sturen we je een e-mail met een link" in html
    assert "Je kunt later verder gaan." not in html
    login(make_user("candidate"))
    assert "bij je account" in client.get("/intake/1").get_data(as_text=True)


def test_link_mails_are_rate_limited_so_step_one_cannot_bomb_an_inbox(app):

    app.config["RATELIMIT_ENABLED"] = True
    app.config["INTAKE_LINK_RATE_LIMIT"] = "3 per minute"
    limiter.init_app(app)
    client = app.test_client()
    try:
        steps = [client.post("/intake/1", data=STEP1 | {"email": f"doel{n}@example.nl"})
                 .status_code for n in range(4)]
        asks = [client.post("/intake/verder", data={"email": "doel@example.nl"}).status_code
                for _ in range(4)]
        other_steps = client.get("/intake/2").status_code
    finally:
        limiter.enabled = False
    assert steps == [302, 302, 302, 429] and asks[-1] == 429 and other_steps == 200
    assert mails_to(app, "doel3@example.nl") == []


def test_two_browsers_opening_the_same_link_at_once_only_one_takes_the_draft(app, client):
    fill_steps(client, upto=1)
    path = link_to(app, "ali@example.nl", LINK)
    token = path.rsplit("/", 1)[1]

    with app.app_context():
        first, second = get_db(), None
        intake_drafts.check_link(first, token=token)  # both browsers passed the check ...
        with app.app_context():
            second = get_db()
            assert intake_drafts.resume(second, token=token)  # ... the other one was quicker
        with pytest.raises(DomainError, match="al gebruikt"):
            intake_drafts.resume(first, token=token)
