"""Admin pages for skills, modules and career paths."""

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.models import CareerPath, CareerPathStep, Module, ModuleSkill, Occupation, Skill


@pytest.fixture
def admin(make_user, login):
    user_id = make_user("admin")
    login(user_id)
    return user_id


def test_only_admins_reach_the_catalogue(app, make_user):
    for role in ("candidate", "employer", "advisor"):
        client = app.test_client()
        make_user(role, email=f"{role}@x.nl")
        client.post("/inloggen", data={"email": f"{role}@x.nl",
                                       "password": "een lang wachtwoord 42"})
        for path in ("/beheer/vaardigheden", "/beheer/modules/nieuw", "/beheer/loopbaanpaden"):
            assert client.get(path).status_code == 403
    assert app.test_client().get("/beheer/vaardigheden").status_code == 302


def test_admin_creates_a_skill(app, client, admin):
    response = client.post("/beheer/vaardigheden/nieuw", data={
        "slug": "waterstof-tanken", "label": "waterstof tanken veilig uitvoeren",
        "kind": "vaardigheid", "themes": ["energie"], "synonyms": "H2 tanken\nwaterstof vullen",
        "esco_uris": ""})
    assert response.status_code == 302
    with app.app_context():
        skill = get_db().exec(select(Skill).where(Skill.slug == "waterstof-tanken")).one()
        assert skill.synonyms == ["H2 tanken", "waterstof vullen"]
        assert skill.themes == ["energie"]


@pytest.mark.parametrize(("data", "message"), [
    ({"slug": "Met Spaties", "label": "x", "kind": "kennis"}, "kleine letters"),
    ({"slug": "vca-basis", "label": "dubbel", "kind": "kennis"}, "al in gebruik"),
    ({"slug": "nieuw", "label": "", "kind": "kennis"}, "verplicht"),
    ({"slug": "nieuw", "label": "x", "kind": "geen-soort"}, "Ongeldige keuze"),
])
def test_bad_skill_input_is_refused_and_nothing_is_stored(app, client, admin, data, message):
    with app.app_context():
        before = len(get_db().exec(select(Skill)).all())
    response = client.post("/beheer/vaardigheden/nieuw", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert len(get_db().exec(select(Skill)).all()) == before


def test_admin_edits_a_module_and_its_skills(app, client, admin):
    with app.app_context():
        module = get_db().exec(select(Module).order_by(Module.id)).first()
    page = client.get(f"/beheer/modules/{module.id}")
    assert page.status_code == 200 and module.title in page.get_data(as_text=True)
    response = client.post(f"/beheer/modules/{module.id}", data={
        "slug": module.slug, "title": "Nieuwe titel", "provider": module.provider,
        "credential": "mbo-certificaat", "civil_value": "landelijk erkend", "level": "mbo-2",
        "weeks": 8, "hours_per_week": 8, "cost_eur": 450, "location": "Amsterdam",
        "start_moments": "2027-02\n2027-09", "min_nt2": "A2", "min_level": "",
        "themes": ["energie"], "skills": "vca-basis\nwerken-op-hoogte", "description": "Kort."})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        saved = db.get(Module, module.id)
        assert (saved.title, saved.weeks, saved.start_moments) == (
            "Nieuwe titel", 8, ["2027-02", "2027-09"])
        taught = db.exec(select(Skill.slug).join(ModuleSkill).where(
            ModuleSkill.module_id == module.id)).all()
        assert sorted(taught) == ["vca-basis", "werken-op-hoogte"]


def test_module_with_an_unknown_skill_is_refused_unchanged(app, client, admin):
    with app.app_context():
        module = get_db().exec(select(Module).order_by(Module.id)).first()
    response = client.post(f"/beheer/modules/{module.id}", data={
        "slug": module.slug, "title": "Andere titel", "provider": "X",
        "credential": "geen", "civil_value": "geen", "weeks": 2, "hours_per_week": 4,
        "level": "", "min_nt2": "", "min_level": "", "skills": "bestaat-niet"})
    assert response.status_code == 400
    assert "Onbekende vaardigheid: bestaat-niet" in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(Module, module.id).title == module.title


def test_admin_creates_a_career_path_with_steps(app, client, admin):
    with app.app_context():
        module = get_db().exec(select(Module).order_by(Module.id)).first()
    uri = "http://data.europa.eu/esco/occupation/" + _solar_uri_suffix(app)
    response = client.post("/beheer/loopbaanpaden/nieuw", data={
        "slug": "zon-op-dak", "title": "Van chauffeur naar zonnepanelen",
        "theme": "energie", "levels": ["mbo-2", "mbo-3"], "target_occupations": uri,
        "required_skills": "zonnepanelen-monteren",
        "steps": f"orientatie | Meeloopdag\nmodule | Basis | {module.slug}\n"
                 "plek | Leerbaan | bbl, wep\nbaan | Monteur zonnepanelen"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        path = db.exec(select(CareerPath).where(CareerPath.slug == "zon-op-dak")).one()
        steps = db.exec(select(CareerPathStep).where(CareerPathStep.career_path_id == path.id)
                        .order_by(CareerPathStep.position)).all()
        assert [s.kind for s in steps] == ["orientation", "module", "placement", "job"]
        assert steps[1].module_id == module.id and steps[2].placement_kinds == ["bbl", "wep"]


def _solar_uri_suffix(app) -> str:
    with app.app_context():
        uri = get_db().exec(select(Occupation.uri).where(
            Occupation.preferred_label == "monteur zonnepanelen")).one()
    return uri.rsplit("/", 1)[1]


@pytest.mark.parametrize(("steps", "uris", "message"), [
    ("vlieg | naar de maan", None, "Stap 1"),
    ("module | x | geen-module", None, "bestaat niet"),
    ("baan | monteur", "http://data.europa.eu/esco/occupation/nep", "Onbekend ESCO-beroep"),
])
def test_bad_career_path_is_refused(app, client, admin, steps, uris, message):
    response = client.post("/beheer/loopbaanpaden/nieuw", data={
        "slug": "fout-pad", "title": "Fout", "theme": "bouw",
        "target_occupations": uris or "http://data.europa.eu/esco/occupation/"
        + _solar_uri_suffix(app), "steps": steps})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().exec(select(CareerPath).where(CareerPath.slug == "fout-pad")).first() \
            is None


def test_retiring_a_skill_hides_it_and_keeps_what_refers_to_it(app, client, admin):
    with app.app_context():
        skill = get_db().exec(select(Skill).where(Skill.slug == "vca-basis")).one()
        links = len(get_db().exec(select(ModuleSkill).where(
            ModuleSkill.skill_id == skill.id)).all())
    assert client.post(f"/beheer/vaardigheden/{skill.id}/intrekken").status_code == 302
    listing = client.get("/beheer/vaardigheden?q=vca").get_data(as_text=True)
    assert "vca-basis" not in listing
    assert "vca-basis" in client.get("/beheer/vaardigheden?q=vca&ingetrokken=1").get_data(
        as_text=True)
    with app.app_context():
        assert get_db().get(Skill, skill.id).retired_at is not None
        assert len(get_db().exec(select(ModuleSkill).where(
            ModuleSkill.skill_id == skill.id)).all()) == links
    client.post(f"/beheer/vaardigheden/{skill.id}/intrekken", data={"herstellen": "1"})
    with app.app_context():
        assert get_db().get(Skill, skill.id).retired_at is None


def test_editing_an_unknown_row_is_404(client, admin):
    assert client.get("/beheer/modules/999999").status_code == 404
    assert client.post("/beheer/loopbaanpaden/999999/intrekken").status_code == 404
