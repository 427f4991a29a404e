"""Development mail on the terminal: the demo's new accounts can confirm their address."""

import threading
import time
from datetime import UTC, datetime, timedelta

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


def test_two_senders_at_once_send_each_message_exactly_once(app, monkeypatch):
    """Two web workers (or a worker and `spt send-mail`) deliver the same outbox concurrently."""
    app.config["MAIL_URL"] = "smtp://mail.example.nl:25"
    with app.app_context():
        db = get_db()
        for i in range(12):
            mail.queue(db, to=f"k{i}@example.nl", subject="Nieuws", body="Tekst")
        db.commit()
    delivered, lock = [], threading.Lock()
    both_started = threading.Barrier(2)

    def slow_smtp(url, sender, message, body):
        time.sleep(0.02)  # an SMTP round trip: the other sender runs meanwhile
        with lock:
            delivered.append(message.recipient)

    monkeypatch.setattr(mail, "_send_smtp", slow_smtp)
    counts = []

    def sender():
        with app.app_context():
            both_started.wait()
            counts.append(mail.deliver_pending(get_db()))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(delivered) == sorted(f"k{i}@example.nl" for i in range(12))
    assert sum(counts) == 12 and len(counts) == 2
    with app.app_context():
        assert all(m.sent_at for m in get_db().exec(select(OutboxMessage)))


def test_a_message_another_sender_holds_is_left_alone_until_its_claim_lapses(app, monkeypatch):
    app.config["MAIL_URL"] = "smtp://mail.example.nl:25"
    sent = []
    monkeypatch.setattr(mail, "_send_smtp", lambda url, sender, message, body:
                        sent.append(message.id))
    now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    with app.app_context():
        db = get_db()
        mail.queue(db, to="k@example.nl", subject="Nieuws", body="Tekst")
        db.commit()
        message = db.exec(select(OutboxMessage)).one()
        message.next_attempt_at = now + timedelta(minutes=4)  # held by a sender that stopped
        db.commit()
        assert mail.deliver_pending(db, now=now) == 0 and sent == []
        assert mail.deliver_pending(db, now=now + mail.CLAIM) == 1 and sent == [message.id]
