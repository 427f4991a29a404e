"""The KPI dashboard with a date range and charts; each table and the rapportage as CSV or XLSX."""

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_datetime

from spt.db import get_db
from spt.errors import render_error
from spt.forms.kpis import KpiPeriodForm
from spt.models._base import utcnow
from spt.services import exports, kpi_charts, kpis
from spt.views.advisor import advisors_only

bp = Blueprint("advisor_kpis", __name__, url_prefix="/adviseur")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _period() -> tuple[KpiPeriodForm, kpis.Period | None]:
    """The range asked for (by default the last 12 months), or None when it is not valid."""
    form = KpiPeriodForm(request.args)
    if not form.validate():
        return form, None
    return form, kpis.Period.of(form.van.data, form.tot.data)


def _bad_period(form: KpiPeriodForm):
    return render_error(400, next(e for errors in form.errors.values() for e in errors))


def _download(body, fmt: str, name: str) -> Response:
    return Response(body, mimetype=CSV if fmt == "csv" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.get("/kpi")
@advisors_only
def dashboard():
    """KPIs for a date range: charts with their tables and targets, then the other tables."""
    form, period = _period()
    board = kpi_charts.dashboard(get_db(), period) if period else None
    return render_template("adviseur/kpi.html", form=form, board=board,
                           min_group=kpis.MIN_GROUP), 200 if board else 400


@bp.get("/kpi/export/<key>.<any(csv, xlsx):fmt>")
@advisors_only
def export(key: str, fmt: str):
    """One KPI table as CSV or XLSX (formulas neutralised)."""
    form, period = _period()
    if period is None:
        return _bad_period(form)
    board = kpi_charts.dashboard(get_db(), period)
    table = next((t for t in board.all_tables() if t.key == key), None)
    if table is None:
        abort(404)
    sheet = exports.table_sheet(table)
    body = exports.to_csv(sheet.header, sheet.rows) if fmt == "csv" else exports.to_xlsx([sheet])
    return _download(body, fmt, f"spt-{key}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}")


@bp.get("/kpi/rapportage.<any(csv, xlsx):fmt>")
@advisors_only
def report(fmt: str):
    """Every KPI of the period in one file, for the municipality and the steering group."""
    form, period = _period()
    if period is None:
        return _bad_period(form)
    board = kpi_charts.dashboard(get_db(), period)
    sheets = [exports.table_sheet(t) for t in board.all_tables()]
    cover = kpi_charts.report_cover(period, made=format_datetime(utcnow(), "short"))
    body = exports.csv_sheets(sheets, cover=cover) if fmt == "csv" else \
        exports.to_xlsx(sheets, cover=cover)
    return _download(body, fmt, f"spt-rapportage-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}")
