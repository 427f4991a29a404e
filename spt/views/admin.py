"""Pages for administrators."""

from flask import Blueprint, render_template

from spt.auth import role_required
from spt.db import get_db
from spt.services import admin as admin_service

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.get("/")
@role_required("admin")
def home():
    """The admin start page."""
    return render_template("beheer/home.html", counts=admin_service.counts(get_db()))


@bp.get("/outbox")
@role_required("admin")
def outbox():
    """The outbound mail as stored (sent over SMTP or kept in the outbox)."""
    return render_template("beheer/outbox.html", messages=admin_service.outbox(get_db()))
