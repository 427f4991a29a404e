"""Public pages: home and language choice."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from spt.db import get_db
from spt.services import candidate_news
from spt.urls import safe_path
from spt.views.auth import home_for

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The front door: what SPT Match is and where to start."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("main/index.html")


@bp.get("/hoe-werkt-het-matchen")
def how_matching_works():
    """Public transparency page in the style of the Dutch Algoritmeregister."""
    return render_template("main/matching.html")


@bp.get("/privacy")
def privacy():
    """The privacy statement: who sees what, and exactly what remains after erasure."""
    return render_template("main/privacy.html",
                           audit_months=current_app.config["RETENTION_AUDIT_MONTHS"])


@bp.get("/toegankelijkheid")
def accessibility():
    """The accessibility statement: what we check, what we know falls short, where to report."""
    return render_template("main/toegankelijkheid.html")


@bp.get("/taal/<lang>")
def set_language(lang: str):
    """Switch the interface language and go back to the same page."""
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = lang
    return redirect(safe_path(request.args.get("next")) or url_for("main.index"))


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop the mail about new places and training: one click on this page, no login."""
    form = FlaskForm()
    candidate_news.unsubscribe_target(get_db(), token=token)
    if form.validate_on_submit():
        candidate_news.unsubscribe(get_db(), token=token)
        return render_template("main/afgemeld.html", done=True, form=form)
    return render_template("main/afgemeld.html", done=False, form=form)
