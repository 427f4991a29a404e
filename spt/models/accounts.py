"""Users, employers and the outbound mail outbox."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from ._base import created_at, json_dict, moment

ROLES = ("candidate", "employer", "advisor", "admin")


class User(SQLModel, table=True):
    """Someone who can log in; the role decides what they may see."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16, index=True)
    active: bool = True
    # Raised on logout and password change: sessions carrying an older value are refused.
    session_version: int = 1
    # Failed password or code steps from browsers without this user's device cookie, and from
    # browsers with it: an attacker's failures slow down the first, never the owner's browser.
    failed_logins: int = 0
    locked_until: datetime | None = moment()
    trusted_failed_logins: int = 0
    trusted_locked_until: datetime | None = moment()
    # False from self-registration until the mailed confirmation link is opened.
    email_confirmed: bool = True
    last_login_at: datetime | None = moment()
    # Which optional mails the user wants; absent keys mean yes.
    mail_preferences: dict = json_dict()
    # TOTP secret for advisors and admins (multi-factor login).
    totp_secret: str | None = Field(default=None, max_length=64)
    # The last TOTP time step accepted: a code cannot be used twice.
    totp_last_step: int | None = None
    created_at: datetime = created_at()

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class Employer(SQLModel, table=True):
    """An organisation that offers placements; unverified ones cannot publish."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", unique=True, index=True)
    name: str = Field(max_length=200)
    kvk_number: str | None = Field(default=None, max_length=8)
    contact_name: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    pc4: str | None = Field(default=None, max_length=4)
    theme: str | None = Field(default=None, max_length=20)
    recognised_training_company: bool = False  # erkend leerbedrijf (SBB)
    sbb_number: str | None = Field(default=None, max_length=20)
    mentors: int = 0  # praktijkopleiders / werkbegeleiders
    mentor_capacity: int = 1  # newcomers the mentors can guide at once, across all placements
    verified_at: datetime | None = moment()
    verified_by_id: int | None = Field(default=None, foreign_key="user.id")
    # Refused by an advisor, with the reason the employer was told; saving the organisation
    # again asks for a new check.
    refused_at: datetime | None = moment()
    refusal_reason: str = Field(default="", max_length=500)
    created_at: datetime = created_at()


class OutboxMessage(SQLModel, table=True):
    """An e-mail as sent (SMTP) or kept for an admin to read (no SMTP configured)."""

    id: int | None = Field(default=None, primary_key=True)
    recipient: str = Field(max_length=254, index=True)
    subject: str = Field(max_length=200)
    body: str
    created_at: datetime = created_at()
    sent_at: datetime | None = moment()
    error: str | None = Field(default=None, max_length=500)
    attempts: int = 0  # failed sending attempts
    next_attempt_at: datetime | None = moment()  # back-off after a failure
    failed_at: datetime | None = moment()  # set aside: it can never be sent as it is
    # A secret link made only when sending (spt.services.mail.SECRET_LINK): kind and subject id.
    secret_kind: str | None = Field(default=None, max_length=30)
    secret_subject_id: int | None = None
    # One attachment, such as a calendar invite: its file name, MIME type with parameters
    # ("text/calendar; method=REQUEST") and text.
    attachment_name: str | None = Field(default=None, max_length=100)
    attachment_type: str | None = Field(default=None, max_length=100)
    attachment: str | None = None
