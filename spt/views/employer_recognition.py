"""An employer changes what the title and the requirement lines of their own placement became."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.errors import render_error
from spt.forms.recognition import FixForm, SearchForm
from spt.services import corrections, employers, placements
from spt.views import recognition_labels

bp = Blueprint("employer_recognition", __name__, url_prefix="/werkgever")


def _own(placement_id: int):
    db = get_db()
    return placements.get_own(db, employers.for_user(db, current_user.id), placement_id)


def _refused(form):
    messages = [str(e) for errors in form.errors.values() for e in errors]
    return render_error(400, messages[0] if messages else None)


@bp.get("/plekken/<int:placement_id>/herkenning")
@role_required("employer")
def search(placement_id: int):
    """Search by name for what a title or requirement line means."""
    placement = _own(placement_id)  # another employer's placement is a 404 first
    form = SearchForm(request.args)
    if not form.validate():
        return _refused(form)
    found = corrections.placement_options(get_db(), placement, form.rij.data, form.zoek.data)
    return render_template("werkgever/herkenning.html", placement=placement, options=found,
                           **recognition_labels())


@bp.post("/plekken/<int:placement_id>/herkenning")
@role_required("employer")
def fix(placement_id: int):
    """Store the employer's pick; the placement's matches recompute."""
    placement = _own(placement_id)
    form = FixForm()
    if not form.validate_on_submit():
        return _refused(form)
    row = corrections.fix_placement(get_db(), actor_id=current_user.id, by="employer",
                                    placement=placement, key=form.rij.data, target=form.target())
    flash(_("Aangepast: “%(typed)s”. De matching is bijgewerkt.", typed=row.typed), "success")
    return redirect(url_for("employer.edit_placement", placement_id=placement_id,
                            _anchor="herkenning"))
