"""Read the mail as its recipient gets it: secret links are made at sending, not stored."""

import re
from urllib.parse import urlsplit

from sqlmodel import select

from spt.db import get_db
from spt.models import OutboxMessage
from spt.services import mail


def mails_to(app, address: str) -> list[tuple[str, str]]:
    """(subject, body as received) of every message to this address, oldest first."""
    with app.app_context():
        db = get_db()
        messages = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == address)
                           .order_by(OutboxMessage.id)).all()
        return [(m.subject, _received(db, m)) for m in messages]


def _received(db, message) -> str:
    try:
        return mail.body_for_recipient(db, message)
    except mail.PermanentFailure:  # its link no longer works (a finished intake's link)
        return mail.shown_body(message)


def link_to(app, address: str, fragment: str) -> str:
    """The path of the newest link containing `fragment` mailed to this address."""
    for _subject, body in reversed(mails_to(app, address)):
        for url in re.findall(r"https?://\S+", body):
            if fragment in url:
                return urlsplit(url).path
    raise AssertionError(f"no link with {fragment!r} mailed to {address}")


def confirm(app, client, address: str) -> None:
    """Open the confirmation link mailed to this address."""
    response = client.get(link_to(app, address, "/e-mailadres-bevestigen/"))
    assert response.status_code == 302, response.get_data(as_text=True)
