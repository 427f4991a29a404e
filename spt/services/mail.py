"""Outbound mail: SMTP when SPT_MAIL_URL is set, otherwise kept in the outbox table.

`SPT_MAIL_URL=console://` (development and the demo only) prints each message, secret link
included, to the terminal instead of sending it, so a confirmation or reset link can be followed
without a mail server.

Each message is tried on its own: a failure is recorded on that message with a retry count and a
back-off, a permanent one (refused address, text that cannot be a mail) is set aside, and the next
message goes out regardless. Secret links (password reset, e-mail confirmation) are never stored:
the body holds SECRET_LINK and the link is made when the message is sent.
"""

import logging
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, g, has_app_context
from sqlmodel import Session, col, or_, select, update

from spt.db import get_db
from spt.models import OutboxMessage
from spt.models._base import utcnow

log = logging.getLogger(__name__)
SECRET_LINK = "[[persoonlijke-link]]"
# What the outbox page shows instead of a secret link.
MASKED_LINK = "[persoonlijke link: alleen in de verzonden e-mail, nergens bewaard]"
SUBJECT_MAX = 200  # OutboxMessage.subject
BATCH = 100
# A sender holds a message this long before another may take it: far beyond SMTP's 10 s timeout.
CLAIM = timedelta(minutes=5)
MAX_ATTEMPTS = 8
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SECRET_LINKS: dict[str, Callable[[Session, int], str | None]] = {}


class PermanentFailure(Exception):
    """This message can never be sent as it is (its link is no longer valid, for example)."""


def register_secret_link(kind: str, builder: Callable[[Session, int], str | None]) -> None:
    """Name a kind of secret link and how to make it at sending time (None: no longer valid)."""
    _SECRET_LINKS[kind] = builder


def clean_line(text: str, limit: int) -> str:
    """One line for a mail header: no control or bidi characters, at most `limit` characters."""
    line = " ".join(_BIDI.sub("", _CONTROLS.sub(" ", text.replace("\t", " "))).split())
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def clean_body(text: str) -> str:
    """A mail body without bidi or control characters other than line breaks."""
    return _BIDI.sub("", _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


@dataclass(frozen=True)
class Attachment:
    """A text file sent with a mail, such as a calendar invite."""

    name: str
    mime_type: str  # with parameters: "text/calendar; method=REQUEST"
    text: str


def queue(db: Session, *, to: str, subject: str, body: str,
          secret_link: tuple[str, int] | None = None,
          attachment: Attachment | None = None) -> OutboxMessage:
    """Add a message to the caller's transaction; it is sent when the caller commits.

    With `secret_link` (kind, subject id) the body's SECRET_LINK becomes that link at sending.
    """
    kind, subject_id = secret_link or (None, None)
    if kind is not None and kind not in _SECRET_LINKS:
        raise KeyError(f"unknown secret link {kind!r}")
    message = OutboxMessage(recipient=clean_line(to, 254), subject=clean_line(subject,
                                                                              SUBJECT_MAX),
                            body=clean_body(body), secret_kind=kind, secret_subject_id=subject_id)
    if attachment is not None:
        message.attachment_name = clean_line(attachment.name, 100)
        message.attachment_type = clean_line(attachment.mime_type, 100)
        message.attachment = attachment.text
    db.add(message)
    if has_app_context():
        g.mail_queued = True  # delivered after the request when SMTP is configured
    return message


def shown_body(message: OutboxMessage) -> str:
    """The body as the outbox page shows it: secret links masked."""
    return message.body.replace(SECRET_LINK, MASKED_LINK)


def body_for_recipient(db: Session, message: OutboxMessage) -> str:
    """The body as the recipient gets it, with a freshly made secret link."""
    if not message.secret_kind:
        return message.body
    link = _SECRET_LINKS[message.secret_kind](db, message.secret_subject_id)
    if link is None:
        raise PermanentFailure("the link is no longer valid")
    return message.body.replace(SECRET_LINK, link)


def init_app(app) -> None:
    """Send queued mail after each request that queued some, when SMTP is configured."""

    @app.after_request
    def deliver_after_request(response):
        if g.pop("mail_queued", False) and app.config["MAIL_URL"] and response.status_code < 400:
            try:
                deliver_pending(get_db())
            except Exception:  # the answer the user waits for never depends on the mail server
                app.logger.exception("Sending queued mail failed; `spt send-mail` retries")
        return response


def _is_due(now: datetime):
    return (col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None),
            or_(col(OutboxMessage.next_attempt_at).is_(None),
                col(OutboxMessage.next_attempt_at) <= now))


