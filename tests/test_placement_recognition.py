"""The placement form: the title and each requirement line show what they become before saving,
and what is saved feeds the placement: skills, licences, language level, VCA; never years or
diplomas as skills. The employer changes what their own placement's text became by name."""

import json

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.models import (
    AuditEvent,
    Occupation,
    Placement,
    PlacementRequirement,
    PlacementSkill,
    RecognitionSynonym,
    Skill,
)
from tests.factories import make_employer, make_placement
from tests.test_employer_placements import placement_form, save_placement, seen

NEW = "/werkgever/plekken/nieuw"


@pytest.fixture
def employer(app, login):
    user_id, employer_id = make_employer(app)
    login(user_id)
    return user_id, employer_id


def _stored(app) -> tuple[Placement, list[PlacementRequirement], dict[str, str]]:
    with app.app_context():
        db = get_db()
        placement = db.exec(select(Placement)).one()
        rows = list(db.exec(select(PlacementRequirement).order_by(PlacementRequirement.id)))
        skills = dict(db.exec(select(Skill.slug, PlacementSkill.relation).join(Skill).where(
            PlacementSkill.placement_id == placement.id)).all())
        return placement, rows, skills


def test_the_form_shows_what_the_title_and_every_line_become_before_saving(app, client,
                                                                           employer):
    data = placement_form(essential_skills="rijbewijs C is noodzakelijk\nNederlands op B2 niveau"
                          "\nmbo-3 elektrotechniek\n5 jaar werkervaring in de bouw\n"
                          "zonnepanelen monteren", optional_skills="koffie zetten op de maan")
    shown = client.post(NEW, data=data)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    for text in ("Herkend als", "monteur zonnepanelen", "rijbewijs C - verplicht",
                 "Nederlands B2", "mbo-3 - opleiding (telt niet als vaardigheid)",
                 "5 jaar ervaring (wordt getoond, telt niet als vaardigheid)",
                 "zonnepanelen monteren - vaardigheid", "Niet zeker. Bedoelt u:"):
        assert text in html, text
    assert 'name="choose_line"' in html
    with app.app_context():
        assert get_db().exec(select(Placement)).all() == []  # nothing saved yet


def test_requirement_lines_feed_the_hard_limits_and_never_count_years_or_diplomas(app, client,
                                                                                  employer):
    response = save_placement(client, NEW, placement_form(
        min_nt2="A2", essential_skills="rijbewijs C is noodzakelijk\nJe spreekt vloeiend "
        "Nederlands\n5 jaar werkervaring in de bouw\nmbo-3 elektrotechniek\nVCA",
        optional_skills="laadpalen installeren"))
    assert response.status_code == 302
    placement, rows, skills = _stored(app)
    assert placement.required_licences == ["C"] and placement.requires_driving_licence
    assert placement.min_nt2 == "C1"  # "vloeiend" raised the A2 of the form
    assert placement.requires_vca
    assert skills == {"vca-basis": "essential", "laadpalen-installeren": "optional"}
    kinds = {(r.kind, r.value, r.years, r.level) for r in rows}
    assert ("licence", "C", None, None) in kinds and ("language", "nl", None, "C1") in kinds
    assert ("experience", "", 5, None) in kinds and ("education", "mbo-3", None, None) in kinds
    experience = next(r for r in rows if r.kind == "experience")
    assert experience.skill_id is None and experience.text == "5 jaar werkervaring in de bouw"


def test_a_language_line_never_lowers_the_level_the_form_asks(app, client, employer):
    save_placement(client, NEW, placement_form(min_nt2="C2", essential_skills="zonnepanelen "
                                               "monteren\nNederlands op B2 niveau"))
    assert _stored(app)[0].min_nt2 == "C2"


