"""Pages for SPT advisors."""

from flask import Blueprint, render_template

from spt.auth import role_required

bp = Blueprint("advisor", __name__, url_prefix="/adviseur")


@bp.get("/")
@role_required("advisor", "admin")
def home():
    """The advisor's werkvoorraad."""
    return render_template("adviseur/home.html")
