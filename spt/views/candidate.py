"""Pages for candidates: 'Mijn loopbaan', profile, introductions, data export and deletion."""

from flask import Blueprint, Response, flash, json, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from spt.auth import role_required
from spt.db import get_db
from spt.extensions import limiter
from spt.forms.candidate import ConsentAnswerForm, DeleteAccountForm
from spt.services import accounts, career, introductions, privacy
from spt.services.errors import DomainError, NotFound
from spt.services.profile import as_draft, completeness
from spt.views import add_error, render_form, wish_words
from spt.views.auth import password_check_limit, per_user, sessions_ended, trusted_device

bp = Blueprint("candidate", __name__, url_prefix="/kandidaat")


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
                           answer_form=ConsentAnswerForm(), words=wish_words())


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
    """Give or refuse consent for an introduction to one employer."""
    form = ConsentAnswerForm()
    if not form.validate_on_submit():
        raise DomainError(_("Kies ja of nee."))
    introductions.answer(get_db(), user=current_user, match_id=match_id,
                         consent=form.answer.data == "ja")
    flash(_("Dank je. Je antwoord is opgeslagen."), "success")
    return redirect(url_for(".home"))


@bp.post("/introducties/<int:match_id>/intrekken")
@role_required("candidate")
def withdraw_introduction(match_id: int):
    """Withdraw consent: the employer no longer sees who you are."""
    introductions.withdraw(get_db(), user=current_user, match_id=match_id)
    flash(_("Je toestemming is ingetrokken. De werkgever ziet je naam niet meer."), "success")
    return redirect(url_for(".home"))


@bp.post("/plekken/<int:placement_id>/meeloopdag")
@role_required("candidate")
def request_meeloopdag(placement_id: int):
    """Ask the advisor to plan a meeloopdag at this placement."""
    if career.request_meeloopdag(get_db(), user=current_user, placement_id=placement_id):
        flash(_("Je vraag is naar je adviseur gestuurd. Die neemt contact met je op."), "success")
    else:
        flash(_("Je had dit al gevraagd. Je adviseur neemt contact met je op."), "info")
    return redirect(url_for(".home"))


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
