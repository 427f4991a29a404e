"""An advisor fixes what a candidate's or a placement's typed text became, by name."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.db import get_db
from spt.forms.recognition import FixForm, SearchForm
from spt.services import advisor_review, corrections
from spt.views import recognition_labels
from spt.views.advisor import advisors_only, form_error

bp = Blueprint("advisor_recognition", __name__, url_prefix="/adviseur")


@bp.get("/kandidaten/<int:candidate_id>/herkenning")
@advisors_only
def candidate_search(candidate_id: int):
    """Search by name for what a candidate's typed job or skill means."""
    form = SearchForm(request.args)
    if not form.validate():
        return form_error(form)
    found = corrections.candidate_options(get_db(), candidate_id, form.rij.data, form.zoek.data)
    return render_template("adviseur/herkenning.html", options=found,
                           search_url=url_for(".candidate_search", candidate_id=candidate_id),
                           post_url=url_for(".candidate_fix", candidate_id=candidate_id),
                           back_url=url_for("advisor.candidate", candidate_id=candidate_id,
                                            _anchor="herkenning"), **recognition_labels())


@bp.post("/kandidaten/<int:candidate_id>/herkenning")
@advisors_only
def candidate_fix(candidate_id: int):
    """Store the fix as an approved synonym and recompute the candidate's matches."""
    form = FixForm()
    if not form.validate_on_submit():
        return form_error(form)
    row = corrections.fix_candidate(get_db(), advisor_id=current_user.id,
                                    candidate_id=candidate_id, key=form.rij.data,
                                    target=form.target())
    flash(_("Aangepast: “%(typed)s”. Volgende keer wordt dit zo herkend; de scores zijn "
            "bijgewerkt.", typed=row.typed), "success")
    return redirect(url_for("advisor.candidate", candidate_id=candidate_id, _anchor="herkenning"))


@bp.get("/plekken/<int:placement_id>/herkenning")
@advisors_only
def placement_search(placement_id: int):
    """Search by name for what a placement's title or requirement line means."""
    form = SearchForm(request.args)
    if not form.validate():
        return form_error(form)
    db = get_db()
    found = corrections.placement_options(db, advisor_review.get_placement(db, placement_id),
                                          form.rij.data, form.zoek.data)
    return render_template("adviseur/herkenning.html", options=found,
                           search_url=url_for(".placement_search", placement_id=placement_id),
                           post_url=url_for(".placement_fix", placement_id=placement_id),
                           back_url=url_for("advisor.placement", placement_id=placement_id,
                                            _anchor="herkenning"), **recognition_labels())


@bp.post("/plekken/<int:placement_id>/herkenning")
@advisors_only
def placement_fix(placement_id: int):
    """Store the fix as an approved synonym and recompute the placement's matches."""
    form = FixForm()
    if not form.validate_on_submit():
        return form_error(form)
    db = get_db()
    row = corrections.fix_placement(db, actor_id=current_user.id, by="advisor",
                                    placement=advisor_review.get_placement(db, placement_id),
                                    key=form.rij.data, target=form.target())
    flash(_("Aangepast: “%(typed)s”. Volgende keer wordt dit zo herkend; de scores zijn "
            "bijgewerkt.", typed=row.typed), "success")
    return redirect(url_for("advisor.placement", placement_id=placement_id, _anchor="herkenning"))