def _claim(db: Session, message_id: int, now: datetime) -> OutboxMessage | None:
    """Take a due message for this sender, or None when another sender took it first.

    Every web worker sends after its request and `spt send-mail` runs on a timer, on any node:
    the conditional update lets exactly one of them have the message (on SQLite and PostgreSQL).
    """
    taken = db.exec(update(OutboxMessage)
                    .where(col(OutboxMessage.id) == message_id, *_is_due(now))
                    .values(next_attempt_at=now + CLAIM)
                    .execution_options(synchronize_session=False))  # re-read just below
    db.commit()
    if taken.rowcount != 1:
        return None
    return db.get(OutboxMessage, message_id, populate_existing=True)


def deliver_pending(db: Session, *, now: datetime | None = None) -> int:
    """Send due messages over SMTP when configured, each on its own; return how many were sent.

    Each message is claimed before it is sent and its outcome committed at once, so two senders
    never send it twice; only a crash between sending and recording sends it again, once the
    claim has lapsed (at least once, never lost).
    """
    url = current_app.config["MAIL_URL"]
    if not url:
        return 0
    now, sent = now or utcnow(), 0
    send = _print if urlsplit(url).scheme == "console" else _send_smtp
    due = select(OutboxMessage.id).where(*_is_due(now)).order_by(OutboxMessage.id).limit(BATCH)
    for message_id in db.exec(due).all():
        message = _claim(db, message_id, now)
        if message is None:
            continue
        try:
            send(url, current_app.config["MAIL_SENDER"], message,
                 body_for_recipient(db, message))
        except (PermanentFailure, ValueError, TypeError, smtplib.SMTPRecipientsRefused) as exc:
            _set_aside(message, exc, now)
        except smtplib.SMTPResponseException as exc:
            (_set_aside if exc.smtp_code >= 500 else _retry_later)(message, exc, now)
        except (OSError, smtplib.SMTPException) as exc:
            _retry_later(message, exc, now)
        else:
            message.sent_at, message.error = now, None
            sent += 1
        db.add(message)
        db.commit()
    return sent


def _retry_later(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.error = f"{type(error).__name__}: {error}"[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
        return
    message.next_attempt_at = now + min(timedelta(minutes=2 ** message.attempts),
                                        timedelta(hours=6))
    log.warning("Mail %s failed (attempt %d), retrying later: %s", message.id,
                message.attempts, message.error)


def _set_aside(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.failed_at = now
    message.error = f"{type(error).__name__}: {error}"[:500]
    log.warning("Mail %s set aside, it cannot be sent: %s", message.id, message.error)


def _print(url: str, sender: str, message: OutboxMessage, body: str) -> None:
    """Development: the message on the terminal instead of a mail server."""
    rule = "-" * 72
    attached = f"\nBijlage: {message.attachment_name}" if message.attachment_name else ""
    print(f"{rule}\nVan: {sender}\nAan: {message.recipient}\nOnderwerp: {message.subject}"
          f"{attached}\n\n{body}\n{rule}", flush=True)


def _send_smtp(url: str, sender: str, message: OutboxMessage, body: str) -> None:
    parts = urlsplit(url)  # smtp://user:pass@host:587 or smtps://...
    email = EmailMessage()
    email["From"], email["To"] = sender, message.recipient
    email["Subject"] = clean_line(message.subject, SUBJECT_MAX)
    email.set_content(body)
    if message.attachment_name and message.attachment_type:
        _attach(email, message)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with smtp_class(parts.hostname, parts.port or 25, timeout=10) as smtp:
        if parts.scheme == "smtp" and parts.port == 587:
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(email)


def _attach(email: EmailMessage, message: OutboxMessage) -> None:
    """Add the stored attachment; its MIME parameters (a calendar's method) go along."""
    mime, *parameters = (part.strip() for part in message.attachment_type.split(";"))
    maintype, _slash, subtype = mime.partition("/")
    if maintype != "text" or not subtype:
        raise ValueError(f"only text attachments are supported, not {mime!r}")
    params = dict(p.split("=", 1) for p in parameters if "=" in p)
    email.add_attachment(message.attachment or "", subtype=subtype,
                         filename=message.attachment_name, params=params)
