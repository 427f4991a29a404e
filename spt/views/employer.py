"""Pages for employers: organisation, placements and the candidates proposed to them."""

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.extensions import limiter
from spt.forms.appointments import AppointmentFields
from spt.forms.employer import AcceptForm, DeclineForm, OrganisationForm, OutcomeForm
from spt.forms.placements import PlacementForm
from spt.services import (
    appointments,
    corrections,
    employer_candidates,
    employers,
    placements,
)
from spt.services.errors import DomainError
from spt.views import add_error, recognition_labels, render_form

bp = Blueprint("employer", __name__, url_prefix="/werkgever")
STATUS_FLASH = {"publiceren": _l("Plek gepubliceerd."), "pauzeren": _l("Plek gepauzeerd."),
                "heropenen": _l("Plek heropend."), "sluiten": _l("Plek gesloten.")}
FACTORS = {"essential": _l("Vaardigheden die nodig zijn"),
           "optional": _l("Vaardigheden die mooi meegenomen zijn"),
           "skills_used": _l("Gebruikt veel van wat de kandidaat kan"),
           "occupation": _l("Eerder werk in dit of een verwant beroep"),
           "level": _l("Opleidingsniveau"), "distance": _l("Reisafstand"),
           "hours": _l("Uren per week"), "theme": _l("Interesse in de sector"),
           "kind": _l("Wil dit soort plek")}


@bp.context_processor
def labels() -> dict:
    """Dutch labels for the codes the employer pages show."""
    return {"factor_labels": FACTORS,
            "decline_reasons": employer_candidates.DECLINE_REASONS} | recognition_labels()


def _employer():
    return employers.for_user(get_db(), current_user.id)


def _profile_view_limit() -> str:
    return current_app.config.get("EMPLOYER_PROFILE_RATE_LIMIT", "30 per minute")


def _per_user() -> str:
    user_id = getattr(current_user, "id", None)
    return f"user:{user_id}" if user_id else get_remote_address()


def _add_errors(form, error: DomainError) -> int:
    """Show a rule the service refused next to its fields; a 403/404 is not a form error."""
    if error.status not in (400, 409):
        raise error
    for field, message in getattr(error, "errors", {error.field: error.message}).items():
        add_error(form, DomainError(message, field=field))
    return error.status


@bp.get("/")
@role_required("employer")
def home():
    """The employer's start page: verification, mentor capacity and placements."""
    db, employer = get_db(), _employer()
    return render_template("werkgever/home.html", employer=employer,
                           capacity=employers.capacity(db, employer),
                           rows=placements.list_for(db, employer)[:5])


@bp.route("/organisatie", methods=["GET", "POST"])
@role_required("employer")
def organisation():
    """The organisation profile: KvK, erkend leerbedrijf and mentor capacity."""
    employer = _employer()
    form = OrganisationForm(obj=employer if request.method == "GET" else None)
    if request.method == "GET":
        form.postcode.data, form.theme.data = employer.pc4 or "", employer.theme or ""
    if form.validate_on_submit():
        try:
            employers.save_profile(get_db(), employer=employer, actor_id=current_user.id,
                                   data=form.data_for_service())
        except DomainError as error:
            _add_errors(form, error)
        else:
            flash(_("De gegevens van uw organisatie zijn opgeslagen."), "success")
            return redirect(url_for(".home"))
    return render_form("werkgever/organisatie.html", form, employer=employer,
                       capacity=employers.capacity(get_db(), employer))


@bp.get("/plekken")
@role_required("employer")
def placement_list():
    """All placements of this employer with their status."""
    employer = _employer()
    return render_template("werkgever/plekken.html", employer=employer,
                           rows=placements.list_for(get_db(), employer))


