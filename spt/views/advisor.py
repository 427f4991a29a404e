"""Pages for SPT advisors: werkvoorraad, candidate and placement review, proposals."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.errors import render_error
from spt.forms.advisor import MatchMoveForm, NotesForm, ProposeForm
from spt.services import advisor_review, enrolments, verification, workqueue
from spt.views import recognition_labels

bp = Blueprint("advisor", __name__, url_prefix="/adviseur")
# How the matcher's codes read in Dutch.
EXCLUSIONS = {
    "travel_too_far": _l("De reisafstand is groter dan de kandidaat wil reizen."),
    "nt2_below_minimum": _l("Het taalniveau (NT2) is lager dan de plek vraagt."),
    "licence_missing": _l("De plek vraagt een rijbewijs dat de kandidaat niet heeft."),
    "vca_missing": _l("De plek vraagt VCA; de kandidaat heeft het niet."),
    "starts_before_available": _l("De plek begint voordat de kandidaat beschikbaar is."),
    "hours_mismatch": _l("De uren per week liggen te ver uit elkaar."),
    "kind_not_wanted": _l("De kandidaat wil alleen een andere soort plek."),
    "theme_not_wanted": _l("De kandidaat wil alleen in een ander thema werken."),
}
FACTORS = {
    "essential": _l("Vereiste vaardigheden"), "optional": _l("Gewenste vaardigheden"),
    "skills_used": _l("Eigen vaardigheden die de plek gebruikt"),
    "occupation": _l("Verwant eerder beroep"), "level": _l("Niveau"),
    "distance": _l("Reisafstand"), "hours": _l("Uren per week"), "theme": _l("Thema"),
    "kind": _l("Soort plek"), "bridge": _l("Scholing die eerst nodig is (VCA, NT2)"),
}
advisors_only = role_required("advisor", "admin")


def form_error(form):
    """The Dutch error page for a posted form that failed its shape checks (400)."""
    messages = [str(e) for errors in form.errors.values() for e in errors] or [_("Ongeldig.")]
    return render_error(400, messages[0])


def labels() -> dict:
    """Dutch wording the advisor templates share."""
    return {"exclusions": EXCLUSIONS, "factors": FACTORS} | recognition_labels()


@bp.get("/")
@advisors_only
def home():
    """The advisor's werkvoorraad."""
    return render_template("adviseur/home.html", queue=workqueue.overview(get_db()), **labels())


@bp.post("/kandidaten/<int:candidate_id>/oppakken")
@advisors_only
def claim(candidate_id: int):
    """'Ik pak dit op': the advisor becomes the candidate's advisor."""
    workqueue.claim(get_db(), advisor_id=current_user.id, candidate_id=candidate_id)
    flash(_("U bent nu de adviseur van deze kandidaat."), "success")
    return redirect(url_for(".candidate", candidate_id=candidate_id))


@bp.post("/kandidaten/<int:candidate_id>/contact")
@advisors_only
def contact(candidate_id: int):
    """Record that the advisor spoke to the candidate today."""
    workqueue.record_contact(get_db(), advisor_id=current_user.id, candidate_id=candidate_id)
    flash(_("Contact vastgelegd."), "success")
    return redirect(url_for(".candidate", candidate_id=candidate_id))


@bp.post("/werkgevers/<int:employer_id>/controleren")
@advisors_only
def verify_employer(employer_id: int):
    """Mark an employer as checked so that its placements can be matched."""
    employer = verification.verify(get_db(), advisor_id=current_user.id, employer_id=employer_id)
    flash(_("%(name)s is gecontroleerd.", name=employer.name), "success")
    return redirect(url_for(".home"))


@bp.post("/werkgevers/<int:employer_id>/afwijzen")
@advisors_only
def refuse_employer(employer_id: int):
    """Refuse an employer with a reason the employer is told (by mail and in Berichten)."""
    employer = verification.refuse(get_db(), advisor_id=current_user.id, employer_id=employer_id,
                                   reason=request.form.get("reason", ""))
    flash(_("%(name)s is niet goedgekeurd; de werkgever krijgt de reden te lezen.",
            name=employer.name), "success")
    return redirect(url_for(".home"))


@bp.get("/kandidaten/<int:candidate_id>")
@advisors_only
def candidate(candidate_id: int):
    """The candidate page: profile, explained ranking, plans, paths and history."""
    page = advisor_review.candidate_page(get_db(), viewer_id=current_user.id,
                                         candidate_id=candidate_id)
    return render_template("adviseur/kandidaat.html", page=page,
                           notes_form=NotesForm(notes=page.candidate.advisor_notes),
                           move_form=MatchMoveForm(), today=enrolments.today(), **labels())


@bp.post("/kandidaten/<int:candidate_id>/notities")
@advisors_only
def notes(candidate_id: int):
    """Save the advisor-only notes."""
    form = NotesForm()
    if not form.validate_on_submit():
        return form_error(form)
    advisor_review.save_notes(get_db(), advisor_id=current_user.id, candidate_id=candidate_id,
                              notes=form.notes.data or "")
    flash(_("Notities opgeslagen."), "success")
    return redirect(url_for(".candidate", candidate_id=candidate_id))


def _propose(candidate_id: int, placement_id: int, perspective: str):
    form = ProposeForm()
    if not form.validate_on_submit():
        return form_error(form)
    advisor_review.propose(get_db(), advisor=current_user, candidate_id=candidate_id,
                           placement_id=placement_id, expected_version=form.version.data or 0,
                           note=form.note.data or "", perspective=perspective,
                           override_reason=form.override_reason.data or "")
    flash(_("Voorstel verstuurd: de kandidaat wordt om toestemming gevraagd."), "success")
    target = (url_for(".candidate", candidate_id=candidate_id) if perspective == "candidate"
              else url_for(".placement", placement_id=placement_id))
    return redirect(target)


@bp.post("/kandidaten/<int:candidate_id>/voorstellen/<int:placement_id>")
@advisors_only
def propose_placement(candidate_id: int, placement_id: int):
    """Propose a placement from the candidate's ranking (or override it with a reason)."""
    return _propose(candidate_id, placement_id, "candidate")


@bp.get("/plekken/<int:placement_id>")
@advisors_only
def placement(placement_id: int):
    """The placement page: candidates ranked with the same explanations."""
    page = advisor_review.placement_page(get_db(), viewer_id=current_user.id,
                                         placement_id=placement_id)
    return render_template("adviseur/plek.html", page=page, **labels())


@bp.post("/plekken/<int:placement_id>/voorstellen/<int:candidate_id>")
@advisors_only
def propose_candidate(placement_id: int, candidate_id: int):
    """Propose a candidate from the placement's ranking (or override it with a reason)."""
    return _propose(candidate_id, placement_id, "placement")


@bp.post("/matches/<int:match_id>/status")
@advisors_only
def move_match(match_id: int):
    """Move a match by hand; a stale version gets a 409 and changes nothing."""
    form = MatchMoveForm()
    if not form.validate_on_submit():
        return form_error(form)
    match = workqueue.move_match(get_db(), actor_id=current_user.id, match_id=match_id,
                                 status=form.status.data, reason=form.reason.data or "",
                                 expected_version=form.version.data)
    flash(_("Status van de match bijgewerkt."), "success")
    return redirect(url_for(".candidate", candidate_id=match.candidate_id))
