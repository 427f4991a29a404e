"""The KPI dashboard that steers: charts drawn from known data, targets, date range and exports."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from spt.db import get_db
from spt.models import AuditEvent, Candidate, KpiTarget, Match, StatusChange
from tests.factories import make_employer, make_placement

PERIOD = "van=2025-01-01&tot=2025-06-30"  # six months, long past: retention cohorts are complete


def _at(month: int, day: int = 10) -> datetime:
    return datetime(2025, month, day, 12, tzinfo=UTC)


@pytest.fixture
def placed(app):
    """Five placements in 2025 (one drop-out), a funnel of 7 candidates, one active employer.

    Per month: January 2 installatie (Amsterdam) + 1 energie (Rotterdam), March 1 energie
    (Rotterdam), June 1 installatie (Amsterdam). Funnel: 7 intake, 6 matchvoorstel, 5 placed.
    """
    _u, amsterdam = make_employer(app, mentor_capacity=4, name="Warmte BV", pc4="1012")
    _u, rotterdam = make_employer(app, mentor_capacity=2, name="Stroom BV", pc4="3011")
    installatie = make_placement(app, amsterdam, theme="installatie", pc4="1012")
    energie = make_placement(app, rotterdam, theme="energie", pc4="3011")
    plan = [(installatie, 1), (installatie, 1), (energie, 1), (energie, 3), (installatie, 6)]
    with app.app_context():
        db = get_db()
        people = [Candidate(first_name="X", intake_completed_at=_at(1, 2)) for _ in range(7)]
        db.add_all(people)
        db.flush()
        for person in people:
            db.add(StatusChange(subject_type="candidate", subject_id=person.id,
                                to_status="intake_afgerond", at=_at(1, 3)))
        db.add(StatusChange(subject_type="candidate", subject_id=people[5].id,
                            to_status="matchvoorstel", at=_at(1, 5)))
        for person, (placement, month) in zip(people, plan, strict=False):
            match = Match(candidate_id=person.id, placement_id=placement, status="geplaatst")
            db.add(match)
            db.flush()
            db.add_all([StatusChange(subject_type="match", subject_id=match.id,
                                     to_status="geplaatst", at=_at(month)),
                        StatusChange(subject_type="candidate", subject_id=person.id,
                                     to_status="geplaatst", at=_at(month))])
        db.add(StatusChange(subject_type="candidate", subject_id=people[0].id,
                            to_status="uitgevallen", at=_at(3)))
        db.commit()


def _svg(text: str, key: str) -> str:
    found = re.search(rf'<svg class="chart-svg"[^>]*c-{key}-titel.*?</svg>', text, re.S)
    assert found, key
    return found.group(0)


def _bars(svg: str) -> list[float]:
    return [float(h) for h in re.findall(r'<rect class="bar [^"]*"[^>]*height="([\d.]+)"', svg)]


def _section(text: str, key: str) -> str:
    return re.search(rf'<section aria-labelledby="t-{key}".*?</section>', text, re.S).group(0)


def test_charts_draw_one_bar_per_figure_of_their_table(app, client, advisor, placed):
    page = client.get(f"/adviseur/kpi?{PERIOD}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    funnel = _svg(text, "trechter")
    assert "<title" in funnel and "<desc" in funnel and 'role="img"' in funnel
    # 7, 6, 5, 5, 5 on a 0..10 axis of 180 units
    assert _bars(funnel) == [126.0, 108.0, 90.0, 90.0, 90.0]
    # January stacks two themes, March and June one each; the empty months draw nothing
    assert len(_bars(_svg(text, "plaatsingen-thema"))) == 4
    assert len(_bars(_svg(text, "plaatsingen-regio"))) == 4
    assert "Groot Amsterdam" in _svg(text, "plaatsingen-regio")
    # 4 of 5 still at work after 6 and after 12 months: 80% of a 0..100 axis
    assert _bars(_svg(text, "behoud")) == [144.0, 144.0]
    # Warmte BV 3 of 4, Stroom BV 2 of 2, together 5 of 6
    capacity = _svg(text, "capaciteit")
    assert _bars(capacity) == [180.0, 135.0, 150.0]
    assert 'class="target' not in funnel and 'style="' not in text


def test_the_table_beside_a_chart_holds_the_same_figures(app, client, advisor, placed):
    text = client.get(f"/adviseur/kpi?{PERIOD}").get_data(as_text=True)
    theme = _section(text, "plaatsingen-thema")
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td class="num">[^<]*</td>)+)', theme)
    assert len(rows) == 6
    assert [re.findall(r">([^<]*)</td>", cells) for _m, cells in rows][0] == ["3", "1", "2"]
    assert "<th scope=\"col\" class=\"num\">energie</th>" in theme


def test_an_admin_sets_targets_that_are_stored_drawn_and_listed(app, client, make_user, login,
                                                                placed):
    admin = make_user("admin")
    login(admin)
    response = client.post("/beheer/kpi-doelen", data={
        "trechter": "8", "plaatsingen": "2,5", "behoud": "90", "capaciteit": ""})
    assert response.status_code == 302
    with app.app_context():
        stored = {t.key: t.value for t in get_db().exec(select(KpiTarget))}
        assert stored == {"trechter": 8.0, "plaatsingen": 2.5, "behoud": 90.0}
        assert get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "admin.kpi_targets")).one().actor_id == admin
    text = client.get(f"/adviseur/kpi?{PERIOD}").get_data(as_text=True)
    # 8 on the funnel's 0..10 axis: 196 - 0.8 * 180
    assert re.search(r'<line class="target"[^>]*y1="52.0"', _svg(text, "trechter"))
    assert re.search(r'<line class="target"[^>]*y1="34.0"', _svg(text, "behoud"))
    assert 'class="target"' not in _svg(text, "capaciteit")
    assert re.search(r'class="target-row"><th scope="row">Doel</th><td class="num">90%',
                     _section(text, "behoud"))
    assert 'value="2,5"' in client.get("/beheer/kpi-doelen").get_data(as_text=True)


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("trechter", "veel", "Vul een getal in"), ("behoud", "150", "0 tot en met 100"),
    ("plaatsingen", "-3", "Vul een getal in")])
def test_a_bad_target_is_refused_next_to_the_field_and_kept(app, client, make_user, login,
                                                            field, typed, message):
    login(make_user("admin"))
    response = client.post("/beheer/kpi-doelen", data={field: typed})
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and message in text
    assert f'value="{typed}"' in text
    with app.app_context():
        assert get_db().exec(select(KpiTarget)).all() == []


def test_only_admins_set_targets(app, client, advisor):
    assert client.get("/beheer/kpi-doelen").status_code == 403
    assert client.post("/beheer/kpi-doelen", data={"trechter": "5"}).status_code == 403
    with app.app_context():
        assert get_db().exec(select(KpiTarget)).all() == []


@pytest.mark.parametrize(("query", "message"), [
    ("van=2025-13-01", "Geen geldige datum"), ("tot=31-12-2025", "Geen geldige datum"),
    ("van=2025-06-01&tot=2025-01-01", "De einddatum ligt voor de begindatum"),
    ("van=2001-01-01&tot=2025-01-01", "hoogstens tien jaar"),
    ("van=9999-01-01&tot=9999-12-31", "tussen 2000 en 2100"),
    ("tot=1999-12-31", "tussen 2000 en 2100"), ("van=2100-01-01", "na vandaag")])
def test_bad_dates_are_a_dutch_400_on_the_page_and_the_downloads(client, advisor, query,
                                                                  message):
    page = client.get(f"/adviseur/kpi?{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)
    assert 'aria-invalid="true"' in page.get_data(as_text=True)
    for path in ("/adviseur/kpi/export/trechter.csv", "/adviseur/kpi/rapportage.xlsx"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_without_dates_the_dashboard_shows_the_last_12_months(client, advisor):
    page = client.get("/adviseur/kpi")
    assert page.status_code == 200 and "Periode:" in page.get_data(as_text=True)


def _csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_uses_semicolons_and_a_decimal_comma_that_parse_back(client, advisor, placed):
    response = client.get(f"/adviseur/kpi/export/trechter.csv?{PERIOD}")
    assert response.mimetype == "text/csv"
    assert "spt-trechter-20250101-20250630.csv" in response.headers["Content-Disposition"]
    rows = {row[0]: row for row in _csv(response)}
    assert rows["Onderdeel"][:4] == ["Onderdeel", "Totaal", "Vrouwen", "NT2"]
    proposal = rows["Matchvoorstel"]
    assert proposal[1] == "6" and proposal[4] == "0,8571"
    assert float(proposal[4].replace(",", ".")) == pytest.approx(6 / 7, abs=1e-4)


def test_the_rapportage_csv_holds_every_table_of_the_period(client, advisor, placed):
    rows = _csv(client.get(f"/adviseur/kpi/rapportage.csv?{PERIOD}"))
    assert rows[0] == ["Rapportage SPT Match"]
    assert rows[1][0] == "Periode" and "2025" in rows[1][1]
    titles = [r[0] for r in rows if len(r) == 1]
    assert "Behoud na plaatsing" in titles and "Voorstellen per plek" in titles


def test_the_rapportage_xlsx_opens_with_a_sheet_per_table_and_its_target(app, client, advisor,
                                                                        placed):
    with app.app_context():
        get_db().add(KpiTarget(key="behoud", value=90))
        get_db().commit()
    response = client.get(f"/adviseur/kpi/rapportage.xlsx?{PERIOD}")
    assert response.status_code == 200
    assert "spt-rapportage-20250101-20250630.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames[0] == "Rapportage SPT Match" and len(workbook.sheetnames) == 14
    assert "2025" in workbook.active["B2"].value
    retention = workbook["Behoud na plaatsing"]
    rows = {row[0].value: row for row in retention.iter_rows()}
    kept = rows["Na 6 maanden nog aan het werk"][1]
    assert kept.value == 0.8 and kept.number_format == "0%"
    assert rows["Doel"][1].value == 0.9
    assert retention["A1"].font.bold and retention.freeze_panes == "B2"
    themes = workbook["Plaatsingen per maand per thema"]
    assert [c.value for c in themes[1]] == ["Onderdeel", "Totaal", "energie", "installatie"]
    assert themes.max_row == 7


def test_candidates_and_employers_get_no_kpis(app, client, make_user, login):
    login(make_user("candidate"))
    for path in ("/adviseur/kpi", "/adviseur/kpi/rapportage.csv", "/beheer/kpi-doelen"):
        assert client.get(path).status_code == 403


def test_in_english_the_target_line_reads_target(app, client, advisor, placed):
    with app.app_context():
        get_db().add(KpiTarget(key="trechter", value=8))
        get_db().commit()
    client.get("/taal/en")
    text = client.get(f"/adviseur/kpi?{PERIOD}").get_data(as_text=True)
    assert "Target 8" in _svg(text, "trechter") and "Purpose" not in text


def test_a_period_without_placements_draws_empty_charts_and_says_so(client, advisor):
    text = client.get("/adviseur/kpi?van=2024-01-01&tot=2024-03-31").get_data(as_text=True)
    assert _bars(_svg(text, "plaatsingen-thema")) == []
    assert "Geen gegevens in deze periode." in _section(text, "capaciteit")
