"""Employer portal: the organisation profile and placements of every kind."""

import html
import re

import pytest
from sqlmodel import func, select

from spt.db import get_db
from spt.models import AuditEvent, Employer, Occupation, Placement, PlacementSkill, Skill
from spt.services import matchmaking
from tests.factories import make_candidate, make_employer, make_placement

KINDS = ("vacature", "wep", "bbl", "stage", "proefplaatsing")
CREBO = "25332"  # Eerste monteur elektrotechnische installaties woning en utiliteit


def placement_form(**overrides) -> dict:
    """A valid 'new placement' form; BBL and stage get a crebo."""
    data = {"kind": "vacature", "status": "open", "title": "monteur zonnepanelen",
            "description": "Je legt zonnepanelen op daken in Amsterdam, met een vaste collega.",
            "essential_skills": "zonnepanelen monteren\nVCA",
            "optional_skills": "laadpalen installeren", "level": "mbo-2", "crebo": "",
            "theme": "energie", "postcode": "1012 AB", "hours_per_week": "32",
            "start_date": "2027-03-01", "duration_weeks": "", "seats": "2", "min_nt2": "A2",
            "instrument": "geen", "meeloopdag": "y"}
    if overrides.get("kind") in ("bbl", "stage"):
        data["crebo"] = CREBO
    return data | overrides


HIDDEN = re.compile(r'name="(checked|choices)" type="hidden" value="([^"]*)"')


def seen(response) -> dict:
    """The hidden fields of a preview: what the employer saw, to save it as seen."""
    return {name: html.unescape(value)
            for name, value in HIDDEN.findall(response.get_data(as_text=True))}


def save_placement(client, url: str, data: dict):
    """Post the placement form as an employer does: see what it becomes, then save that."""
    shown = client.post(url, data=data)
    if shown.status_code != 200:
        return shown
    assert "Wat uw eisen en wensen worden" in shown.get_data(as_text=True)
    return client.post(url, data=data | seen(shown))


@pytest.fixture
def employer(app, login):
    """A verified erkend leerbedrijf, logged in: (user id, employer id)."""
    user_id, employer_id = make_employer(app, recognised_training_company=True,
                                         sbb_number="1234567")
    login(user_id)
    return user_id, employer_id


def count_placements(app) -> int:
    with app.app_context():
        return get_db().exec(select(func.count(Placement.id))).one()


@pytest.mark.parametrize("kind", KINDS)
def test_employer_posts_each_kind_of_placement(app, client, employer, kind):
    response = save_placement(client, "/werkgever/plekken/nieuw", placement_form(kind=kind))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        placement = db.exec(select(Placement)).one()
        assert (placement.kind, placement.employer_id, placement.status) == (kind, employer[1],
                                                                             "open")
        assert (placement.pc4, placement.hours_per_week, placement.seats) == ("1012", 32, 2)
        assert placement.meeloopdag and placement.min_nt2 == "A2"
        assert placement.crebo == (CREBO if kind in ("bbl", "stage") else None)
        occupation = db.get(Occupation, placement.occupation_id)
        assert occupation.preferred_label == "monteur zonnepanelen"
        skills = dict(db.exec(select(Skill.slug, PlacementSkill.relation).join(Skill).where(
            PlacementSkill.placement_id == placement.id)).all())
        assert skills == {"zonnepanelen-monteren": "essential", "vca-basis": "essential",
                          "laadpalen-installeren": "optional"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Herkenning" in page and "monteur zonnepanelen" in page
    assert "Geregistreerde kandidaten die nu passen: &lt; 10" in page


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("overrides", "message"), [
    ({"title": ""}, "Dit veld is verplicht."),
    ({"postcode": "12"}, "Vul een Nederlandse postcode in"),
    ({"postcode": "0999 AA"}, "Vul een Nederlandse postcode in"),
    ({"hours_per_week": "80"}, "Kies 1 tot 60 uur per week."),
    ({"seats": "0"}, "Kies 1 tot 50 plekken."),
    ({"essential_skills": "zonnepanelen monteren\n" + "x" * 301}, "Regel 2 is langer dan 300"),
    ({"essential_skills": ""}, "Noem minstens één vaardigheid"),
    ({"crebo": "1234"}, "precies 5 cijfers"),
    ({"kind": "onbekend"}, "Ongeldige keuze"),
])
def test_bad_placement_is_refused_in_dutch_and_nothing_is_stored(app, client, employer, kind,
                                                                 overrides, message):
    response = client.post("/werkgever/plekken/nieuw",
                           data=placement_form(kind=kind) | overrides)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    assert count_placements(app) == 0


