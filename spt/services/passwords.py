"""Password hashing (argon2) and the password policy."""

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

MIN_LENGTH = 12
# argon2-cffi's defaults (RFC 9106 low-memory: t=3, m=64 MiB, p=4): every real hash.
STRONG = PasswordHasher()
# For the test suite only (PASSWORD_HASH_COST="test", refused in production by spt.config): the
# least work argon2id allows, so a login in a test costs microseconds instead of ~150 ms.
# Verifying reads the cost from the stored hash, so strong hashes still verify under either.
TEST_ONLY = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=16)


def _hasher() -> PasswordHasher:
    testing = has_app_context() and current_app.config.get("PASSWORD_HASH_COST") == "test"
    return TEST_ONLY if testing else STRONG


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Return whether the password matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("no account has this password, ever")


def dummy_hash() -> str:
    """A hash no password matches, at the current cost: checking it costs a real verification."""
    return _dummy_hash(_hasher())


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
