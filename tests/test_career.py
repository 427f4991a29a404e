"""'Mijn loopbaan': reasons named from the score, honest routes and totals."""

import re
from datetime import date

from sqlmodel import col, select

import matching
from spt.db import get_db
from spt.models import (
    Candidate,
    CandidateOccupation,
    CareerPath,
    Module,
    ModuleEnrolment,
    Occupation,
)
from spt.models._base import utcnow
from spt.services import career, matchmaking
from tests.factories import make_candidate, make_employer, make_placement
from tests.test_candidate_pages import login_as


def _cards(html: str) -> dict[str, str]:
    """The text of each placement card on the page, by its title."""
    section = html[html.index('id="plekken-titel"'):]
    cards = re.findall(r'<article class="card">\s*<h3>(.*?)</h3>(.*?)</article>', section, re.S)
    return {title.strip(): re.sub(r"\s+", " ", body) for title, body in cards}


def test_why_it_fits_names_the_wishes_met_and_the_skills_and_never_the_canned_text(app):
    _eu, employer = make_employer(app)
    make_placement(app, employer, title="leerling zonnemonteur", kind="bbl", theme="energie",
                   pc4="1093", hours_per_week=36, essential=("zonnepanelen-monteren",))
    make_placement(app, employer, title="ict helpdesk", kind="wep", theme="ict", pc4="1093",
                   hours_per_week=28, essential=("helpdesk", "besturingssystemen"))
    user, _candidate = make_candidate(app, themes=["mobiliteit", "energie"],
                                      kinds=["vacature", "bbl"], hours_per_week=36)
    html = login_as(app, user).get("/kandidaat/").get_data(as_text=True)
    assert "Het past bij je wensen en je kunt het leren" not in html
    cards = _cards(html)
    good, stretch = cards["leerling zonnemonteur"], cards["ict helpdesk"]
    assert "Het past bij wat je wilt: thema energie, een BBL-leerbaan, 36 uur per week" in good
    assert "Je kunt al: zonnepanelen monteren" in good
    assert "Vereiste vaardigheden: 1 van 1." in good and "gok" not in good
    assert "Eerlijk gezegd: dit is een gok." in stretch
    assert "thema" not in stretch.split("Let op")[0]  # neither his theme nor his kind
    assert "Op deze plek leer je ze." in stretch  # a WEP: honest about learning on the job
    assert "het thema is ICT, en je koos energie, mobiliteit" in stretch
    assert "het is een werkervaringsplek (WEP), en je zoekt een BBL-leerbaan, een baan" in stretch
    assert "28 uur per week, en je wilt 36 uur" in stretch
    assert "Vereiste vaardigheden: 0 van 2." in stretch
    assert "haalbaar met Mbo-certificaat ICT-servicedesk (20 weken, gratis)" in stretch


def test_a_closable_vca_gap_says_haalbaar_met_the_course_with_weeks_and_cost(app):
    _eu, employer = make_employer(app)
    make_placement(app, employer, title="monteur zonnepanelen", kind="vacature",
                   theme="energie", pc4="1093", requires_vca=True,
                   essential=("zonnepanelen-monteren",))
    user, _candidate = make_candidate(app, certificates=[])
    card = _cards(login_as(app, user).get("/kandidaat/").get_data(as_text=True))[
        "monteur zonnepanelen"]
    assert "VCA: haalbaar met VCA Basisveiligheid (B-VCA) (1 week, € 195,00)" in card


def _only_path(app, slug):
    """Retire every career path but one, so 'Mijn loopbaan' shows that one."""


    with app.app_context():
        db = get_db()
        for path in db.exec(select(CareerPath).where(CareerPath.slug != slug)):
            path.retired_at = utcnow()
            db.add(path)
        matchmaking.changed(db)
        db.commit()


def _route(app, candidate_id, slug="bim-modelleur"):

    with app.app_context():
        db = get_db()
        view = career.overview(db, db.get(Candidate, candidate_id))
        (path,) = [p for p in view.paths if p.title.startswith("BIM")]
        steps = {s.module.slug: s for s in path.steps if s.module}
        return path, steps, matching


def _enrol(app, candidate_id, slug, status):



    with app.app_context():
        db = get_db()
        module = db.exec(select(Module).where(Module.slug == slug)).one()
        db.add(ModuleEnrolment(candidate_id=candidate_id, module_id=module.id, status=status,
                               started_on=date(2026, 9, 1)))
        db.commit()


def test_a_language_bridge_opens_the_modules_and_counts_in_the_totals(app):
    _only_path(app, "bim-modelleur")
    user, candidate = make_candidate(app, nt2_level="A1", skills=(), themes=["bouw"],
                                     level="mbo-4")
    path, steps, _m = _route(app, candidate)
    titles = [m.title for m in path.modules]
    assert titles[:2] == ["Taalmodule NT2: Nederlands voor de techniek (A2)",
                          "Taalmodule NT2: Nederlands op werkniveau (B1)"]
    assert steps["bim-revit-basis"].state == "after_bridge"
    assert "Taalmodule NT2: Nederlands op werkniveau (B1)" in steps["bim-revit-basis"].via
    assert steps["technisch-tekenen-cad"].state == "after_bridge"
    assert path.total_weeks == sum(m.weeks for m in path.modules) == 16 + 20 + 10 + 8
    assert path.total_cost == 1350
    html = login_as(app, user).get("/kandidaat/").get_data(as_text=True)
    assert "niet nodig voor jou" not in html
    assert "Scholing: ongeveer 54 weken" in html and "gratis voor jou" not in html
    assert "eerst: taalmodule" in html and "in je plan, na Taalmodule NT2" in html


