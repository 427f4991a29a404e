"""The inbox of candidates and employers, and its count in the navigation."""

from flask import Blueprint, render_template
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.services import inbox

bp = Blueprint("inbox", __name__)
READERS = ("candidate", "employer")


@bp.get("/berichten")
@role_required(*READERS)
def messages():
    """What happened and what is asked of you, newest first; opening marks them read."""
    return render_template("berichten.html",
                           messages=inbox.open_inbox(get_db(), user_id=current_user.id))


def unread_messages() -> int:
    """Unread messages of the logged-in candidate or employer (0 for everyone else)."""
    if not current_user.is_authenticated or current_user.role not in READERS:
        return 0
    return inbox.unread(get_db(), current_user.id)
