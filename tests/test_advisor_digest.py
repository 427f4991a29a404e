"""The advisors' daily digest mail, read back from the outbox."""

from sqlmodel import select

from spt.db import get_db
from spt.models import OutboxMessage, User
from spt.services import notifications
from tests.factories import make_candidate, make_employer


def _send(app) -> int:
    with app.app_context():
        return notifications.send_digest(get_db())


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        return get_db().exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_digest_counts_new_work_links_and_holds_no_personal_data(app, make_user):
    advisor = make_user("advisor", email="adviseur@spt.nl")
    make_user("admin")
    make_candidate(app, first_name="Fatima", last_name="El Amrani", email="fatima@example.nl")
    make_employer(app, verified=False, name="Geheim Installatie BV")
    assert _send(app) == 1
    (message,) = _outbox(app)
    assert message.recipient == "adviseur@spt.nl"
    assert message.subject == "SPT Match: uw werkvoorraad van vandaag"
    assert "Nieuwe intakes zonder adviseur (laatste 24 uur): 1" in message.body
    assert "Werkgevers om te controleren: 1" in message.body
    assert "/adviseur/" in message.body
    for private in ("Fatima", "El Amrani", "fatima@", "Geheim"):
        assert private not in message.body
    assert advisor


def test_digest_respects_the_mail_preference_and_skips_empty_days(app, make_user):
    quiet = make_user("advisor", email="stil@spt.nl")
    make_user("advisor", email="actief@spt.nl")
    assert _send(app) == 0  # nothing new: no mail
    make_candidate(app)
    with app.app_context():
        db = get_db()
        user = db.get(User, quiet)
        user.mail_preferences = {notifications.PREFERENCE: False}
        db.add(user)
        db.commit()
    assert _send(app) == 1
    assert [m.recipient for m in _outbox(app)] == ["actief@spt.nl"]