def test_a_module_above_the_candidates_level_is_not_yet_open_and_not_counted(app):
    _only_path(app, "bim-modelleur")
    user, candidate = make_candidate(app, nt2_level="A1", skills=(), themes=["bouw"],
                                     level="mbo-2")
    path, steps, _m = _route(app, candidate)
    revit = steps["bim-revit-basis"]
    assert (revit.state, revit.why) == ("closed", "level_below_minimum")
    assert "bim-revit-basis" not in {m.slug for m in path.modules}
    assert (path.total_weeks, path.total_cost) == (16 + 20 + 10, 0)
    html = login_as(app, user).get("/kandidaat/").get_data(as_text=True)
    assert "nog niet open voor jou" in html and "hoger opleidingsniveau" in html
    assert "Scholing: ongeveer 46 weken" in html and "gratis voor jou" in html


def test_started_and_completed_modules_are_never_advised_again(app):
    _only_path(app, "bim-modelleur")
    user, candidate = make_candidate(app, nt2_level="B2", skills=(), themes=["bouw"],
                                     level="mbo-4")
    _enrol(app, candidate, "bim-revit-basis", "gestart")
    _enrol(app, candidate, "technisch-tekenen-cad", "afgerond")
    path, steps, _m = _route(app, candidate)
    assert steps["bim-revit-basis"].state == "gestart"
    assert steps["technisch-tekenen-cad"].state == "afgerond"
    planned = {m.slug for m in path.modules}
    assert not planned & {"bim-revit-basis", "technisch-tekenen-cad"}
    assert path.total_weeks == sum(m.weeks for m in path.modules)
    html = login_as(app, user).get("/kandidaat/").get_data(as_text=True)
    assert "je bent hiermee bezig" in html and "al gedaan" in html


def test_a_module_is_not_needed_only_with_the_reason_and_free_only_when_it_is(app):
    _only_path(app, "bim-modelleur")
    user, candidate = make_candidate(
        app, nt2_level="B2", themes=["bouw"], level="mbo-4",
        skills=("cad-tekenen", "technisch-tekenen", "tekeningen-lezen"))
    path, steps, _m = _route(app, candidate)
    cad = steps["technisch-tekenen-cad"]
    assert cad.state == "not_needed" and cad.why == "has_skills" and cad.skills
    assert steps["bim-revit-basis"].state == "planned"
    assert [m.slug for m in path.modules] == ["bim-revit-basis"]
    assert (path.total_weeks, path.total_cost) == (8, 1350)
    html = login_as(app, user).get("/kandidaat/").get_data(as_text=True)
    assert "je kunt dit al:" in html and "gratis voor jou" not in html


def test_a_switcher_is_told_when_a_place_is_like_the_work_they_leave(app):


    with app.app_context():
        db = get_db()
        driver = db.exec(select(Occupation).where(
            Occupation.preferred_label == "vrachtwagenchauffeur")).one()
        other = db.exec(select(Occupation).where(
            col(Occupation.isco_group).startswith("7"),
            ~col(Occupation.isco_group).startswith(driver.isco_group[:1]))).first()
        ids = driver.id, other.id
    _eu, employer = make_employer(app)
    make_placement(app, employer, title="chauffeur zonnepanelen", theme="energie", pc4="1093",
                   occupation_id=ids[0])
    make_placement(app, employer, title="monteur zonnepanelen", theme="energie", pc4="1093",
                   occupation_id=ids[1])
    user, candidate = make_candidate(app, intent="switch")
    with app.app_context():
        db = get_db()
        db.add(CandidateOccupation(candidate_id=candidate, occupation_id=ids[0],
                                   free_text="chauffeur", years=8))
        db.commit()
    cards = _cards(login_as(app, user).get("/kandidaat/").get_data(as_text=True))
    assert "dit werk lijkt op je vorige werk, en je wilde overstappen" in cards[
        "chauffeur zonnepanelen"]
    assert "Je wilt overstappen, en dit werk is anders dan je vorige werk." in cards[
        "monteur zonnepanelen"]


def test_the_public_page_explains_alleen_intent_and_closable_requirements(client):
    html = client.get("/hoe-werkt-het-matchen").get_data(as_text=True)
    assert "Wat je zelf kiest" in html and "alleen dit" in html
    assert "overstappen" in html and "met die cursus" in html


def test_hours_close_to_the_wish_are_said_as_they_are(app):
    _eu, employer = make_employer(app)
    make_placement(app, employer, title="monteur 36 uur", kind="bbl", theme="energie",
                   pc4="1093", hours_per_week=36)
    user, _candidate = make_candidate(app, hours_per_week=32)
    card = _cards(login_as(app, user).get("/kandidaat/").get_data(as_text=True))["monteur 36 uur"]
    assert "36 uur per week, en je wilt 32 uur" in card.split("Let op:")[1]
    assert "36 uur per week" not in card.split("Let op:")[0].split("Waarom past dit?")[1]


def test_a_vca_course_on_the_path_is_not_needed_for_someone_with_vca(app):
    _only_path(app, "werkvoorbereider")

    def vca_step(certificates):
        _u, candidate = make_candidate(app, nt2_level="B2", level="mbo-4", themes=["bouw"],
                                       certificates=certificates)

        with app.app_context():
            db = get_db()
            (path,) = career.overview(db, db.get(Candidate, candidate)).paths
            return path, next(s for s in path.steps if s.module and "VCA" in s.title)

    path, step = vca_step(["vca-basis"])
    assert (step.state, step.why) == ("not_needed", "has_skills")
    assert all("VCA" not in m.title for m in path.modules)
    path, step = vca_step([])
    assert step.state == "planned" and any("VCA" in m.title for m in path.modules)
