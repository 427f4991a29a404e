"""Pages for candidates."""

from flask import Blueprint, render_template

from spt.auth import role_required

bp = Blueprint("candidate", __name__, url_prefix="/kandidaat")


@bp.get("/")
@role_required("candidate")
def home():
    """The candidate's start page."""
    return render_template("kandidaat/home.html")
