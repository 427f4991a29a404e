"""Accounts: registration, login, logout, sessions, passwords and roles."""


import secrets

import pytest
from argon2 import extract_parameters
from sqlmodel import select

from spt import create_app
from spt.config import UnsafeConfigError
from spt.db import get_db
from spt.extensions import limiter
from spt.models import Candidate, Employer, OutboxMessage, User
from spt.services import passwords
from tests.conftest import PASSWORD
from tests.mailbox import confirm, link_to, mails_to


def users(app):
    with app.app_context():
        return list(get_db().exec(select(User)))


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "geen-adres", "password": PASSWORD, "confirm": PASSWORD},
     "Vul een geldig e-mailadres in."),
    ({"email": "a@example.nl", "password": "kort", "confirm": "kort"},
     "Kies een wachtwoord van minstens 12 tekens."),
    ({"email": "a@example.nl", "password": PASSWORD, "confirm": "iets anders hier"},
     "De wachtwoorden zijn niet gelijk."),
    ({"email": "", "password": "", "confirm": ""}, "Dit veld is verplicht."),
    ({"email": "a@example.nl", "password": "password1234", "confirm": "password1234"},
     "Dit wachtwoord komt veel voor"),
])
def test_registration_with_bad_input_is_refused_in_dutch_and_stores_nothing(
        client, app, data, message):
    response = client.post("/registreren", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert users(app) == []


def test_registration_with_a_taken_email_answers_like_a_new_one_and_mails_the_owner(
        client, app, make_user):
    make_user("candidate", email="bezet@example.nl")
    taken = client.post("/registreren", data={
        "email": "Bezet@Example.nl", "password": PASSWORD, "confirm": PASSWORD})
    new = app.test_client().post("/registreren", data={
        "email": "vrij@example.nl", "password": PASSWORD, "confirm": PASSWORD})
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"]
    page = client.get(taken.headers["Location"]).get_data(as_text=True)
    assert "Er is al een account" not in page and "Kijk in je mail" in page
    assert len(users(app)) == 2
    (subject, body), = mails_to(app, "bezet@example.nl")
    assert "al een account" in subject and "/inloggen" in body
    (subject, body), = mails_to(app, "vrij@example.nl")
    assert "Bevestig" in subject and "/e-mailadres-bevestigen/" in body


def _production_app(**config):
    return create_app({"SPT_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                       "BASE_URL": "https://localhost", "DATABASE_URL": "sqlite://", **config})


def test_production_hashes_passwords_with_the_strong_argon2_parameters():
    with _production_app().app_context():
        made = extract_parameters(passwords.hash_password(PASSWORD))
        dummy = extract_parameters(passwords.dummy_hash())
    # RFC 9106's low-memory choice, argon2-cffi's default: 3 passes over 64 MiB in 4 lanes.
    for parameters in (made, dummy):
        assert (parameters.type.name, parameters.time_cost, parameters.memory_cost,
                parameters.parallelism) == ("ID", 3, 65536, 4)
    assert extract_parameters(passwords.hash_password(PASSWORD)).memory_cost == 65536  # no app


def test_production_refuses_the_cheap_hashing_of_the_tests():
    with pytest.raises(UnsafeConfigError, match="PASSWORD_HASH_COST"):
        _production_app(PASSWORD_HASH_COST="test")


def test_the_test_suite_hashes_cheaply_and_still_verifies_a_strong_hash(app):
    strong = passwords.STRONG.hash(PASSWORD)
    with app.app_context():
        assert extract_parameters(passwords.hash_password(PASSWORD)).memory_cost == 8
        assert passwords.verify_password(strong, PASSWORD)
        assert not passwords.verify_password(strong, PASSWORD + "x")


def test_candidate_registration_stores_an_argon2_hash_and_a_profile(client, app):
    response = client.post("/registreren", data={
        "email": "Nieuw@Example.nl", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        user = get_db().exec(select(User)).one()
        assert user.email == "nieuw@example.nl" and user.role == "candidate"
        assert user.password_hash.startswith("$argon2id$")
        assert get_db().exec(select(Candidate).where(Candidate.user_id == user.id)).one()
        assert user.email_confirmed is False
    assert client.post("/inloggen", data={"email": "nieuw@example.nl",
                                          "password": PASSWORD}).status_code == 400
    confirm(app, client, "nieuw@example.nl")
    assert client.post("/inloggen", data={"email": "nieuw@example.nl",
                                          "password": PASSWORD}).status_code == 302


def test_employer_registration_is_unverified(client, app):
    response = client.post("/werkgever/registreren", data={
        "email": "info@installatie.nl", "password": PASSWORD, "confirm": PASSWORD,
        "organisation": "Installatiebedrijf De Vries", "contact_name": "Sanne de Vries"})
    assert response.status_code == 302
    with app.app_context():
        employer = get_db().exec(select(Employer)).one()
        assert employer.name == "Installatiebedrijf De Vries"
        assert employer.verified_at is None


def test_login_with_a_wrong_password_is_refused_without_saying_which_part(client, make_user):
    make_user("candidate", email="k@example.nl")
    for email in ("k@example.nl", "onbekend@example.nl"):
        response = client.post("/inloggen", data={"email": email, "password": "fout fout fout"})
        assert response.status_code == 400
        assert "Inloggen is niet gelukt" in response.get_data(as_text=True)


def test_login_then_logout(client, make_user, login):
    user_id = make_user("candidate")
    login(user_id)
    assert client.get("/kandidaat/").status_code == 200
    assert client.post("/uitloggen").status_code == 302
    assert client.get("/kandidaat/").status_code == 302  # back to the login page


def test_a_copied_session_cookie_no_longer_works_after_logout(app, client, make_user, login):
    user_id = make_user("candidate")
    login(user_id)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    assert copy.get("/kandidaat/").status_code == 200
    client.post("/uitloggen")
    assert copy.get("/kandidaat/").status_code == 302


def test_password_change_ends_every_other_session(app, client, make_user, login):
    user_id = make_user("advisor")
    login(user_id)
    other = app.test_client()
    login(user_id, on=other)
    new = "een nieuw lang wachtwoord"
    response = client.post("/wachtwoord", data={
        "current_password": PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/adviseur/").status_code == 200
    assert other.get("/adviseur/").status_code == 302
    assert app.test_client().post("/inloggen", data={
        "email": "advisor1@example.nl", "password": new}).status_code == 302


def test_password_change_with_a_wrong_current_password_changes_nothing(app, client, make_user,
                                                                       login):
    user_id = make_user("candidate")
    login(user_id)
    response = client.post("/wachtwoord", data={
        "current_password": "niet mijn wachtwoord", "new_password": "x" * 14,
        "confirm": "x" * 14})
    assert response.status_code == 400
    assert "Je wachtwoord klopt niet." in response.get_data(as_text=True)
    client.post("/uitloggen")
    login(user_id)  # the old password still works


ROLE_HOMES = {"candidate": "/kandidaat/", "employer": "/werkgever/", "advisor": "/adviseur/",
              "admin": "/beheer/"}


@pytest.mark.parametrize("role", list(ROLE_HOMES))
def test_every_role_is_refused_the_other_roles_pages(app, make_user, role):
    client = app.test_client()
    user_id = make_user(role)
    client.post("/inloggen", data={"email": f"{role}1@example.nl", "password": PASSWORD})
    for other_role, path in ROLE_HOMES.items():
        allowed = other_role == role or (role == "admin" and other_role == "advisor")
        assert client.get(path).status_code == (200 if allowed else 403), (user_id, path)


def test_anonymous_visitors_are_sent_to_login(client):
    for path in ROLE_HOMES.values():
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_csrf_is_rejected_when_enabled(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/registreren", data={
        "email": "a@example.nl", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert users(app) == []


def _reset_link(app) -> str:
    with app.app_context():
        message = get_db().exec(select(OutboxMessage)).one()
    return link_to(app, message.recipient, "/wachtwoord-herstellen/")


def test_password_reset_by_a_single_use_link(app, client, make_user):
    make_user("candidate", email="vergeten@example.nl")
    response = client.post("/wachtwoord-vergeten", data={"email": "vergeten@example.nl"})
    assert response.status_code == 302
    link = _reset_link(app)
    new = "mijn nieuwe wachtwoord"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert client.post("/inloggen", data={"email": "vergeten@example.nl",
                                          "password": new}).status_code == 302
    again = app.test_client().post(link, data={"password": "nog een ander wachtwoord",
                                               "confirm": "nog een ander wachtwoord"})
    assert again.status_code == 400
    assert "ongeldig of al gebruikt" in again.get_data(as_text=True)


def test_reset_request_does_not_reveal_whether_an_account_exists(app, client, make_user):
    make_user("candidate", email="bestaat@example.nl")
    known = client.post("/wachtwoord-vergeten", data={"email": "bestaat@example.nl"})
    unknown = client.post("/wachtwoord-vergeten", data={"email": "niemand@example.nl"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    with app.app_context():
        assert [m.recipient for m in get_db().exec(select(OutboxMessage))] == [
            "bestaat@example.nl"]


def test_an_expired_reset_link_is_refused(app, client, make_user):
    make_user("candidate", email="laat@example.nl")
    client.post("/wachtwoord-vergeten", data={"email": "laat@example.nl"})
    link = _reset_link(app)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.post(link, data={"password": "x" * 14, "confirm": "x" * 14})
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True)


def test_repeated_failures_throttle_the_attackers_browser_with_the_same_message(client,
                                                                                 make_user):
    make_user("candidate", email="doelwit@example.nl")
    for _ in range(5):
        client.post("/inloggen", data={"email": "doelwit@example.nl", "password": "fout" * 4})
    response = client.post("/inloggen", data={"email": "doelwit@example.nl",
                                              "password": PASSWORD})
    assert response.status_code == 400
    assert "Inloggen is niet gelukt" in response.get_data(as_text=True)


def test_login_is_rate_limited(app, make_user):
    app.config["RATELIMIT_ENABLED"] = True

    limiter.init_app(app)
    client = app.test_client()
    statuses = [client.post("/inloggen", data={"email": "x@example.nl", "password": "y" * 12})
                .status_code for _ in range(12)]
    assert statuses[-1] == 429
    assert "Even rustig aan" in client.post("/inloggen", data={}).get_data(as_text=True)
    limiter.enabled = False