def test_an_unrecognised_line_does_not_fail_the_form_and_is_kept_as_text(app, client, employer):
    response = save_placement(client, NEW, placement_form(
        essential_skills="zonnepanelen monteren\nkoffie zetten op de maan"))
    assert response.status_code == 302
    _placement, rows, skills = _stored(app)
    other = next(r for r in rows if r.text == "koffie zetten op de maan")
    assert (other.kind, other.skill_id, other.mapped_by) == ("other", None, "matcher")
    assert skills == {"zonnepanelen-monteren": "essential", "laadpalen-installeren": "optional"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "koffie zetten op de maan" in page and "overig: bewaard als tekst" in page


def test_a_bedoelt_u_choice_for_a_line_is_stored_and_proposes_a_synonym(app, client, employer):
    line = "Je bent in het bezit van een geldig VCA-VOL diploma"
    data = placement_form(essential_skills=f"zonnepanelen monteren\n{line}")
    shown = client.post(NEW, data=data)
    assert "Bedoelt u" in shown.get_data(as_text=True)
    key = "je bent in het bezit van een geldig vca vol diploma"
    chosen = client.post(NEW, data=data | seen(shown) | {"choose_line": f"{key}|vca-vol"})
    html = chosen.get_data(as_text=True)
    assert chosen.status_code == 200 and "VCA VOL - certificaat - verplicht" in html
    assert client.post(NEW, data=data | seen(chosen)).status_code == 302
    placement, rows, skills = _stored(app)
    assert skills["vca-vol"] == "essential" and "vca-basis" not in skills
    assert placement.requires_vca
    vca = next(r for r in rows if r.text == line)
    assert (vca.kind, vca.mapped_by) == ("certificate", "employer")
    with app.app_context():
        synonym = get_db().exec(select(RecognitionSynonym).where(
            RecognitionSynonym.origin == "employer")).one()
        assert (synonym.kind, synonym.target, synonym.status) == ("skill", "vca-vol", "proposed")


def test_a_bedoelt_u_choice_for_the_title_is_stored_with_mapped_by_employer(app, client,
                                                                         employer):
    data = placement_form(title="assistent-uitvoerder GWW")
    shown = client.post(NEW, data=data)
    html = shown.get_data(as_text=True)
    assert "Bedoelt u:" in html and 'name="choose_title"' in html
    chosen = client.post(NEW, data=data | seen(shown) |
                         {"choose_title": "spt:assistent-uitvoerder-gww"})
    assert "(uw keuze)" in chosen.get_data(as_text=True)
    assert client.post(NEW, data=data | seen(chosen)).status_code == 302
    placement, _rows, _skills = _stored(app)
    with app.app_context():
        db = get_db()
        assert db.get(Occupation, placement.occupation_id).uri == "spt:assistent-uitvoerder-gww"
        assert placement.occupation_mapped_by == "employer"
        assert placement.occupation_confidence and placement.occupation_confidence < 0.88
        # the occupation's own name teaches the recogniser nothing: no synonym
        assert db.exec(select(RecognitionSynonym).where(
            RecognitionSynonym.origin == "employer")).all() == []


def test_changing_a_line_after_the_preview_shows_the_preview_again(app, client, employer):
    data = placement_form()
    shown = client.post(NEW, data=data)
    again = client.post(NEW, data=data | seen(shown) | {"essential_skills": "solderen"})
    assert again.status_code == 200 and "solderen - vaardigheid" in again.get_data(as_text=True)
    with app.app_context():
        assert get_db().exec(select(Placement)).all() == []


@pytest.mark.parametrize(("extra", "message"), [
    ({"choices": "{niet json"}, "Uw keuzes konden wij niet lezen"),
    ({"choices": json.dumps(["lijst"])}, "Uw keuzes konden wij niet lezen"),
    ({"choose_line": "zonnepanelen monteren|bestaat-niet"}, None),
    ({"choose_title": "spt:bestaat-niet"}, "Deze keuze hoort niet bij wat u schreef"),
])
def test_bad_choices_get_a_dutch_400_and_lose_nothing_typed(app, client, employer, extra,
                                                            message):
    data = placement_form(title="assistent-uitvoerder GWW",
                          essential_skills="gedachten lezen\nzonnepanelen monteren")
    response = client.post(NEW, data=data | extra)
    html = response.get_data(as_text=True)
    if message is None:  # a choice for a line that had nothing to choose from is ignored
        assert response.status_code == 200
    else:
        assert response.status_code == 400 and message in html
    assert 'value="assistent-uitvoerder GWW"' in html and "gedachten lezen" in html
    with app.app_context():
        assert get_db().exec(select(Placement)).all() == []


def test_the_edit_form_shows_the_lines_as_written_and_saves_without_a_second_look(app, client,
                                                                                  employer):
    save_placement(client, NEW, placement_form(essential_skills="rijbewijs C is noodzakelijk\n"
                                               "zonnepanelen monteren"))
    placement_id = _stored(app)[0].id
    page = client.get(f"/werkgever/plekken/{placement_id}").get_data(as_text=True)
    assert "rijbewijs C is noodzakelijk\nzonnepanelen monteren" in page
    data = placement_form(essential_skills="rijbewijs C is noodzakelijk\nzonnepanelen monteren",
                          seats="4") | seen(client.get(f"/werkgever/plekken/{placement_id}"))
    assert client.post(f"/werkgever/plekken/{placement_id}", data=data).status_code == 302
    assert _stored(app)[0].seats == 4


def test_the_employer_changes_the_recognised_occupation_by_name(app, client, employer):
    save_placement(client, NEW, placement_form(title="leerling monteur"))
    placement_id = _stored(app)[0].id
    page = client.get(f"/werkgever/plekken/{placement_id}/herkenning",
                      query_string={"rij": "title", "zoek": "laadpaal"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "laadpaalmonteur" in html and 'value="spt:laadpaalmonteur"' in html
    response = client.post(f"/werkgever/plekken/{placement_id}/herkenning",
                           data={"rij": "title", "doel": "spt:laadpaalmonteur"})
    assert response.status_code == 302
    placement = _stored(app)[0]
    with app.app_context():
        db = get_db()
        assert db.get(Occupation, placement.occupation_id).uri == "spt:laadpaalmonteur"
        assert placement.occupation_mapped_by == "employer"
        synonym = db.exec(select(RecognitionSynonym).where(
            RecognitionSynonym.key == "leerling monteur")).one()
        assert (synonym.origin, synonym.status) == ("employer", "proposed")
        assert db.exec(select(AuditEvent).where(
            AuditEvent.action == "employer.recognition_fixed")).one()
    # saving the form again keeps the employer's decision for the same title
    data = placement_form(title="leerling monteur") | seen(
        client.get(f"/werkgever/plekken/{placement_id}"))
    assert client.post(f"/werkgever/plekken/{placement_id}", data=data).status_code == 302
    assert _stored(app)[0].occupation_mapped_by == "employer"


def test_the_employer_changes_a_recognised_skill_line_by_name(app, client, employer):
    save_placement(client, NEW, placement_form(essential_skills="zonnepanelen monteren\n"
                                               "gedachten lezen"))
    _placement, rows, _skills = _stored(app)
    row = next(r for r in rows if r.text == "gedachten lezen")
    placement_id = row.placement_id
    html = client.get(f"/werkgever/plekken/{placement_id}/herkenning",
                      query_string={"rij": f"req-{row.id}", "zoek": "tekeningen"}
                      ).get_data(as_text=True)
    assert "technische tekeningen lezen" in html
    client.post(f"/werkgever/plekken/{placement_id}/herkenning",
                data={"rij": f"req-{row.id}", "doel": "tekeningen-lezen"})
    _placement, rows, skills = _stored(app)
    assert skills["tekeningen-lezen"] == "essential" and "bestek-lezen" not in skills
    fixed = next(r for r in rows if r.id == row.id)
    assert (fixed.kind, fixed.mapped_by) == ("skill", "employer")


def test_another_employer_cannot_change_the_recognition(app, client, login):
    _user, owner = make_employer(app)
    placement_id = make_placement(app, owner)
    intruder, _employer = make_employer(app)
    login(intruder)
    assert client.get(f"/werkgever/plekken/{placement_id}/herkenning",
                      query_string={"rij": "title"}).status_code == 404
    response = client.post(f"/werkgever/plekken/{placement_id}/herkenning",
                           data={"rij": "title", "doel": "spt:laadpaalmonteur"})
    assert response.status_code == 404
    with app.app_context():
        assert get_db().get(Placement, placement_id).occupation_mapped_by == "matcher"


@pytest.mark.parametrize(("query", "status"), [
    ({"rij": "title", "zoek": "x" * 101}, 400),
    ({"rij": "drop table", "zoek": "monteur"}, 400),
    ({"rij": "req-999999", "zoek": "monteur"}, 404),
])
def test_a_bad_search_gets_a_dutch_error_page(app, client, employer, query, status):
    placement_id = make_placement(app, employer[1])
    response = client.get(f"/werkgever/plekken/{placement_id}/herkenning", query_string=query)
    assert response.status_code == status
    assert '<html lang="nl">' in response.get_data(as_text=True)
