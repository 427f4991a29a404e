"""The KPI dashboard with a date range, and every table as CSV or XLSX."""

from flask import Blueprint, Response, abort, render_template, request

from spt.db import get_db
from spt.forms.advisor import PeriodForm
from spt.services import exports, kpis
from spt.views.advisor import advisors_only

bp = Blueprint("advisor_kpis", __name__, url_prefix="/adviseur")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period() -> tuple[PeriodForm, kpis.Period]:
    form = PeriodForm(request.args)
    valid = form.validate()
    return form, kpis.Period.of(form.van.data if valid else None,
                                form.tot.data if valid else None)


@bp.get("/kpi")
@advisors_only
def dashboard():
    """KPIs for a date range, with accessible bar charts and the numbers in tables."""
    form, period = _period()
    return render_template("adviseur/kpi.html", form=form, period=period,
                           tables=kpis.dashboard(get_db(), period), min_group=kpis.MIN_GROUP)


@bp.get("/kpi/export/<key>.<any(csv, xlsx):fmt>")
@advisors_only
def export(key: str, fmt: str):
    """One KPI table as CSV or XLSX (formulas neutralised)."""
    _form, period = _period()
    table = next((t for t in kpis.dashboard(get_db(), period) if t.key == key), None)
    if table is None:
        abort(404)
    header, rows = exports.table_rows(table)
    name = f"spt-{key}-{period.start:%Y%m%d}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(exports.to_csv(header, rows), mimetype="text/csv; charset=utf-8",
                        headers=disposition)
    return Response(exports.to_xlsx(table.title, header, rows), mimetype=XLSX,
                    headers=disposition)
