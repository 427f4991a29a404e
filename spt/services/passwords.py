"""Password hashing (argon2) and the password policy."""

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

MIN_LENGTH = 12
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords shipped with the project."""
    text = resources.files("spt").joinpath("data/common_passwords.txt").read_text("utf-8")
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """Return a Dutch reason why this password is not allowed, or None."""
    if len(password) < MIN_LENGTH:
        return _("Kies een wachtwoord van minstens %(n)d tekens.", n=MIN_LENGTH)
    if password.lower() in common_passwords():
        return _("Dit wachtwoord komt veel voor en is makkelijk te raden. Kies een ander.")
    return None
