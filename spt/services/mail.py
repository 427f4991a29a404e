"""Outbound mail: SMTP when SPT_MAIL_URL is set, otherwise kept in the outbox table."""

import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, g, has_app_context
from sqlmodel import Session, col, select

from spt.models import OutboxMessage
from spt.models._base import utcnow


def queue(db: Session, *, to: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the caller's transaction; it is sent when the caller commits."""
    message = OutboxMessage(recipient=to, subject=subject, body=body)
    db.add(message)
    if has_app_context():
        g.mail_queued = True  # delivered after the request when SMTP is configured
    return message


def init_app(app) -> None:
    """Send queued mail after each request that queued some, when SMTP is configured."""

    @app.after_request
    def deliver_after_request(response):
        if g.pop("mail_queued", False) and app.config["MAIL_URL"] and response.status_code < 400:
            from spt.db import get_db

            deliver_pending(get_db())
        return response


def deliver_pending(db: Session) -> int:
    """Send queued messages over SMTP when configured; return how many were sent."""
    url = current_app.config["MAIL_URL"]
    if not url:
        return 0
    pending = db.exec(select(OutboxMessage).where(col(OutboxMessage.sent_at).is_(None))
                      .order_by(OutboxMessage.id).limit(100)).all()
    for message in pending:
        try:
            _send_smtp(url, current_app.config["MAIL_SENDER"], message)
            message.sent_at = utcnow()
        except (OSError, smtplib.SMTPException) as exc:
            message.error = str(exc)[:500]
    db.commit()
    return sum(1 for m in pending if m.sent_at)


def _send_smtp(url: str, sender: str, message: OutboxMessage) -> None:
    parts = urlsplit(url)  # smtp://user:pass@host:587 or smtps://...
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, message.recipient, message.subject
    email.set_content(message.body)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname, parts.port or 25, timeout=10) as smtp:
        if parts.scheme == "smtp" and parts.port == 587:
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(email)
