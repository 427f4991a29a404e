"""Match rounds: choose region, theme and kinds, review the proposed pairs, adjust and accept."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.db import get_db
from spt.forms.advisor import PairsForm, RoundForm
from spt.forms.catalogue import options
from spt.services import round_jobs, rounds
from spt.services.errors import DomainError
from spt.views import render_form
from spt.views.advisor import EXCLUSIONS, advisors_only, form_error

bp = Blueprint("advisor_rounds", __name__, url_prefix="/adviseur")


def _round_form() -> RoundForm:
    form = RoundForm()
    form.region.choices = options([("", _("alle regio's")), *rounds.regions()])
    return form


@bp.route("/matchronde", methods=["GET", "POST"])
@advisors_only
def new_round():
    """Start a round on the job queue (in the request when there is no queue)."""
    form = _round_form()
    if form.validate_on_submit():
        row = round_jobs.start(get_db(), advisor_id=current_user.id, region=form.region.data,
                               theme=form.theme.data, kinds=form.kinds.data,
                               max_per_placement=form.max_per_placement.data)
        if round_jobs.ran_in_request(row):
            flash(_("Achtergrondtaken zijn nu niet beschikbaar (de wachtrij is niet bereikbaar). "
                    "De ronde is daarom direct berekend."), "info")
        return redirect(url_for(".show_round", round_id=row.id))
    return render_form("adviseur/matchronde.html", form, recent=rounds.recent(get_db()))


@bp.get("/matchronde/<int:round_id>")
@advisors_only
def show_round(round_id: int):
    """The round's progress (refreshing itself) or its pairs, totals and unassigned candidates."""
    return _round_page(round_id)


def _round_page(round_id: int) -> str:
    row = round_jobs.check(get_db(), round_id)
    return render_template("adviseur/matchronde_resultaat.html",
                           view=rounds.view(get_db(), round_id), reasons=rounds.REASONS,
                           exclusions=EXCLUSIONS,
                           step=round_jobs.step_label(row),
                           max_attempts=current_app.config["ROUND_MAX_ATTEMPTS"])


@bp.post("/matchronde/<int:round_id>/opnieuw")
@advisors_only
def restart(round_id: int):
    """Start a failed round again (a new attempt with a new job)."""
    round_jobs.restart(get_db(), advisor_id=current_user.id, round_id=round_id)
    flash(_("De ronde is opnieuw gestart."), "success")
    return redirect(url_for(".show_round", round_id=round_id))


@bp.post("/matchronde/<int:round_id>/aanpassen")
@advisors_only
def adjust(round_id: int):
    """Lock or exclude pairs and rerun the round."""
    form = PairsForm()
    if not form.validate_on_submit():
        return form_error(form)
    rounds.adjust(get_db(), advisor_id=current_user.id, round_id=round_id,
                  locked=form.pairs(form.locked), excluded=form.pairs(form.excluded))
    flash(_("De ronde is opnieuw berekend."), "success")
    return redirect(url_for(".show_round", round_id=round_id))


@bp.post("/matchronde/<int:round_id>/accepteren")
@advisors_only
def accept(round_id: int):
    """Propose the selected pairs; each candidate is asked for consent."""
    form = PairsForm()
    if not form.validate_on_submit():
        return form_error(form)
    try:
        pairs = rounds.chosen_pairs(get_db(), round_id, ticked=form.pairs(form.accept),
                                    everything=form.accept_all.data,
                                    employer_id=form.accept_employer.data)
    except DomainError as error:  # nothing chosen: the page again, with what to do
        flash(error.message, "error")
        return _round_page(round_id), 400
    done, failed = rounds.accept(get_db(), advisor=current_user, round_id=round_id,
                                 pairs=pairs)
    flash(_("%(n)d voorstellen verstuurd.", n=done), "success")
    for candidate_id, placement_id, message in failed:
        flash(_("Kandidaat %(c)d bij plek %(p)d: %(m)s", c=candidate_id, p=placement_id,
                m=message), "error")
    return redirect(url_for(".show_round", round_id=round_id))
