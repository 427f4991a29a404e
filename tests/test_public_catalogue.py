"""Public career paths and training: listings, filters, pages, intake choice, sitemap, widgets."""

import re
import xml.etree.ElementTree as ET

import pytest
from sqlmodel import select

from spt import config
from spt.db import get_db
from spt.models import Candidate, CareerPath, CareerPathStep, IntakeDraft, Module
from spt.models._base import utcnow
from tests.factories import make_candidate
from tests.test_intake import STEP5, STEP6, fill_steps

BASE = "http://127.0.0.1:5000"


def _titles(html: str) -> list[str]:
    """The titles of the cards on a listing page, in order."""
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<h2><a href=[^>]+>(.*?)</a></h2>",
                                                          html)]


def _rows(app, model):
    with app.app_context():
        return list(get_db().exec(select(model).where(model.retired_at.is_(None))))


def _checked(html: str, name: str) -> set[str]:
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return {re.search(r'value="([^"]*)"', i).group(1) for i in inputs if "checked" in i}


def test_anyone_sees_every_career_path_with_a_link_to_its_page(app, client):
    response = client.get("/loopbaanpaden")
    html = response.get_data(as_text=True)
    paths = _rows(app, CareerPath)
    assert response.status_code == 200 and len(paths) == 18
    assert _titles(html) == sorted(p.title for p in paths)
    assert 'href="/loopbaanpaden/laadpaalmonteur"' in html
    assert "18 loopbaanpaden gevonden." in html


def test_paths_filter_by_theme_level_and_cost(app, client):
    paths = _rows(app, CareerPath)
    html = client.get("/loopbaanpaden?thema=energie").get_data(as_text=True)
    assert _titles(html) == sorted(p.title for p in paths if p.theme == "energie")
    html = client.get("/loopbaanpaden?niveau=bachelor").get_data(as_text=True)
    assert _titles(html) == sorted(p.title for p in paths if "bachelor" in p.levels)
    assert "Make IT Work" in " ".join(_titles(html))
    free = _titles(client.get("/loopbaanpaden?kosten=gratis").get_data(as_text=True))
    assert free and len(free) < len(paths)
    with app.app_context():
        db = get_db()
        for title in free:  # every module on a free path costs nothing
            path = db.exec(select(CareerPath).where(CareerPath.title == title)).one()
            costs = db.exec(select(Module.cost_eur).join(
                CareerPathStep, CareerPathStep.module_id == Module.id).where(
                CareerPathStep.career_path_id == path.id)).all()
            assert sum(costs) == 0, title


def test_modules_filter_by_theme_region_format_cost_and_civil_value(app, client):
    modules = _rows(app, Module)
    html = client.get("/scholing?thema=energie&civiele_waarde=wettelijk+erkend").get_data(
        as_text=True)
    assert _titles(html) == sorted(m.title for m in modules if "energie" in m.themes
                                   and m.civil_value == "wettelijk erkend")
    online = _titles(client.get("/scholing?vorm=online").get_data(as_text=True))
    assert online == sorted(m.title for m in modules if m.online or m.location == "online")
    flevoland = _titles(client.get("/scholing?regio=Flevoland").get_data(as_text=True))
    # Lelystad lies in Flevoland; online training can be followed from anywhere
    assert flevoland == sorted(m.title for m in modules if m.location == "Lelystad"
                               or m.online or m.location == "online")
    cheap = _titles(client.get("/scholing?kosten=tot-500&niveau=mbo-3").get_data(as_text=True))
    assert cheap == sorted(m.title for m in modules if m.cost_eur <= 500
                           and m.level == "mbo-3")


@pytest.mark.parametrize("query, field", [
    ("thema=maan", "thema"), ("niveau=mbo-9", "niveau"), ("regio=Atlantis", "regio"),
    ("kosten=%3Cscript%3E", "kosten"), ("civiele_waarde=heel+erg", "civiele_waarde")])