@pytest.mark.parametrize("kind", ["bbl", "stage"])
def test_bbl_and_stage_need_a_crebo_that_exists(app, client, employer, kind):
    missing = client.post("/werkgever/plekken/nieuw", data=placement_form(kind=kind, crebo=""))
    assert missing.status_code == 400
    assert "Vul het crebonummer in" in missing.get_data(as_text=True)
    unknown = client.post("/werkgever/plekken/nieuw", data=placement_form(kind=kind,
                                                                          crebo="99999"))
    assert unknown.status_code == 400
    assert "Crebonummer 99999 kennen we niet" in unknown.get_data(as_text=True)
    assert count_placements(app) == 0


@pytest.mark.parametrize("kind", ["bbl", "stage"])
def test_bbl_and_stage_are_refused_without_an_erkend_leerbedrijf(app, client, login, kind):
    user_id, _employer_id = make_employer(app)
    login(user_id)
    response = client.post("/werkgever/plekken/nieuw", data=placement_form(kind=kind))
    assert response.status_code == 400
    assert "alleen bij een erkend leerbedrijf" in response.get_data(as_text=True)
    assert count_placements(app) == 0


def test_a_double_submit_creates_one_placement(app, client, employer):
    form = client.get("/werkgever/plekken/nieuw").get_data(as_text=True)
    key = form.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    assert len(key) > 20
    data = placement_form(idempotency_key=key)
    data |= seen(client.post("/werkgever/plekken/nieuw", data=data))
    first = client.post("/werkgever/plekken/nieuw", data=data)
    second = client.post("/werkgever/plekken/nieuw", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count_placements(app) == 1


def test_editing_changes_fields_and_skills(app, client, employer):
    placement_id = make_placement(app, employer[1], kind="vacature", status="concept")
    page = client.get(f"/werkgever/plekken/{placement_id}").get_data(as_text=True)
    assert "zonnepanelen monteren" in page
    response = save_placement(client, f"/werkgever/plekken/{placement_id}", placement_form(
        title="elektricien", essential_skills="solderen", optional_skills="solderen\nVCA",
        seats="3"))
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        placement = db.get(Placement, placement_id)
        assert (placement.title, placement.seats, placement.status) == ("elektricien", 3,
                                                                        "concept")
        skills = dict(db.exec(select(Skill.slug, PlacementSkill.relation).join(Skill).where(
            PlacementSkill.placement_id == placement_id)).all())
        assert skills == {"solderen": "essential", "vca-basis": "optional"}


def test_a_refused_edit_changes_nothing(app, client, employer):
    placement_id = make_placement(app, employer[1], kind="vacature")
    response = save_placement(client, f"/werkgever/plekken/{placement_id}", placement_form(
        title="iets anders", essential_skills="gedachten lezen", postcode="0999 AA"))
    assert response.status_code == 400
    assert 'value="iets anders"' in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(Placement, placement_id).title == "leerling monteur"


def test_duplicate_pause_reopen_and_close(app, client, employer):
    placement_id = make_placement(app, employer[1], kind="wep", seats=2)
    copy = client.post(f"/werkgever/plekken/{placement_id}/kopie")
    copy_id = int(copy.headers["Location"].rstrip("/").split("/")[-1])
    for action, status in (("pauzeren", "gepauzeerd"), ("heropenen", "open"),
                           ("sluiten", "gesloten"), ("heropenen", "open")):
        assert client.post(f"/werkgever/plekken/{placement_id}/{action}").status_code == 302
        with app.app_context():
            assert get_db().get(Placement, placement_id).status == status
    assert client.post(f"/werkgever/plekken/{copy_id}/pauzeren").status_code == 400
    assert client.post(f"/werkgever/plekken/{copy_id}/publiceren").status_code == 302
    with app.app_context():
        db = get_db()
        original, duplicate = db.get(Placement, placement_id), db.get(Placement, copy_id)
        assert duplicate.title == "leerling monteur (kopie)"
        assert (duplicate.kind, duplicate.seats, duplicate.status) == ("wep", 2, "open")
        links = db.exec(select(PlacementSkill.skill_id).where(
            PlacementSkill.placement_id.in_([original.id, duplicate.id]))).all()
        assert len(links) == 2
        actions = db.exec(select(AuditEvent.action).where(
            AuditEvent.action.like("employer.placement%"))).all()
        assert "employer.placement_duplicated" in actions


def test_the_edit_page_counts_fitting_candidates_but_never_names_them(app, client, employer):
    placement_id = make_placement(app, employer[1], kind="bbl", pc4="1012")
    make_candidate(app, first_name="Noor", last_name="Visser", pc4="1093")
    make_candidate(app, first_name="Jan", last_name="Verweg", pc4="3511", max_km=10)
    page = client.get(f"/werkgever/plekken/{placement_id}").get_data(as_text=True)
    assert "Geregistreerde kandidaten die nu passen: &lt; 10" in page  # a band, never 1
    for secret in ("Noor", "Visser", "Verweg", "1093"):
        assert secret not in page


def test_unverified_employer_is_told_placements_wait_for_a_check(app, client, login):
    user_id, employer_id = make_employer(app, verified=False)
    login(user_id)
    page = client.get("/werkgever/").get_data(as_text=True)
    assert "wacht op controle door een adviseur" in page
    placement_id = make_placement(app, employer_id, kind="vacature")
    page = client.get(f"/werkgever/plekken/{placement_id}").get_data(as_text=True)
    assert "zien ze pas na de controle" in page


def organisation_form(**overrides) -> dict:
    return {"name": "Zon & Dak BV", "kvk_number": "12345678", "contact_name": "Anouk de Vries",
            "phone": "020 123 4567", "postcode": "1012AB", "theme": "energie",
            "recognised_training_company": "y", "sbb_number": "100200300", "mentors": "2",
            "mentor_capacity": "3"} | overrides


def test_employer_saves_the_organisation_profile(app, client, login):
    user_id, employer_id = make_employer(app, verified=False)
    login(user_id)
    page = client.get("/werkgever/organisatie").get_data(as_text=True)
    assert "wacht op controle door een adviseur" in page
    response = client.post("/werkgever/organisatie", data=organisation_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        employer = get_db().get(Employer, employer_id)
        assert (employer.name, employer.kvk_number, employer.pc4) == ("Zon & Dak BV",
                                                                      "12345678", "1012")
        assert employer.recognised_training_company and employer.sbb_number == "100200300"
        assert (employer.mentors, employer.mentor_capacity) == (2, 3)
        assert employer.verified_at is None


@pytest.mark.parametrize(("overrides", "message"), [
    ({"kvk_number": "1234567"}, "precies 8 cijfers"),
    ({"kvk_number": "1234567a"}, "precies 8 cijfers"),
    ({"sbb_number": ""}, "Vul het SBB-nummer in"),
    ({"mentor_capacity": "0"}, "Kies een aantal van 1 tot 500."),
    ({"postcode": "8999 ZZ"}, "Postcode 8999 kennen we niet"),
    ({"name": ""}, "Dit veld is verplicht."),
])
def test_bad_organisation_input_is_refused_and_nothing_changes(app, client, login, overrides,
                                                               message):
    user_id, employer_id = make_employer(app, name="Oude Naam BV")
    login(user_id)
    response = client.post("/werkgever/organisatie", data=organisation_form(**overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        employer = get_db().get(Employer, employer_id)
        assert (employer.name, employer.kvk_number) == ("Oude Naam BV", None)


def test_an_employer_with_open_bbl_cannot_drop_its_recognition(app, client, employer):
    make_placement(app, employer[1], kind="bbl")
    response = client.post("/werkgever/organisatie", data=organisation_form(
        recognised_training_company="", sbb_number=""))
    assert response.status_code == 400
    assert "Sluit die eerst" in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(Employer, employer[1]).recognised_training_company


def test_an_unverified_employers_open_placement_is_not_matched_yet(app, client, login):
    user_id, _employer_id = make_employer(app, verified=False)
    login(user_id)
    response = save_placement(client, "/werkgever/plekken/nieuw", placement_form(status="open"))
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        assert db.exec(select(Placement)).one().status == "open"
        assert matchmaking.open_placements(db) == []
