"""AVG rights exercised through an advisor: export and erase a candidate's data."""

from flask import Blueprint, Response, flash, json, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spt.auth import role_required
from spt.db import get_db
from spt.services import privacy, readable_export
from spt.services.errors import DomainError

bp = Blueprint("advisor_privacy", __name__, url_prefix="/adviseur/kandidaten")


@bp.get("/<int:candidate_id>/gegevens.json")
@role_required("advisor", "admin")
def export(candidate_id: int):
    """Everything stored about a candidate, for a request made by phone or at the desk."""
    data = privacy.export_candidate(get_db(), candidate_id=candidate_id, actor_id=current_user.id)
    return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition":
                             f"attachment; filename=kandidaat-{candidate_id}.json"})


@bp.get("/<int:candidate_id>/gegevens")
@role_required("advisor", "admin")
def export_page(candidate_id: int):
    """The same export in plain words, to print or hand over at the desk."""
    parts = readable_export.candidate_export(get_db(), candidate_id=candidate_id,
                                             actor_id=current_user.id)
    return render_template("main/gegevens.html", export=parts, own=False,
                           json_url=url_for("advisor_privacy.export", candidate_id=candidate_id))


@bp.post("/<int:candidate_id>/verwijderen")
@role_required("advisor", "admin")
def erase(candidate_id: int):
    """Erase a candidate's personal data on their request; anonymous aggregates stay."""
    if request.form.get("confirm") != "ja":
        raise DomainError(_("Vink aan dat de kandidaat om verwijdering heeft gevraagd."))
    privacy.erase_candidate(get_db(), candidate_id=candidate_id, actor_id=current_user.id)
    flash(_("De persoonsgegevens van deze kandidaat zijn verwijderd."), "success")
    return redirect(url_for("advisor.home"))
