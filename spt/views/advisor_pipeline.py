"""The advisor's pipeline board: candidates per status, filters and bulk moves."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from spt.db import get_db
from spt.forms.advisor import BoardFilterForm, BulkMoveForm
from spt.forms.catalogue import options
from spt.services import workqueue
from spt.views.advisor import advisors_only, form_error, labels

bp = Blueprint("advisor_pipeline", __name__, url_prefix="/adviseur")


def _filters(form: BoardFilterForm) -> workqueue.BoardFilters:
    advisor = form.advisor.data or ""
    return workqueue.BoardFilters(theme=form.theme.data or "", region=form.region.data or "",
                                  kind=form.kind.data or "",
                                  advisor_id=int(advisor) if advisor.isdigit() else None)


@bp.get("/pipeline")
@advisors_only
def board():
    """Candidates per pipeline status, filtered by theme, region, kind and advisor."""
    form = BoardFilterForm(request.args)
    result = workqueue.board(get_db(), _filters(form))
    form.region.choices = options([("", _("alle")), *result.regions])
    form.advisor.choices = options([("", _("alle")), *((str(u.id), u.email)
                                                       for u in result.advisors)])
    return render_template("adviseur/pipeline.html", board=result, form=form,
                           move_form=BulkMoveForm(), **labels())


@bp.post("/pipeline/verplaatsen")
@advisors_only
def bulk_move():
    """Move the selected candidates to a status with a reason; list those that could not."""
    form = BulkMoveForm()
    if not form.validate_on_submit():
        return form_error(form)
    result = workqueue.move_candidates(get_db(), actor_id=current_user.id,
                                       candidate_ids=form.candidate_ids.data,
                                       status=form.status.data, reason=form.reason.data,
                                       versions=form.seen_versions())
    flash(ngettext("%(num)d kandidaat verplaatst: %(names)s.",
                   "%(num)d kandidaten verplaatst: %(names)s.", len(result.moved),
                   names=", ".join(result.moved)), "success")
    for number, why in result.refused:
        flash(_("%(number)s is niet verplaatst: %(why)s", number=number, why=why), "warning")
    return redirect(url_for(".board"))
