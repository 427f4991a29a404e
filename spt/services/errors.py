"""Domain errors that services raise and views turn into Dutch messages."""


class DomainError(Exception):
    """A rule was broken; `message` is the Dutch text for the user, `status` the HTTP code."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist or the user may not know it exists."""

    status = 404


class Forbidden(DomainError):
    """The user may not do this."""

    status = 403


class Conflict(DomainError):
    """Someone else changed the object first."""

    status = 409
