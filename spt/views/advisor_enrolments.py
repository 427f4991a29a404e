"""Advisors record a candidate's module enrolments (started, completed, stopped)."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.db import get_db
from spt.forms.enrolments import FinishEnrolmentForm, StartEnrolmentForm
from spt.services import enrolments
from spt.views.advisor import advisors_only, form_error

bp = Blueprint("advisor_enrolments", __name__, url_prefix="/adviseur")


def _back(candidate_id: int):
    return redirect(url_for("advisor.candidate", candidate_id=candidate_id, _anchor="scholing"))


@bp.post("/kandidaten/<int:candidate_id>/scholing")
@advisors_only
def start(candidate_id: int):
    """Record that the candidate started a module."""
    form = StartEnrolmentForm()
    if not form.validate_on_submit():
        return form_error(form)
    enrolment = enrolments.start(get_db(), actor_id=current_user.id, candidate_id=candidate_id,
                                 module_id=form.module_id.data, started_on=form.started_on.data)
    flash(_("Start van de module vastgelegd (%(day)s).",
            day=enrolment.started_on.strftime("%d-%m-%Y")), "success")
    return _back(candidate_id)


@bp.post("/kandidaten/<int:candidate_id>/scholing/<int:enrolment_id>")
@advisors_only
def finish(candidate_id: int, enrolment_id: int):
    """Record that a started module was completed or stopped."""
    form = FinishEnrolmentForm()
    if not form.validate_on_submit():
        return form_error(form)
    done = enrolments.finish(get_db(), actor_id=current_user.id, candidate_id=candidate_id,
                             enrolment_id=enrolment_id, outcome=form.outcome.data,
                             ended_on=form.ended_on.data, reason=form.reason.data or "")
    if done.enrolment.status == "gestopt":
        flash(_("Module gestopt; de reden staat bij de scholing."), "success")
    elif done.learned:
        flash(_("Module afgerond. Toegevoegd aan het profiel: %(skills)s.",
                skills=", ".join(done.learned)), "success")
    else:
        flash(_("Module afgerond. Het profiel had alle vaardigheden van deze module al."),
              "success")
    return _back(candidate_id)
