"""Advisors see every typed text beside what it became and fix a wrong one by name: the fix
counts at once as a synonym, the catalogue rebuilds and the scores recompute. Admins review
what candidates and employers proposed."""

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.models import (
    AuditEvent,
    CandidateOccupation,
    CandidateSkill,
    CatalogueVersion,
    IntakeDraft,
    Match,
    Occupation,
    PlacementRequirement,
    PlacementSkill,
    RecognitionSynonym,
    Skill,
    User,
)
from tests.factories import make_candidate, make_employer, make_match, make_placement

OIL = "olie verversen"


def _token(app) -> str:
    with app.app_context():
        return get_db().get(CatalogueVersion, 1).token


def _typed_skill(app, candidate_id: int, text: str, **fields) -> int:
    with app.app_context():
        db = get_db()
        row = CandidateSkill(candidate_id=candidate_id, free_text=text, **fields)
        db.add(row)
        db.commit()
        return row.id


@pytest.fixture
def garage(app):
    """A candidate who typed 'olie verversen' and an open placement that needs car servicing."""
    _user, employer = make_employer(app)
    placement = make_placement(app, employer, title="leerling autotechnicus", pc4="1093",
                               essential=("onderhoudsbeurt-auto",))
    _cand_user, candidate = make_candidate(app, skills=())
    skill_row = _typed_skill(app, candidate, OIL, needs_review=True)
    match = make_match(app, candidate, placement, score=0.1)
    return {"candidate": candidate, "placement": placement, "row": skill_row, "match": match}


def test_the_candidate_page_lists_every_typed_text_with_what_it_became(app, client, advisor):
    _user, candidate = make_candidate(app, skills=())
    with app.app_context():
        db = get_db()
        kassa = db.exec(select(Occupation.id).where(
            Occupation.preferred_label == "kassamedewerker")).one()
        db.add(CandidateOccupation(candidate_id=candidate, free_text="kassiere albert heijn",
                                   occupation_id=kassa, confidence=0.8824, mapped_by="matcher"))
        db.commit()
    _typed_skill(app, candidate, "heftruck rijden", mapped_by="candidate", confidence=0.5,
                 skill_id=_skill_id(app, "heftruck-rijden"))
    html = client.get(f"/adviseur/kandidaten/{candidate}").get_data(as_text=True)
    section = html[html.index('id="herkenning"'):html.index("Notities voor adviseurs")]
    for text in ("“kassiere albert heijn”", "kassamedewerker", "88%", "herkenner",
                 "“heftruck rijden”", "50%", "kandidaat", "Zoek een beroep op naam"):
        assert text in section, text


def _skill_id(app, slug: str) -> int:
    with app.app_context():
        return get_db().exec(select(Skill.id).where(Skill.slug == slug)).one()


