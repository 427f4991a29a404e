"""CSV and XLSX exports of the KPI tables: formulas neutralised, a valid workbook."""

import csv
import io
import zipfile
from xml.etree import ElementTree

import pytest

from spt.db import get_db
from spt.models import Employer, Match
from spt.services import exports
from tests.factories import make_candidate, make_employer, make_placement

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


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
    assert rows[0] == ["", "Totaal", "Vrouwen", "NT2", "Capaciteit"]
    assert rows[1] == ["'" + evil_employer, "1", "n<10", "n<10", "2"]


def test_xlsx_export_is_a_workbook_with_the_sheet_xml(app, client, advisor, evil_employer):
    response = client.get("/adviseur/kpi/export/capaciteit.xlsx")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml"} <= set(archive.namelist())
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    assert workbook.find(f"{MAIN}sheets/{MAIN}sheet").get("name").startswith("Begeleiding")
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = sheet.findall(f"{MAIN}sheetData/{MAIN}row")
    cells = rows[1].findall(f"{MAIN}c")
    assert cells[0].get("t") == "inlineStr"
    assert cells[0].find(f"{MAIN}is/{MAIN}t").text == "'" + evil_employer
    assert cells[1].get("r") == "B2" and cells[1].find(f"{MAIN}v").text == "1"
    assert all(c.find(f"{MAIN}f") is None for row in rows for c in row)


def test_unknown_export_is_404(client, advisor):
    assert client.get("/adviseur/kpi/export/bestaat-niet.csv").status_code == 404
