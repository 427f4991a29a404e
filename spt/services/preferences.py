"""Which optional mails a user wants (absent keys mean yes)."""

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from spt.models import User
from spt.services import audit

# Mail kinds a role can switch off; security mails (password reset) are always sent.
CHOICES = {
    "candidate": {"introductions": _l("Een adviseur wil mij voorstellen aan een werkgever")},
    "employer": {"introductions": _l("Een adviseur stelt een kandidaat voor, of een kandidaat "
                                     "antwoordt")},
    "advisor": {"advisor_digest": _l("Dagelijks overzicht van mijn werkvoorraad")},
    "admin": {"advisor_digest": _l("Dagelijks overzicht van de werkvoorraad")},
}


def choices_for(user: User) -> dict:
    """The mail kinds this user may choose, with their current setting."""
    return {key: (label, user.mail_preferences.get(key, True) is not False)
            for key, label in CHOICES.get(user.role, {}).items()}


def save(db: Session, user: User, wanted: set[str]) -> User:
    """Store the user's choices; unknown keys are ignored."""
    user.mail_preferences = {key: key in wanted for key in CHOICES.get(user.role, {})}
    db.add(user)
    audit.record(db, actor_id=user.id, action="account.mail_preferences", subject_type="user",
                 subject_id=user.id)
    db.commit()
    return user