def test_an_unknown_filter_value_gets_a_dutch_message_and_400(client, query, field):
    response = client.get(f"/loopbaanpaden?{query}&thema=energie" if field != "thema"
                          else f"/loopbaanpaden?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-fout"' in html and "Deze keuze kennen we niet" in html
    assert "<script>" not in html
    assert _titles(html), "the listing still shows, without the refused filter"


def test_the_format_filter_belongs_to_modules_only(client):
    response = client.get("/scholing?vorm=per+post")
    assert response.status_code == 400 and 'id="vorm-fout"' in response.get_data(as_text=True)
    assert client.get("/loopbaanpaden?vorm=online").status_code == 200  # not a path filter


def test_a_path_page_shows_the_work_the_day_the_steps_duration_and_cost(app, client):
    response = client.get("/loopbaanpaden/laadpaalmonteur")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Loopbaanpad Laadpaalmonteur · Servicepunt Techniek</title>" in html
    assert "monteur elektrische installaties" in html  # the ESCO target occupation
    assert "laadpalen installeren" in html  # a required skill, by its label
    assert "Een dag uit het leven" in html and "Meeloopdag met een laadpaalmonteur" in html
    steps = re.findall(r'<span class="tag">([^<]+)</span>', html)
    assert steps == ["Kennismaken", "Scholing", "Scholing", "Scholing", "Werkplek",
                     "Aan het werk"]
    with app.app_context():
        db = get_db()
        path = db.exec(select(CareerPath).where(CareerPath.slug == "laadpaalmonteur")).one()
        modules = db.exec(select(Module).join(CareerPathStep, CareerPathStep.module_id ==
                                              Module.id).where(
            CareerPathStep.career_path_id == path.id)).all()
    weeks, cost = sum(m.weeks for m in modules), sum(m.cost_eur for m in modules)
    assert f"duurt samen ongeveer {weeks} weken en kost samen € {cost},00" in html.replace(
        "\xa0", " ")
    for module in modules:
        assert f'href="/scholing/{module.slug}"' in html
    assert 'href="/intake/?pad=laadpaalmonteur"' in html


def test_a_module_page_shows_what_where_when_and_the_paths_it_is_on(client):
    html = client.get("/scholing/keuzedeel-laadpalen").get_data(as_text=True)
    assert "ROC TOP" in html and "keuzedeel" in html and "wettelijk erkend" in html
    assert "10 weken, 4 uur per week" in html and "gratis" in html
    assert "Amsterdam (regio Groot Amsterdam)" in html
    assert "februari 2027" in html and "september 2027" in html
    assert 'href="/loopbaanpaden/laadpaalmonteur"' in html
    assert 'href="/intake/?module=keuzedeel-laadpalen"' in html


def test_past_start_moments_are_not_shown(app, client):
    with app.app_context():
        db = get_db()
        module = db.exec(select(Module).where(Module.slug == "keuzedeel-laadpalen")).one()
        module.start_moments = ["2020-01", "2999-03"]
        db.add(module)
        db.commit()
    html = client.get("/scholing/keuzedeel-laadpalen").get_data(as_text=True)
    assert "maart 2999" in html and "januari 2020" not in html


def test_unknown_and_retired_paths_and_modules_are_404(app, client):
    assert client.get("/loopbaanpaden/bestaat-niet").status_code == 404
    assert client.get("/scholing/bestaat-niet").status_code == 404
    with app.app_context():
        db = get_db()
        path = db.exec(select(CareerPath).where(CareerPath.slug == "fietstechnicus")).one()
        path.retired_at = utcnow()
        db.add(path)
        db.commit()
    response = client.get("/loopbaanpaden/fietstechnicus")
    assert response.status_code == 404
    assert "Dit loopbaanpad bestaat niet (meer)." in response.get_data(as_text=True)
    assert "fietstechnicus" not in client.get("/loopbaanpaden").get_data(as_text=True)
    assert "fietstechnicus" not in client.get("/sitemap.xml").get_data(as_text=True)


def test_pages_are_indexable_with_canonical_and_open_graph(client):
    html = client.get("/scholing/keuzedeel-laadpalen").get_data(as_text=True)
    url = f"{BASE}/scholing/keuzedeel-laadpalen"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="Scholing Keuzedeel Laadpalen">' in html
    assert '<meta property="og:description" content="' in html
    filtered = client.get("/loopbaanpaden?thema=energie").get_data(as_text=True)
    assert f'<link rel="canonical" href="{BASE}/loopbaanpaden">' in filtered


def test_the_sitemap_lists_every_public_page_and_nothing_else(app, client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {e.text for e in ET.fromstring(response.data).findall("s:url/s:loc", namespace)}
    paths, modules = _rows(app, CareerPath), _rows(app, Module)
    assert {f"{BASE}/loopbaanpaden/{p.slug}" for p in paths} <= urls
    assert {f"{BASE}/scholing/{m.slug}" for m in modules} <= urls
    assert {f"{BASE}/", f"{BASE}/loopbaanpaden", f"{BASE}/scholing"} <= urls
    assert len(urls) == 6 + len(paths) + len(modules)
    for url in list(urls)[:5]:
        assert client.get(url.removeprefix(BASE)).status_code == 200
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE}/sitemap.xml" in robots


def test_a_path_page_preselects_its_theme_and_kinds_in_the_intake(app, client):
    response = client.get("/intake/?pad=laadpaalmonteur")
    assert response.status_code == 302 and response.headers["Location"].endswith("/intake/1")
    fill_steps(client, upto=4)
    html = client.get("/intake/5").get_data(as_text=True)
    assert "Je koos Laadpaalmonteur" in html
    assert _checked(html, "themes") == {"energie"}
    assert _checked(html, "kinds") == {"wep", "proefplaatsing"}
    # what the browser sends back: the ticked boxes, and the rest of step 5
    wishes = STEP5 | {"themes": sorted(_checked(html, "themes")),
                      "kinds": sorted(_checked(html, "kinds"))}
    assert client.post("/intake/5", data=wishes).status_code == 302
    assert client.post("/intake/6", data=STEP6).status_code == 302
    with app.app_context():
        candidate = get_db().exec(select(Candidate).where(
            Candidate.email == "ali@example.nl")).one()
        assert candidate.themes == ["energie"]
        assert sorted(candidate.kinds) == ["proefplaatsing", "wep"]


def test_the_choice_is_added_to_saved_wishes_and_gone_once_step_5_is_saved(app, client):
    fill_steps(client, upto=5)  # energie and installatie, bbl and wep
    response = client.get("/intake/?module=vca-basis-cursus")
    assert response.headers["Location"].endswith("/intake/5")
    html = client.get("/intake/5").get_data(as_text=True)
    with app.app_context():
        themes = get_db().exec(select(Module.themes).where(
            Module.slug == "vca-basis-cursus")).one()
    assert _checked(html, "themes") == {"energie", "installatie", *themes}
    assert client.post("/intake/5", data=STEP5).status_code == 302  # unticked again
    html = client.get("/intake/5").get_data(as_text=True)
    assert _checked(html, "themes") == {"energie", "installatie"}
    assert "Je koos" not in html
    with app.app_context():
        draft = get_db().exec(select(IntakeDraft)).one()
        assert draft.data["5"]["themes"] == ["energie", "installatie"]


def test_a_finished_candidate_reaches_wishes_with_the_path_ticked(app, client, login):
    user_id, _candidate = make_candidate(app, themes=["bouw"], kinds=["bbl"])
    login(user_id)
    response = client.get("/intake/?pad=ict-support-beheer")
    assert response.headers["Location"].endswith("/intake/5")
    assert _checked(client.get("/intake/5").get_data(as_text=True), "themes") == {"bouw", "ict"}


def test_an_unknown_path_in_the_intake_link_is_ignored_with_a_message(client):
    response = client.get("/intake/?pad=bestaat-niet", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Deze keuze kennen we niet (meer)." in html
    fill_steps(client, upto=4)
    assert _checked(client.get("/intake/5").get_data(as_text=True), "themes") == set()


def test_widgets_may_be_framed_by_the_partners_only(app, client):
    app.config["FRAME_ANCESTORS"] = ("https://www.partner.nl", "https://*.gemeente.nl")
    widget = client.get("/embed/loopbaanpaden?thema=energie")
    html = widget.get_data(as_text=True)
    policy = widget.headers["Content-Security-Policy"]
    assert widget.status_code == 200
    assert "frame-ancestors https://www.partner.nl https://*.gemeente.nl;" in policy
    assert "X-Frame-Options" not in widget.headers
    assert "<script" not in html and "<form" not in html
    assert 'target="_blank"' in html and "Laadpaalmonteur" in html and "Timmerman" not in html
    for path in ("/", "/loopbaanpaden", "/scholing/keuzedeel-laadpalen", "/inloggen"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path
    assert "frame-ancestors https://www.partner.nl" in client.get(
        "/embed/scholing").headers["Content-Security-Policy"]


def test_without_partners_the_widget_refuses_framing_too(client):
    headers = client.get("/embed/loopbaanpaden").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_a_bad_widget_filter_is_a_400_with_a_message(client):
    response = client.get("/embed/scholing?kosten=veel")
    assert response.status_code == 400
    assert "Deze keuze kennen we niet" in response.get_data(as_text=True)


def test_the_partner_list_is_parsed_strictly():
    parsed = config.from_environment({"SPT_FRAME_ANCESTORS":
                                      "https://www.partner.nl/, https://*.gemeente.nl:8443"})
    assert parsed["FRAME_ANCESTORS"] == ("https://www.partner.nl", "https://*.gemeente.nl:8443")
    for bad in ("https://a.nl/pad", "https://a.nl; script-src *", "http://partner.nl",
                "partner.nl", "'self'", "*"):
        with pytest.raises(config.UnsafeConfigError, match="SPT_FRAME_ANCESTORS"):
            config.from_environment({"SPT_FRAME_ANCESTORS": bad})


def test_the_pages_speak_english_too(client):
    client.get("/taal/en")
    html = client.get("/loopbaanpaden/laadpaalmonteur").get_data(as_text=True)
    assert "What is the work?" in html and "Start the intake" in html
