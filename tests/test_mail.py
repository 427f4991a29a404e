"""Outbound mail: kept in the outbox without SMTP, sent over SMTP when configured."""

import smtplib

from sqlmodel import select

from spt.db import get_db
from spt.models import OutboxMessage, User
from spt.services import introductions
from tests.factories import make_candidate, make_employer, make_match, make_placement


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        FakeSMTP.sent.append((self.host, self.port, message["To"], message["Subject"]))


def test_without_smtp_mail_stays_in_the_outbox_for_admins(app, client, make_user, login):
    make_user("candidate", email="k@example.nl")
    client.post("/wachtwoord-vergeten", data={"email": "k@example.nl"})
    with app.app_context():
        message = get_db().exec(select(OutboxMessage)).one()
        assert message.sent_at is None and message.recipient == "k@example.nl"
    admin = app.test_client()
    login(make_user("admin"), on=admin)
    assert "Nieuw wachtwoord instellen" in admin.get("/beheer/outbox").get_data(as_text=True)


def test_with_smtp_mail_is_sent_after_the_request(app, client, make_user, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config["MAIL_URL"] = "smtp://spt:geheim@mail.example.nl:587"
    make_user("candidate", email="k@example.nl")
    client.post("/wachtwoord-vergeten", data={"email": "k@example.nl"})
    assert FakeSMTP.sent == [("mail.example.nl", 587, "k@example.nl",
                              "Nieuw wachtwoord instellen voor SPT Match")]
    with app.app_context():
        assert get_db().exec(select(OutboxMessage)).one().sent_at is not None


def test_users_choose_which_mails_they_get(app, client, make_user, login):
    user_id = make_user("candidate")
    login(user_id)
    page = client.get("/account/meldingen").get_data(as_text=True)
    assert 'value="introductions" checked' in page
    assert client.post("/account/meldingen", data={"wanted": ["onbekend"]}).status_code == 302
    with app.app_context():
        assert get_db().get(User, user_id).mail_preferences == {"introductions": False}


def test_an_introduction_mail_respects_the_candidates_choice(app):
    _eu, employer_id = make_employer(app)
    placement_id = make_placement(app, employer_id)
    user_id, candidate_id = make_candidate(app, status="matchvoorstel")
    match_id = make_match(app, candidate_id, placement_id)
    advisor_id = make_candidate(app)[0]
    with app.test_request_context():
        db = get_db()
        db.get(User, user_id).mail_preferences = {"introductions": False}
        advisor = db.get(User, advisor_id)
        advisor.role = "advisor"
        db.commit()
        introductions.propose(db, advisor=advisor, match_id=match_id, expected_version=1)
    with app.app_context():
        assert get_db().exec(select(OutboxMessage)).all() == []
