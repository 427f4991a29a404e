"""'Mijn loopbaan': reasons named from the score, honest routes and totals."""

import re

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