@bp.route("/plekken/nieuw", methods=["GET", "POST"])
@role_required("employer")
def new_placement():
    """Post a placement: first what the title and lines become, then saved as seen; a double
    submit finds the first one through its one-time key."""
    employer = _employer()
    form = PlacementForm()
    if request.method == "GET":
        form.idempotency_key.data = secrets.token_urlsafe(24)
    placement, reading, status = _submit(form, employer) if form.validate_on_submit() \
        else (None, None, None)
    if placement is not None:
        flash(_("De plek is opgeslagen."), "success")
        return redirect(url_for(".edit_placement", placement_id=placement.id))
    page, code = render_form("werkgever/plek_form.html", form, employer=employer,
                             placement=None, reading=reading)
    return page, status or code


def _submit(form, employer, placement_id: int | None = None):
    """Save when the employer saw what this exact text becomes; else show it:
    (saved, reading, status of a refusal)."""
    db = get_db()
    if not form.press(request.form) and form.seen():
        try:
            return placements.save(db, employer=employer, actor_id=current_user.id,
                                   placement_id=placement_id,
                                   data=form.data_for_service()), None, None
        except DomainError as error:
            status = _add_errors(form, error)
            return None, getattr(error, "reading", None), status
    shown = placements.preview(db, employer=employer, data=form.data_for_service(),
                               placement_id=placement_id)
    for field, message in shown.errors.items():
        add_error(form, DomainError(message, field=field))
    form.show(shown.reading.choices)
    return None, shown.reading, None


@bp.route("/plekken/<int:placement_id>", methods=["GET", "POST"])
@role_required("employer")
def edit_placement(placement_id: int):
    """Edit a placement, with what its title and lines became and how many candidates fit."""
    db, employer = get_db(), _employer()
    placement = placements.get_own(db, employer, placement_id)
    form = PlacementForm(obj=placement if request.method == "GET" else None)
    del form.status  # the status changes through its own buttons
    if request.method == "GET":
        _fill(form, placement)
    saved, reading, status = _submit(form, employer, placement_id) \
        if form.validate_on_submit() else (None, None, None)
    if saved is not None:
        flash(_("De plek is opgeslagen."), "success")
        return redirect(url_for(".edit_placement", placement_id=placement_id))
    db.refresh(placement)  # show what is stored, not the refused input
    page, code = render_form("werkgever/plek_form.html", form, employer=employer,
                             placement=placement, reading=reading,
                             recognised=corrections.placement_rows(db, placement),
                             fitting=placements.fitting_band(db, employer, placement),
                             qualification=placements.qualifications().get(placement.crebo or ""))
    return page, status or code


def _fill(form, placement) -> None:
    written = placements.requirement_texts(get_db(), placement.id)
    form.essential_skills.data = "\n".join(written["essential"])
    form.optional_skills.data = "\n".join(written["optional"])
    form.postcode.data, form.idempotency_key.data = placement.pc4, ""
    form.version.data = placement.version
    for key in ("level", "theme", "min_nt2", "crebo"):
        getattr(form, key).data = getattr(placement, key) or ""
    form.show({})  # what is stored was seen when it was saved


@bp.post("/plekken/<int:placement_id>/kopie")
@role_required("employer")
def duplicate_placement(placement_id: int):
    """Copy a placement as a new concept."""
    copy = placements.duplicate(get_db(), employer=_employer(), actor_id=current_user.id,
                                placement_id=placement_id)
    flash(_("Kopie gemaakt. Pas aan wat anders is en publiceer de plek."), "success")
    return redirect(url_for(".edit_placement", placement_id=copy.id))


@bp.post("/plekken/<int:placement_id>/<any(publiceren, pauzeren, heropenen, sluiten):action>")
@role_required("employer")
def placement_status(placement_id: int, action: str):
    """Publish, pause, reopen or close a placement."""
    seen = request.form.get("version", "")
    version = int(seen) if seen.isdecimal() and len(seen) < 10 else None
    placements.change_status(get_db(), employer=_employer(), actor_id=current_user.id,
                             placement_id=placement_id, action=action, expected_version=version)
    flash(STATUS_FLASH[action], "success")
    return redirect(url_for(".edit_placement", placement_id=placement_id))


