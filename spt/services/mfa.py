"""The second login factor (TOTP) for advisors and admins."""

import hmac
import re
import time

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlmodel import Session

from spt.models import User
from spt.models._base import utcnow
from spt.services import accounts, audit
from spt.services.errors import DomainError

STAFF_ROLES = ("advisor", "admin")
PENDING_SECONDS = 5 * 60  # how long the second step may take after a correct password
_CODE = re.compile(r"^\d{6}$")


def needs_setup(user: User) -> bool:
    """Whether this advisor or admin must set up a second factor before using staff pages."""
    return user.role in STAFF_ROLES and not user.totp_secret and accounts.mfa_switched_on()


def needs_code(user: User) -> bool:
    """Whether logging in asks for a TOTP code after the password."""
    return accounts.second_factor_due(user)


def new_secret() -> str:
    """A fresh random TOTP secret (base32)."""
    return pyotp.random_base32()


def provisioning_uri(*, secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads (typed in or as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email,
                                               issuer_name=current_app.config["MFA_ISSUER"])


def provisioning_qr(uri: str) -> str:
    """The URI as an inline SVG QR code for a phone camera (no script, no image request)."""
    # error level M survives a glare on a laptop screen; a quiet zone of 4 modules is the norm
    return segno.make(uri, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=_("QR-code voor je authenticator-app"))


def normalise_code(code: str) -> str:
    """The code without the spaces people type in the middle."""
    return re.sub(r"\s+", "", code or "")


def _accepted_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step this code belongs to (one step of clock drift allowed), unless reused."""
    code = normalise_code(code)
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(time.time()) // totp.interval
    for step in (now_step, now_step - 1, now_step + 1):
        if last_step is not None and step <= last_step:
            continue  # a code that was used once (or an older one) never works again
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_login(db: Session, *, user_id: int, code: str, trusted: bool = False) -> User:
    """Finish a login with the TOTP code; wrong codes count towards the login throttle."""
    user = db.get(User, user_id)
    if user is None or not user.active or not user.totp_secret:
        raise DomainError(_("Log opnieuw in."))
    now = utcnow()
    if accounts.is_throttled(user, now, trusted=trusted):
        raise DomainError(_("Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw."),
                          field="code")
    step = _accepted_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        accounts.count_failure(db, user, now, trusted=trusted)
        raise DomainError(_("Deze code klopt niet. Gebruik de nieuwste code uit je app."),
                          field="code")
    user.totp_last_step = step
    accounts.complete_login(db, user, now=now, second_factor=True)
    return user


def enable(db: Session, *, user: User, secret: str, code: str) -> User:
    """Store the second factor once the user proved their app produces the right codes."""
    if user.role not in STAFF_ROLES:
        raise DomainError(_("Tweestapsverificatie is er voor adviseurs en beheerders."))
    if user.totp_secret:
        raise DomainError(_("Tweestapsverificatie is al ingesteld."))
    step = _accepted_step(secret, code, None) if secret else None
    if step is None:
        raise DomainError(_("Deze code klopt niet. Controleer de tijd op je telefoon en "
                            "probeer de nieuwste code."), field="code")
    user.totp_secret, user.totp_last_step = secret, step
    audit.record(db, actor_id=user.id, action="account.mfa_enabled", subject_type="user",
                 subject_id=user.id)
    db.commit()
    return user
