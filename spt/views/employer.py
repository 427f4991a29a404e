"""Pages for employers."""

from flask import Blueprint, render_template

from spt.auth import role_required

bp = Blueprint("employer", __name__, url_prefix="/werkgever")


@bp.get("/")
@role_required("employer")
def home():
    """The employer's start page."""
    return render_template("werkgever/home.html")
