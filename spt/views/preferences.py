"""Mail preferences for every role."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from spt.db import get_db
from spt.services import preferences

bp = Blueprint("preferences", __name__)


@bp.route("/account/meldingen", methods=["GET", "POST"])
@login_required
def mail():
    """Choose which optional mails you get."""
    if request.method == "POST":
        preferences.save(get_db(), current_user, set(request.form.getlist("wanted")))
        flash(_("Je keuzes zijn opgeslagen."), "success")
        return redirect(url_for(".mail"))
    return render_template("account/meldingen.html",
                           choices=preferences.choices_for(current_user))
