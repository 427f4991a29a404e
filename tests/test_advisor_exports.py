"""CSV and XLSX exports of the KPI tables: formulas neutralised, a valid workbook."""

import csv
import io

import pytest
from openpyxl import load_workbook

from spt.db import get_db
from spt.models import Employer, Match
from spt.services import exports
from tests.factories import make_candidate, make_employer, make_placement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+31 6", "'+31 6"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTAB", "'\tTAB"), ("\rCR", "'\rCR"),
    ("Warmte BV", "Warmte BV"), (-5, -5), (0.25, 0.25), (None, "")])
def test_cells_that_start_like_a_formula_are_neutralised(value, expected):
    assert exports.neutralise(value) == expected


@pytest.fixture
def evil_employer(app):
    """An employer whose name is a formula, with a candidate in an active match."""
    _u, employer = make_employer(app, name="=cmd|' /C calc'!A0")
    placement = make_placement(app, employer)
    _u, candidate = make_candidate(app)
    with app.app_context():
        db = get_db()
        db.add(Match(candidate_id=candidate, placement_id=placement, status="kennismaking"))
        db.commit()
        return db.get(Employer, employer).name


def test_csv_export_neutralises_formulas(app, client, advisor, evil_employer):
    response = client.get("/adviseur/kpi/export/capaciteit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0] == ["Onderdeel", "Totaal", "Vrouwen", "NT2", "Capaciteit",
                       "Aandeel in gebruik"]
    assert rows[1] == ["'" + evil_employer, "1", "n<10", "n<10", "2", "0,5"]


def test_xlsx_export_is_a_formatted_workbook_without_formulas(app, client, advisor,
                                                               evil_employer):
    response = client.get("/adviseur/kpi/export/capaciteit.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title.startswith("Begeleiding")
    assert sheet["A1"].value == "Onderdeel" and sheet["A1"].font.bold
    assert sheet["A2"].value == "'" + evil_employer and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 1 and sheet["F2"].value == 0.5
    assert sheet["F2"].number_format == "0%"
    assert sheet.freeze_panes == "B2"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_unknown_export_is_404(client, advisor):
    assert client.get("/adviseur/kpi/export/bestaat-niet.csv").status_code == 404
