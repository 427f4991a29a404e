"""Pages for candidates: 'Mijn loopbaan', profile, introductions, data export and deletion."""

from flask import Blueprint, Response, flash, json, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from spt.auth import role_required
from spt.db import get_db
from spt.extensions import limiter
from spt.forms.candidate import ConfirmForm, ConsentAnswerForm, DeleteAccountForm
from spt.services import accounts, career, consents, introductions, privacy, readable_export
from spt.services.errors import DomainError, NotFound
from spt.services.profile import as_draft, completeness
from spt.views import add_error, render_form
from spt.views.auth import password_check_limit, per_user, sessions_ended, trusted_device

bp = Blueprint("candidate", __name__, url_prefix="/kandidaat")
PURPOSE = f"any({', '.join(consents.PURPOSES)})"


def _candidate():
    candidate = career.candidate_of(get_db(), current_user.id)
    if candidate is None:
        raise NotFound(_("Je hebt nog geen profiel."))
    return candidate


@bp.get("/")
@role_required("candidate")
def home():
    """Mijn loopbaan: routes, fitting placements and next steps (or the intake to start)."""
    candidate = _candidate()
    if candidate.intake_completed_at is None:
        return render_template("kandidaat/start.html")
    return render_template("kandidaat/home.html", view=career.overview(get_db(), candidate),
                           answer_form=ConsentAnswerForm())


@bp.get("/profiel")
@role_required("candidate")
def profile():
    """The profile with links to change each part."""
    candidate = _candidate()
    draft = as_draft(get_db(), candidate)
    return render_template("kandidaat/profile.html", candidate=candidate, draft=draft,
                           meter=completeness(draft))


@bp.post("/introducties/<int:match_id>/antwoord")
@role_required("candidate")
def answer_introduction(match_id: int):
    """Give or refuse consent for one employer, for all its places that wait for an answer."""
    form = ConsentAnswerForm()
    if not form.validate_on_submit():
        raise DomainError(_("Kies ja of nee."))
    yes = form.answer.data == "ja"
    introductions.answer(get_db(), user=current_user, match_id=match_id, consent=yes)
    flash(_("Dank je. De werkgever ziet nu je naam en contactgegevens.") if yes else
          _("Dank je. De werkgever hoort alleen dat je hebt bedankt, niet wie je bent."),
          "success")
    return redirect(url_for(".home"))


@bp.route("/introducties/<int:match_id>/intrekken", methods=["GET", "POST"])
@role_required("candidate")
def withdraw_introduction(match_id: int):
    """Withdraw consent for this match's employer, after a page that says what happens."""
    form = ConfirmForm()
    if form.validate_on_submit():
        introductions.withdraw(get_db(), user=current_user, match_id=match_id)
        flash(_("Je toestemming is ingetrokken. De werkgever ziet je naam niet meer. Je "
                "adviseur en de werkgever hebben bericht gekregen. Vergist? Hieronder kun je "
                "het ongedaan maken."), "success")
        return redirect(url_for(".home", _anchor="intro-titel"))
    item = introductions.at_employer_of(get_db(), user=current_user, match_id=match_id)
    return render_template("kandidaat/intrekken.html", item=item, form=form)


@bp.post("/introducties/<int:match_id>/herstellen")
@role_required("candidate")
def undo_withdrawal(match_id: int):
    """Undo a withdrawal: the employer may see who you are again."""
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))
    introductions.undo_withdrawal(get_db(), user=current_user, match_id=match_id)
    flash(_("Je toestemming staat weer aan. Je adviseur en de werkgever weten het."),
          "success")
    return redirect(url_for(".home", _anchor="intro-titel"))


@bp.get("/toestemming")
@role_required("candidate")
def consent_overview():
    """Every consent, each with a way to withdraw it or give it again."""
    candidate = _candidate()
    return render_template("kandidaat/toestemming.html", purposes=consents.PURPOSES,
                           answers=consents.current(get_db(), candidate.id),
                           employers=introductions.for_candidate(get_db(), candidate.id),
                           form=ConfirmForm())


@bp.route(f"/toestemming/<{PURPOSE}:purpose>/intrekken", methods=["GET", "POST"])
@role_required("candidate")
def withdraw_purpose(purpose: str):
    """Withdraw one consent after a page that says what stops; the account stays."""
    form = ConfirmForm()
    if form.validate_on_submit():
        consents.set_purpose(get_db(), user=current_user, purpose=purpose, granted=False)
        flash(_("Je toestemming is ingetrokken. Vergist? Geef hem hieronder opnieuw."),
              "success")
        return redirect(url_for(".consent_overview"))
    return render_template("kandidaat/toestemming_intrekken.html", form=form,
                           text=consents.PURPOSES[purpose],
                           effect=consents.WHEN_WITHDRAWN[purpose])


@bp.post(f"/toestemming/<{PURPOSE}:purpose>/geven")
@role_required("candidate")
def give_purpose(purpose: str):
    """Give one consent (again)."""
    if not ConfirmForm().validate_on_submit():
        raise DomainError(_("Het formulier is verlopen. Probeer het opnieuw."))
    consents.set_purpose(get_db(), user=current_user, purpose=purpose, granted=True)
    flash(_("Je toestemming staat weer aan."), "success")
    return redirect(url_for(".consent_overview"))


@bp.post("/plekken/<int:placement_id>/meeloopdag")
@role_required("candidate")
def request_meeloopdag(placement_id: int):
    """Ask the advisor to plan a meeloopdag at this placement."""
    if career.request_meeloopdag(get_db(), user=current_user, placement_id=placement_id):
        flash(_("Je vraag is naar je adviseur gestuurd. Die neemt contact met je op."), "success")
    else:
        flash(_("Je had dit al gevraagd. Je adviseur neemt contact met je op."), "info")
    return redirect(url_for(".home"))


@bp.get("/mijn-gegevens")
@role_required("candidate")
def export_page():
    """Everything SPT Match stores about you, in plain words (printable)."""
    parts = readable_export.candidate_export(get_db(), candidate_id=_candidate().id,
                                             actor_id=current_user.id)
    return render_template("main/gegevens.html", export=parts, own=True,
                           json_url=url_for("candidate.export"))


@bp.get("/mijn-gegevens.json")
@role_required("candidate")
def export():
    """Download everything SPT Match stores about you."""
    data = privacy.export_candidate(get_db(), candidate_id=_candidate().id,
                                    actor_id=current_user.id)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=mijn-gegevens-spt-match.json"})


@bp.route("/verwijderen", methods=["GET", "POST"])
@role_required("candidate")
@limiter.limit(password_check_limit, methods=["POST"], key_func=per_user)
def delete_account():
    """Delete the account after confirming with the password (counted like a login)."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            privacy.erase_own_account(get_db(), user=current_user._get_current_object(),
                                      password=form.password.data, trusted=trusted_device())
        except accounts.SessionsEnded as error:
            return sessions_ended(error)
        except DomainError as error:
            add_error(form, error)
        else:
            logout_user()
            session.clear()
            flash(_("Je account en je gegevens zijn verwijderd."), "success")
            return redirect(url_for("main.index"))
    return render_form("kandidaat/delete.html", form)