def test_an_advisor_fix_by_name_counts_at_once_for_the_next_candidate(app, client, advisor,
                                                                      garage, login):
    before = _token(app)
    found = client.get(f"/adviseur/kandidaten/{garage['candidate']}/herkenning",
                       query_string={"rij": f"skill-{garage['row']}", "zoek": "onderhoudsbeurt"})
    html = found.get_data(as_text=True)
    assert found.status_code == 200 and "onderhoudsbeurten uitvoeren" in html
    assert 'value="onderhoudsbeurt-auto"' in html
    response = client.post(f"/adviseur/kandidaten/{garage['candidate']}/herkenning",
                           data={"rij": f"skill-{garage['row']}", "doel": "onderhoudsbeurt-auto"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/adviseur/kandidaten/{garage['candidate']}"
                                                 "#herkenning")
    with app.app_context():
        db = get_db()
        row = db.get(CandidateSkill, garage["row"])
        assert (row.skill_id, row.mapped_by, row.needs_review) == (
            _skill_id(app, "onderhoudsbeurt-auto"), "advisor", False)
        synonym = db.exec(select(RecognitionSynonym).where(RecognitionSynonym.key == OIL)).one()
        assert (synonym.kind, synonym.target, synonym.status, synonym.origin) == (
            "skill", "onderhoudsbeurt-auto", "approved", "advisor")
        assert synonym.reviewed_at is None and synonym.created_by_id == advisor
        assert db.get(Match, garage["match"]).score > 0.1  # recomputed at once
        event = db.exec(select(AuditEvent).where(
            AuditEvent.action == "advisor.recognition_fixed")).one()
        assert event.detail["synonym"] == synonym.id and OIL not in str(event.detail)
    assert _token(app) != before  # every worker rebuilds its catalogue
    # the next candidate who types the same text gets it recognised
    newcomer = app.test_client()
    newcomer.post("/intake/3", data={"skills-0-skill": OIL, "skills-0-level": "2"})
    with app.app_context():
        draft = get_db().exec(select(IntakeDraft)).one().data
    [skill] = draft["3"]["skills"]
    assert (skill["skill_slug"], skill["state"]) == ("onderhoudsbeurt-auto", "accepted")


def test_an_advisor_fixes_a_job_title_by_name(app, client, advisor):
    _user, candidate = make_candidate(app, skills=())
    with app.app_context():
        db = get_db()
        job = CandidateOccupation(candidate_id=candidate, free_text="monteur garage")
        db.add(job)
        db.commit()
        job_id = job.id
    html = client.get(f"/adviseur/kandidaten/{candidate}/herkenning",
                      query_string={"rij": f"job-{job_id}"}).get_data(as_text=True)
    assert 'value="monteur garage"' in html  # the search starts from what was typed
    html = client.get(f"/adviseur/kandidaten/{candidate}/herkenning",
                      query_string={"rij": f"job-{job_id}", "zoek": "automonteur"}
                      ).get_data(as_text=True)
    with app.app_context():
        uri = get_db().exec(select(Occupation.uri).where(
            Occupation.preferred_label == "automonteur")).one()
    assert f'value="{uri}"' in html
    client.post(f"/adviseur/kandidaten/{candidate}/herkenning",
                data={"rij": f"job-{job_id}", "doel": uri})
    with app.app_context():
        db = get_db()
        job = db.get(CandidateOccupation, job_id)
        assert db.get(Occupation, job.occupation_id).uri == uri and job.mapped_by == "advisor"
        assert db.exec(select(RecognitionSynonym.status).where(
            RecognitionSynonym.key == "monteur garage")).one() == "approved"


def test_geen_van_deze_by_an_advisor_unlinks_and_teaches_nothing(app, client, advisor, garage):
    client.post(f"/adviseur/kandidaten/{garage['candidate']}/herkenning",
                data={"rij": f"skill-{garage['row']}", "doel": "-"})
    with app.app_context():
        db = get_db()
        row = db.get(CandidateSkill, garage["row"])
        assert (row.skill_id, row.mapped_by, row.needs_review) == (None, "advisor", False)
        assert db.exec(select(RecognitionSynonym).where(RecognitionSynonym.key == OIL)
                       ).all() == []


@pytest.mark.parametrize(("data", "status"), [
    ({"rij": "skill-999999", "doel": "vca-basis"}, 404),
    ({"rij": "", "doel": "vca-basis"}, 400),
    ({"rij": "skill-1; drop", "doel": "vca-basis"}, 400),
    ({"doel": "vca-basis"}, 400),
])
def test_a_bad_fix_gets_a_dutch_error_and_changes_nothing(app, client, advisor, garage, data,
                                                         status):
    response = client.post(f"/adviseur/kandidaten/{garage['candidate']}/herkenning", data=data)
    assert response.status_code == status
    assert '<html lang="nl">' in response.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(CandidateSkill, garage["row"]).skill_id is None


def test_a_row_of_another_candidate_cannot_be_fixed_through_this_one(app, client, advisor,
                                                                     garage):
    _user, other = make_candidate(app, skills=())
    response = client.post(f"/adviseur/kandidaten/{other}/herkenning",
                           data={"rij": f"skill-{garage['row']}", "doel": "vca-basis"})
    assert response.status_code == 404


def test_an_advisor_fixes_a_placement_line_and_its_matches_recompute(app, client, advisor):
    _user, employer = make_employer(app)
    placement = make_placement(app, employer, title="leerling autotechnicus", pc4="1093",
                               essential=())
    _c, candidate = make_candidate(app, skills=("onderhoudsbeurt-auto",))
    match = make_match(app, candidate, placement, score=0.1)
    with app.app_context():
        db = get_db()
        line = PlacementRequirement(placement_id=placement, text="auto's onderhouden en "
                                    "olie verversen", kind="other")
        db.add(line)
        db.commit()
        line_id = line.id
    html = client.get(f"/adviseur/plekken/{placement}").get_data(as_text=True)
    assert "overig: bewaard als tekst" in html and "Functietitel en eisen" in html
    client.post(f"/adviseur/plekken/{placement}/herkenning",
                data={"rij": f"req-{line_id}", "doel": "onderhoudsbeurt-auto"})
    with app.app_context():
        db = get_db()
        line = db.get(PlacementRequirement, line_id)
        assert (line.kind, line.mapped_by) == ("skill", "advisor")
        assert db.exec(select(PlacementSkill.relation).where(
            PlacementSkill.placement_id == placement)).all() == ["essential"]
        assert db.get(Match, match).score > 0.1
        assert db.exec(select(RecognitionSynonym.status).where(
            RecognitionSynonym.origin == "advisor")).one() == "approved"


def test_a_typed_licence_line_is_fixed_by_editing_the_line(app, client, advisor):
    _user, employer = make_employer(app)
    placement = make_placement(app, employer)
    with app.app_context():
        db = get_db()
        line = PlacementRequirement(placement_id=placement, text="rijbewijs C", kind="licence",
                                    value="C", hard=True)
        db.add(line)
        db.commit()
        line_id = line.id
    response = client.post(f"/adviseur/plekken/{placement}/herkenning",
                           data={"rij": f"req-{line_id}", "doel": "vca-basis"})
    assert response.status_code == 400
    assert "door de regel zelf te wijzigen" in response.get_data(as_text=True)


# --- the admin's "Nieuwe synoniemen" -------------------------------------------------------

@pytest.fixture
def admin(app, make_user, login):
    user_id = make_user("admin")
    login(user_id)
    return user_id


def _synonym(app, **fields) -> int:
    with app.app_context():
        db = get_db()
        row = RecognitionSynonym(**({"kind": "skill", "text": OIL, "key": OIL,
                                     "target": "onderhoudsbeurt-auto", "status": "proposed",
                                     "origin": "candidate"} | fields))
        db.add(row)
        db.commit()
        return row.id


def test_the_admin_lists_new_synonyms_without_who_typed_them(app, client, admin, make_user):
    candidate_user = make_user("candidate", email="zeynep.geheim@example.nl")
    _synonym(app, created_by_id=candidate_user)
    _synonym(app, kind="occupation", text="monteur garage", key="monteur garage",
             target="spt:allround-installatiemonteur", status="approved", origin="advisor")
    html = client.get("/beheer/synoniemen").get_data(as_text=True)
    for text in ("“olie verversen”", "onderhoudsbeurten uitvoeren", "kandidaat", "voorstel",
                 "“monteur garage”", "allround installatiemonteur", "telt al mee"):
        assert text in html, text
    assert "zeynep" not in html
    shipped = client.get("/beheer/synoniemen").get_data(as_text=True).count("meegeleverd")
    assert shipped == 0  # shipped synonyms were reviewed when they were written


def test_approving_a_proposed_synonym_makes_it_count(app, client, admin):
    synonym_id = _synonym(app)
    before = _token(app)
    response = client.post(f"/beheer/synoniemen/{synonym_id}/goedkeuren")
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        synonym = db.get(RecognitionSynonym, synonym_id)
        assert (synonym.status, synonym.reviewed_by_id) == ("approved", admin)
        assert synonym.reviewed_at is not None
        assert db.exec(select(AuditEvent).where(
            AuditEvent.action == "admin.synonym_approved")).one().subject_id == synonym_id
    assert _token(app) != before
    assert "“olie verversen”</th>" not in client.get("/beheer/synoniemen").get_data(as_text=True)


def test_rejecting_an_advisors_synonym_stops_it_counting(app, client, admin):
    synonym_id = _synonym(app, status="approved", origin="advisor")
    before = _token(app)
    client.post(f"/beheer/synoniemen/{synonym_id}/afwijzen")
    with app.app_context():
        assert get_db().get(RecognitionSynonym, synonym_id).status == "rejected"
    assert _token(app) != before


def test_a_shipped_synonym_is_not_reviewed_here(app, client, admin):
    with app.app_context():
        shipped = get_db().exec(select(RecognitionSynonym.id).where(
            RecognitionSynonym.origin == "shipped")).first()
    response = client.post(f"/beheer/synoniemen/{shipped}/afwijzen")
    assert response.status_code == 400
    assert client.post("/beheer/synoniemen/999999/goedkeuren").status_code == 404
    with app.app_context():
        assert get_db().get(RecognitionSynonym, shipped).status == "approved"


def test_an_advisor_cannot_review_synonyms(app, client, advisor):
    synonym_id = _synonym(app)
    assert client.get("/beheer/synoniemen").status_code == 403
    assert client.post(f"/beheer/synoniemen/{synonym_id}/goedkeuren").status_code == 403


# --- privacy ---------------------------------------------------------------------------------

def test_erasure_keeps_a_synonym_but_not_who_taught_it(app, client, advisor):
    cand_user, candidate = make_candidate(app, skills=())
    synonym_id = _synonym(app, created_by_id=cand_user)
    export = client.get(f"/adviseur/kandidaten/{candidate}/gegevens.json").get_json()
    assert [s["text"] for s in export["herkenning_bijgedragen"]] == [OIL]
    response = client.post(f"/adviseur/kandidaten/{candidate}/verwijderen",
                           data={"confirm": "ja"})
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        synonym = db.get(RecognitionSynonym, synonym_id)
        assert synonym.created_by_id is None and synonym.text == OIL
        assert db.get(User, cand_user) is None
