"""Development mail on the terminal: the demo's new accounts can confirm their address."""

import pytest
from sqlmodel import select

from spt import create_app
from spt.config import UnsafeConfigError
from spt.db import get_db
from spt.models import OutboxMessage
from spt.services import mail


def test_console_mail_prints_the_message_with_its_link_and_marks_it_sent(app, capsys):
    app.config["MAIL_URL"] = "console://"
    with app.app_context():
        db = get_db()
        mail.queue(db, to="nieuw@example.nl", subject="Bevestig je adres", body="Klik: hier")
        db.commit()
        assert mail.deliver_pending(db) == 1
    out = capsys.readouterr().out
    assert "Aan: nieuw@example.nl" in out and "Bevestig je adres" in out and "Klik: hier" in out
    with app.app_context():
        assert get_db().exec(select(OutboxMessage)).one().sent_at is not None


def test_production_refuses_console_mail(tmp_path):
    with pytest.raises(UnsafeConfigError, match="console"):
        create_app({"SPT_ENV": "production", "SECRET_KEY": "k" * 8 + "Zq8#x1!LmP0@vR7$wT3^yU6&",
                    "MAIL_URL": "console://", "BASE_URL": "https://spt.example.nl",
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
