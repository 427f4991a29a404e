"""KPI figures against hand-computed fixtures, small-cell suppression and the dashboard page."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.models import AuditEvent, Candidate, Module, ModuleEnrolment, StatusChange
from spt.models._base import utcnow
from spt.services import kpis
from tests.factories import make_employer, make_match, make_placement

TODAY = date.today()


def _candidates(db, n, **fields) -> list[int]:
    rows = [Candidate(first_name="X", intake_completed_at=utcnow(), **fields) for _ in range(n)]
    db.add_all(rows)
    db.flush()
    return [r.id for r in rows]


def _reach(db, ids, status, **fields):
    db.add_all(StatusChange(subject_type="candidate", subject_id=i, to_status=status, **fields)
               for i in ids)


@pytest.fixture
def history(app):
    """25 candidates: 12 women, 8 NT2 men, 5 other men; 2 more with an open intake.

    Funnel in the period: 25 intake -> 15 matchvoorstel (10 women, 5 other men) -> 6 voorgesteld
    (5 women, 1 man). One change outside the period. 3 placed after 10, 20 and 40 days.
    """
    with app.app_context():
        db = get_db()
        women = _candidates(db, 12, gender="v", nt2_speaker=False)
        nt2 = _candidates(db, 8, gender="m", nt2_speaker=True)
        men = _candidates(db, 5, gender="m", nt2_speaker=False)
        db.add_all([Candidate(first_name="Open"), Candidate(first_name="Open")])
        _reach(db, women + nt2 + men, "intake_afgerond")
        _reach(db, women[:10] + men, "matchvoorstel")
        _reach(db, women[:5] + men[:1], "voorgesteld")
        _reach(db, nt2[:1], "matchvoorstel", at=utcnow() - timedelta(days=400))
        for cid, days in zip(women[10:12] + nt2[:1], (10, 20, 40), strict=True):
            db.get(Candidate, cid).intake_completed_at = utcnow() - timedelta(days=days)
            _reach(db, [cid], "geplaatst")
        db.commit()
        return {"women": women, "nt2": nt2, "men": men}


def _tables(app, first=None, last=None):
    with app.app_context():
        return {t.key: t for t in kpis.dashboard(get_db(), kpis.Period.of(first, last))}


def _shown(cells):
    return [c.display() for c in cells]


def test_intakes_complete_and_incomplete(app, history):
    table = _tables(app)["intakes"]
    assert _shown(table.rows[0][1]) == ["25", "12", "n<10"]
    assert _shown(table.rows[1][1]) == ["2", "n<10", "n<10"]


def test_funnel_counts_conversion_and_small_cell_suppression(app, history):
    rows = dict(_tables(app)["trechter"].rows)
    intake, proposal = rows["Intake afgerond"], rows["Matchvoorstel"]
    introduced = rows["Voorgesteld aan werkgever"]
    # placed candidates (geplaatst) also passed the earlier stages
    assert _shown(intake) == ["25", "12", "n<10", "—", "—", "—"]
    assert _shown(proposal) == ["18", "12", "n<10", "72%", "100%", "n<10"]
    assert _shown(introduced) == ["9", "n<10", "n<10", "50%", "58%", "n<10"]
    assert _shown(rows["Geplaatst"])[:3] == ["3", "n<10", "n<10"]


def test_a_period_filter_leaves_out_older_changes(app, history):
    old = (date.today() - timedelta(days=400))
    rows = dict(_tables(app, old, old)["trechter"].rows)
    assert _shown(rows["Matchvoorstel"])[0] == "1"
    assert _shown(rows["Intake afgerond"])[0] == "1"


def test_median_time_to_placement(app, history):
    rows = dict(_tables(app)["doorlooptijd"].rows)
    assert _shown(rows["Mediaan dagen van intake tot geplaatst"]) == ["20,0", "n<10", "n<10"]


def test_placements_by_kind_capacity_congestion_and_override_rate(app, history):
    _u, employer = make_employer(app, mentor_capacity=3, name="Warmte BV")
    placement = make_placement(app, employer, kind="bbl", theme="installatie")
    with app.app_context():
        db = get_db()
        ids = history["women"][:4]
    matches = [make_match(app, cid, placement, status="kennismaking", proposed_at=utcnow())
               for cid in ids]
    with app.app_context():
        db = get_db()
        db.add(StatusChange(subject_type="match", subject_id=matches[0], to_status="geplaatst"))
        db.add_all(AuditEvent(action="advisor.proposed", subject_type="match", subject_id=m)
                   for m in matches)
        db.add(AuditEvent(action="advisor.override", subject_type="match", subject_id=matches[1]))
        db.commit()
    tables = _tables(app)
    assert dict(tables["soort"].rows)["bbl"][0].value == 1
    assert dict(tables["thema"].rows)["installatie"][0].value == 1
    assert _shown(dict(tables["capaciteit"].rows)["Warmte BV"]) == [
        "4", "n<10", "n<10", "3", "133%"]
    congestion = tables["congestie"].rows
    assert congestion[0][1][0].display() == "4,0"
    assert _shown(congestion[1][1])[0] == "4"
    overrides = dict(tables["afwijkingen"].rows)
    assert _shown(overrides["Aandeel voorstellen met afwijking"]) == ["25%", "n<10", "n<10"]
    assert _shown(dict(tables["modules"].rows)["Gestart"]) == ["0", "n<10", "n<10"]


def test_dashboard_page_has_tables_meters_and_export_links(app, client, advisor, history):
    page = client.get(f"/adviseur/kpi?van={TODAY - timedelta(days=30)}&tot={TODAY}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<meter" in text and 'scope="row"' in text and "n&lt;10" in text
    assert "/adviseur/kpi/export/trechter.csv" in text and "Scholing: modules" in text
    assert 'style="' not in text


def _enrol(db, ids, slug, *, status="afgerond", started=20, ended=5):
    module = db.exec(select(Module).where(Module.slug == slug)).one()
    db.add_all(ModuleEnrolment(candidate_id=i, module_id=module.id, status=status,
                               started_on=TODAY - timedelta(days=started),
                               ended_on=None if status == "gestart" else
                               TODAY - timedelta(days=ended),
                               civil_value=module.civil_value if status == "afgerond" else None)
               for i in ids)


CIVIL, INSTITUTIONAL = "prefab-bouwen-flevoland", "warmtepomp-training"


def test_modules_started_completed_and_share_with_civiele_waarde(app, history):
    """20 started in the period, 14 completed (7 with civiele waarde), 2 stopped."""
    women, nt2, men = history["women"], history["nt2"], history["men"]
    with app.app_context():
        db = get_db()
        _enrol(db, women[:6], CIVIL)
        _enrol(db, women[6:10] + nt2[:3], INSTITUTIONAL)
        _enrol(db, women[10:11] + nt2[3:4], INSTITUTIONAL, status="gestopt")
        _enrol(db, women[11:] + nt2[4:], INSTITUTIONAL, status="gestart")
        _enrol(db, men[:1], CIVIL, started=400)  # started before the period, completed in it
        db.commit()
    rows = dict(_tables(app)["modules"].rows)
    assert _shown(rows["Gestart"]) == ["20", "12", "n<10"]
    assert _shown(rows["Afgerond"]) == ["14", "10", "n<10"]
    assert _shown(rows["Gestopt"]) == ["2", "n<10", "n<10"]
    assert _shown(rows["Aandeel afgerond van wie afrondde of stopte"]) == ["88%", "91%", "n<10"]
    assert _shown(rows["Aandeel afgeronde modules met civiele waarde"]) == ["50%", "60%", "n<10"]
    last_month = _tables(app, TODAY - timedelta(days=10), TODAY)["modules"]
    assert _shown(dict(last_month.rows)["Gestart"])[0] == "0"
    assert _shown(dict(last_month.rows)["Afgerond"])[0] == "14"
    with app.app_context():  # a later catalogue edit leaves the completed modules' value alone
        db = get_db()
        db.exec(select(Module).where(Module.slug == CIVIL)).one().civil_value = "geen"
        db.commit()
    rows = dict(_tables(app)["modules"].rows)
    assert _shown(rows["Aandeel afgeronde modules met civiele waarde"])[0] == "50%"


def test_module_days_on_the_edges_of_the_period(app, history):
    """Started on the first day counts; completed the day after the last day does not."""
    first, last = TODAY - timedelta(days=20), TODAY - timedelta(days=6)
    with app.app_context():
        db = get_db()
        _enrol(db, history["women"][:3], CIVIL, started=20, ended=5)
        db.commit()
    rows = dict(_tables(app, first, last)["modules"].rows)
    assert (_shown(rows["Gestart"])[0], _shown(rows["Afgerond"])[0]) == ("3", "0")
    rows = dict(_tables(app, first + timedelta(days=1), last + timedelta(days=1))["modules"].rows)
    assert (_shown(rows["Gestart"])[0], _shown(rows["Afgerond"])[0]) == ("0", "3")


def test_one_person_with_many_modules_is_not_a_group(app, history):
    one_woman = history["women"][0]
    with app.app_context():
        db = get_db()
        slugs = db.exec(select(Module.slug).order_by(Module.id).limit(10)).all()
        for slug in slugs:
            _enrol(db, [one_woman], slug, status="gestart")
        db.commit()
    started = dict(_tables(app)["modules"].rows)["Gestart"]
    assert started[0].display() == "10" and started[1].suppressed


def _placed(db, ids, days_ago, dropped_after=None):
    placed_at = utcnow() - timedelta(days=days_ago)
    _reach(db, ids, "geplaatst", at=placed_at)
    if dropped_after is not None:
        _reach(db, ids, "uitgevallen", at=placed_at + timedelta(days=dropped_after),
               reason="contract beëindigd")


def test_retention_after_6_and_12_months(app):
    """25 placed 200 or 400 days ago (22 women, 3 NT2); 4 drop out early, 1 after 250 days."""
    with app.app_context():
        db = get_db()
        recent_women = _candidates(db, 12, gender="v", nt2_speaker=False)
        recent_nt2 = _candidates(db, 3, gender="m", nt2_speaker=True)
        older_women = _candidates(db, 10, gender="v", nt2_speaker=False)
        too_recent = _candidates(db, 4, gender="m", nt2_speaker=False)
        _placed(db, recent_women[:10] + recent_nt2[:2], 200)
        _placed(db, recent_women[10:] + recent_nt2[2:], 200, dropped_after=30)
        _placed(db, older_women[:8], 400)
        _placed(db, older_women[8:9], 400, dropped_after=250)
        _placed(db, older_women[9:], 400, dropped_after=100)
        _placed(db, too_recent, 100, dropped_after=10)
        db.commit()
    rows = dict(_tables(app, TODAY - timedelta(days=500), TODAY)["behoud"].rows)
    assert _shown(rows["Na 6 maanden nog aan het werk"]) == ["84%", "86%", "n<10"]
    assert _shown(rows["Geplaatst, 6 maanden of langer geleden"]) == ["25", "22", "n<10"]
    assert _shown(rows["Na 12 maanden nog aan het werk"]) == ["80%", "80%", "n<10"]
    assert _shown(rows["Geplaatst, 12 maanden of langer geleden"]) == ["10", "10", "n<10"]
    last_year = dict(_tables(app)["behoud"].rows)
    assert _shown(last_year["Na 6 maanden nog aan het werk"]) == ["80%", "83%", "n<10"]
    assert _shown(last_year["Geplaatst, 12 maanden of langer geleden"])[0] == "0"
