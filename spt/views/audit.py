"""The audit log viewer for administrators: who saw or changed what."""

from flask import Blueprint, render_template, request

from spt.auth import role_required
from spt.db import get_db
from spt.forms.advisor import AuditFilterForm
from spt.services import audit_log

bp = Blueprint("audit", __name__, url_prefix="/beheer")


@bp.get("/audit")
@role_required("admin")
def log():
    """Audit events, newest first, filtered by actor, action, subject and date; paginated."""
    form = AuditFilterForm(request.args)
    valid = form.validate()
    filters = audit_log.AuditFilters(
        actor=form.actor.data or "", action=form.action.data or "",
        subject_type=form.subject_type.data or "",
        subject_id=form.subject_id.data if valid else None,
        first=form.van.data if valid else None, last=form.tot.data if valid else None)
    page = form.pagina.data if valid and form.pagina.data else 1
    events, more = audit_log.search(get_db(), filters, page=page)
    args = {k: v for k, v in request.args.items() if k != "pagina"}
    return render_template("beheer/audit.html", form=form, events=events, page=page, more=more,
                           args=args), 200 if valid else 400
