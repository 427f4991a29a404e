"""Pages for administrators."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.forms.admin import UserActionForm, UserFilterForm
from spt.forms.kpis import KpiTargetForm
from spt.services import admin as admin_service
from spt.services import kpi_targets

bp = Blueprint("admin", __name__, url_prefix="/beheer")


@bp.get("/")
@role_required("admin")
def home():
    """The admin start page."""
    return render_template("beheer/home.html", counts=admin_service.counts(get_db()))


@bp.get("/outbox")
@role_required("admin")
def outbox():
    """The outbound mail as stored (sent over SMTP or kept in the outbox)."""
    return render_template("beheer/outbox.html",
                           messages=admin_service.outbox(get_db(), admin_id=current_user.id))


@bp.get("/gebruikers")
@role_required("admin")
def users():
    """All accounts, filtered by role and a search text."""
    form = UserFilterForm(request.args)
    valid = form.validate()
    rows = admin_service.list_users(get_db(), role=form.rol.data or "",
                                     query=form.zoek.data or "") if valid else []
    return render_template("beheer/users.html", form=form, rows=rows,
                           action_form=UserActionForm()), 200 if valid else 400


@bp.route("/kpi-doelen", methods=["GET", "POST"])
@role_required("admin")
def kpi_target_form():
    """The targets drawn as lines on the KPI charts."""
    form, db = KpiTargetForm(), get_db()
    if form.validate_on_submit():
        kpi_targets.save(db, admin_id=current_user.id, values=form.values())
        flash(_("De doelen zijn opgeslagen."), "success")
        return redirect(url_for(".kpi_target_form"))
    if request.method == "GET":
        form.fill(kpi_targets.current(db))
    return render_template("beheer/kpi_doelen.html", form=form), 400 if form.errors else 200


def _back_to_users():
    return redirect(url_for(".users", **{k: v for k, v in request.args.items()
                                         if k in ("rol", "zoek")}))


@bp.post("/gebruikers/<int:user_id>/<any(deactiveren, activeren):action>")
@role_required("admin")
def set_active(user_id: int, action: str):
    """Deactivate an account (its sessions end at once) or reactivate it."""
    if not UserActionForm().validate_on_submit():
        abort(400)
    active = action == "activeren"
    # A refusal (your own account, an unknown id) is a DomainError: a Dutch 400/404 page.
    admin_service.set_active(get_db(), admin=current_user._get_current_object(),
                             user_id=user_id, active=active)
    flash(_("Het account is weer actief.") if active else
          _("Het account is uitgezet; alle sessies zijn beëindigd."), "success")
    return _back_to_users()


@bp.post("/gebruikers/<int:user_id>/tweestapsverificatie-herstellen")
@role_required("admin")
def reset_second_factor(user_id: int):
    """Remove a lost second factor; the user sets up a new one at the next login."""
    if not UserActionForm().validate_on_submit():
        abort(400)
    admin_service.reset_second_factor(get_db(), admin=current_user._get_current_object(),
                                      user_id=user_id)
    flash(_("De tweestapsverificatie is gewist. Bij de volgende keer inloggen stelt de "
            "gebruiker een nieuwe in."), "success")
    return _back_to_users()
