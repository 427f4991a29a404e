"""The admin's user list: filter, search, deactivate (sessions end at once) and reactivate."""

import pyotp
from sqlmodel import select

from spt.db import get_db
from spt.models import AuditEvent, User
from tests.factories import make_candidate, make_employer


def _user(app, user_id) -> User:
    with app.app_context():
        return get_db().get(User, user_id)


def test_admin_lists_users_with_role_filter_and_search(app, client, make_user, login):
    admin = make_user("admin", email="baas@spt.nl")
    make_candidate(app, email="samira@example.nl", first_name="Samira", last_name="Bouzid")
    make_employer(app, email="info@zonnewerk.nl", name="ZonneWerk Almere BV")
    make_user("advisor", email="adviseur@spt.nl")
    login(admin)
    page = client.get("/beheer/gebruikers").get_data(as_text=True)
    for email in ("baas@spt.nl", "samira@example.nl", "info@zonnewerk.nl", "adviseur@spt.nl"):
        assert email in page
    employers = client.get("/beheer/gebruikers?rol=employer").get_data(as_text=True)
    assert "info@zonnewerk.nl" in employers and "samira@example.nl" not in employers
    by_name = client.get("/beheer/gebruikers?zoek=bouzid").get_data(as_text=True)
    assert "samira@example.nl" in by_name and "info@zonnewerk.nl" not in by_name
    by_org = client.get("/beheer/gebruikers?zoek=ZonneWerk").get_data(as_text=True)
    assert "info@zonnewerk.nl" in by_org and "samira@example.nl" not in by_org
    assert "Geen gebruikers gevonden" in client.get(
        "/beheer/gebruikers?zoek=100%25_").get_data(as_text=True)
    assert client.get("/beheer/gebruikers?rol=koning").status_code == 400


def test_deactivation_ends_the_users_sessions_at_once(app, client, make_user, login):
    admin = make_user("admin")
    candidate_user, _ = make_candidate(app)
    candidate_client = app.test_client()
    login(candidate_user, on=candidate_client)
    assert candidate_client.get("/kandidaat/").status_code == 200

    login(admin)
    response = client.post(f"/beheer/gebruikers/{candidate_user}/deactiveren")
    assert response.status_code == 302
    assert "/inloggen" in candidate_client.get("/kandidaat/").headers["Location"]
    refused = candidate_client.post("/inloggen", data={
        "email": _user(app, candidate_user).email, "password": "een lang wachtwoord 42"})
    assert refused.status_code == 400
    with app.app_context():
        event = get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "admin.user_deactivated")).one()
        assert (event.actor_id, event.subject_id) == (admin, candidate_user)

    client.post(f"/beheer/gebruikers/{candidate_user}/activeren")
    assert _user(app, candidate_user).active
    login(candidate_user, on=candidate_client)
    assert candidate_client.get("/kandidaat/").status_code == 200


def test_an_admin_cannot_deactivate_themselves(app, client, make_user, login):
    admin = make_user("admin")
    login(admin)
    response = client.post(f"/beheer/gebruikers/{admin}/deactiveren")
    assert response.status_code == 400
    assert "eigen account" in response.get_data(as_text=True)
    assert _user(app, admin).active
    assert client.post("/beheer/gebruikers/999999/deactiveren").status_code == 404


def test_only_admins_reach_the_user_list(app, client, make_user, login):
    login(make_user("advisor"))
    assert client.get("/beheer/gebruikers").status_code == 403
    victim = make_user("candidate")
    assert client.post(f"/beheer/gebruikers/{victim}/deactiveren").status_code == 403
    assert _user(app, victim).active


def test_admin_resets_a_lost_second_factor(app, client, make_user, login):
    admin, advisor = make_user("admin"), make_user("advisor")
    with app.app_context():
        db = get_db()
        db.get(User, advisor).totp_secret = pyotp.random_base32()
        db.commit()
    login(admin)
    assert client.post(f"/beheer/gebruikers/{advisor}/tweestapsverificatie-herstellen"
                       ).status_code == 302
    assert _user(app, advisor).totp_secret is None
    assert client.post(f"/beheer/gebruikers/{advisor}/tweestapsverificatie-herstellen"
                       ).status_code == 404
