"""The spt command line."""

from sqlmodel import select

from spt.db import get_db
from spt.models import User


def test_create_user_makes_an_advisor(app, runner):
    result = runner.invoke(args=["create-user", "--email", "adviseur@spt.nl", "--role", "advisor",
                                 "--password", "een lang wachtwoord 42"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = get_db().exec(select(User)).one()
        assert (user.email, user.role) == ("adviseur@spt.nl", "advisor")


def test_create_user_refuses_a_short_password_in_dutch(app, runner):
    result = runner.invoke(args=["create-user", "--email", "a@spt.nl", "--role", "admin",
                                 "--password", "kort"])
    assert result.exit_code != 0
    assert "minstens 12 tekens" in result.output
    with app.app_context():
        assert get_db().exec(select(User)).all() == []
