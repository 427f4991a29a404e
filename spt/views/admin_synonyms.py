"""Admin page 'Nieuwe synoniemen': what people chose or corrected, to approve or reject."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.forms.admin import UserActionForm
from spt.services import synonyms
from spt.views import recognition_labels

bp = Blueprint("admin_synonyms", __name__, url_prefix="/beheer")


@bp.get("/synoniemen")
@role_required("admin")
def listing():
    """Proposed synonyms and advisors' unreviewed ones, newest first."""
    return render_template("beheer/synoniemen.html", rows=synonyms.for_review(get_db()),
                           action_form=UserActionForm(), **recognition_labels())


@bp.post("/synoniemen/<int:synonym_id>/<any(goedkeuren, afwijzen):action>")
@role_required("admin")
def review(synonym_id: int, action: str):
    """Approve or reject one synonym."""
    if not UserActionForm().validate_on_submit():
        abort(400)
    synonym = synonyms.review(get_db(), admin_id=current_user.id, synonym_id=synonym_id,
                              approve=action == "goedkeuren")
    flash(_("“%(text)s” telt nu mee bij het herkennen.", text=synonym.text)
          if action == "goedkeuren" else
          _("“%(text)s” telt niet meer mee.", text=synonym.text), "success")
    return redirect(url_for(".listing"))