@bp.get("/plekken/<int:placement_id>/kandidaten")
@role_required("employer")
def candidates(placement_id: int):
    """The candidates an advisor proposed for this placement, pseudonymised until consent."""
    placement, cards = employer_candidates.for_placement(get_db(), employer=_employer(),
                                                         actor_id=current_user.id,
                                                         placement_id=placement_id)
    return render_template("werkgever/kandidaten.html", placement=placement, cards=cards)


@bp.get("/kandidaten/<int:match_id>")
@role_required("employer")
@limiter.limit(_profile_view_limit, key_func=_per_user)
def candidate(match_id: int):
    """One proposed candidate; the view is written to the audit log."""
    return _candidate_page(match_id)


def _candidate_page(match_id: int, submitted=None, status: int = 200):
    db, employer = get_db(), _employer()
    card = employer_candidates.view(db, employer=employer, actor_id=current_user.id,
                                    match_id=match_id)
    forms = {"accept": AcceptForm(prefix="uitnodigen"), "decline": DeclineForm(prefix="afwijzen"),
             "outcome": OutcomeForm(prefix="uitkomst"),
             "appointment": AppointmentFields(prefix="afspraak")} | (submitted or {})
    for form in forms.values():
        if hasattr(form, "version"):
            form.version.data = card.match.version
        if hasattr(form, "contact_name") and request.method == "GET":
            form.contact_name.data, form.contact_phone.data = employer.contact_name, employer.phone
    return render_template("werkgever/kandidaat.html", card=card, forms=forms,
                           capacity=employers.capacity(db, employer)), status


def _decide(match_id: int, name: str, form, decide):
    if form.validate_on_submit():
        try:
            decide(get_db(), employer=_employer(), actor_id=current_user.id, match_id=match_id,
                   expected_version=form.version.data)
        except DomainError as error:
            _add_errors(form, error)
            return _candidate_page(match_id, {name: form}, error.status)
        flash(_("Uw besluit is opgeslagen."), "success")
        return redirect(url_for(".candidate", match_id=match_id))
    return _candidate_page(match_id, {name: form}, 400)


@bp.post("/kandidaten/<int:match_id>/uitnodigen")
@role_required("employer")
def accept(match_id: int):
    """Invite the candidate to a kennismaking on a date."""
    form = AcceptForm(prefix="uitnodigen")
    return _decide(match_id, "accept", form, lambda db, **kw: employer_candidates.accept(
        db, appointment=form.appointment_data(), **kw))


@bp.post("/kandidaten/<int:match_id>/afspraak")
@role_required("employer")
def new_appointment(match_id: int):
    """A new appointment for a kennismaking whose last one was cancelled."""
    form = AppointmentFields(prefix="afspraak")
    if form.validate_on_submit():
        try:
            appointments.schedule_again(get_db(), employer=_employer(), actor_id=current_user.id,
                                        match_id=match_id, data=form.appointment_data())
        except DomainError as error:
            return _candidate_page(match_id, {"appointment": form}, _add_errors(form, error))
        flash(_("De afspraak staat. De kandidaat en de adviseur krijgen een uitnodiging."),
              "success")
        return redirect(url_for(".candidate", match_id=match_id))
    return _candidate_page(match_id, {"appointment": form}, 400)


@bp.post("/kandidaten/<int:match_id>/afwijzen")
@role_required("employer")
def decline(match_id: int):
    """Decline the candidate with a reason."""
    form = DeclineForm(prefix="afwijzen")
    return _decide(match_id, "decline", form, lambda db, **kw: employer_candidates.decline(
        db, reason=form.reason.data, note=form.note.data or "", **kw))


@bp.post("/kandidaten/<int:match_id>/uitkomst")
@role_required("employer")
def outcome(match_id: int):
    """Report the outcome: proefplaatsing, geplaatst with a contract, or not placed."""
    form = OutcomeForm(prefix="uitkomst")
    return _decide(match_id, "outcome", form, lambda db, **kw: employer_candidates.report_outcome(
        db, outcome=form.outcome.data, contract_kind=form.contract_kind.data or None,
        not_placed=form.not_placed.data or None, note=form.note.data or "", **kw))
