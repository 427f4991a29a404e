"""Intake steps 2 and 3: what was recognised shows on the step, the candidate answers, and
nothing is credited that the candidate did not say."""

import pytest
from sqlmodel import select

import matching
from spt.db import get_db
from spt.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    IntakeDraft,
    Occupation,
    RecognitionSynonym,
    Skill,
)
from tests.test_intake import STEP1, STEP4, STEP5, finish_and_log_in


def _draft(app, step: int) -> list[dict]:
    with app.app_context():
        data = get_db().exec(select(IntakeDraft)).one().data
        return data[str(step)]["jobs" if step == 2 else "skills"]


def _finish(client, app) -> int:
    for number, data in ((1, STEP1), (4, STEP4), (5, STEP5)):
        assert client.post(f"/intake/{number}", data=data).status_code == 302
    finish_and_log_in(app, client)  # the account logs in once its address is confirmed
    with app.app_context():
        return get_db().exec(select(Candidate.id)).one()


def _uri(app, label: str) -> str:
    with app.app_context():
        return get_db().exec(select(Occupation.uri)
                             .where(Occupation.preferred_label == label)).first()


def test_a_saved_job_title_shows_what_it_was_recognised_as_on_the_same_step(app, client):
    response = client.post("/intake/2", data={"jobs-0-title": "kassiere albert heijn",
                                              "jobs-0-years": "4"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/intake/2#herkenning")
    html = client.get("/intake/2").get_data(as_text=True)
    assert "kassamedewerker" in html
    assert "Herkend als" in html or "Bedoel je" in html
    assert 'value="kassiere albert heijn"' in html  # what was typed stays in the field
    [job] = _draft(app, 2)
    offered = [job["occupation_uri"]] + [s["id"] for s in job["suggestions"]]
    assert _uri(app, "kassamedewerker") in offered


def test_saving_the_same_step_again_without_changes_goes_on(client):
    step = {"jobs-0-title": "kassiere albert heijn", "jobs-0-years": "4"}
    assert client.post("/intake/2", data=step).headers["Location"].endswith("/intake/2#herkenning")
    assert client.post("/intake/2", data=step).headers["Location"].endswith("/intake/3")


@pytest.fixture
def never_sure(monkeypatch):
    """A recogniser that still offers its suggestions but is never sure of one: the
    "Bedoel je ...?" path, whatever today's model thinks of a given text."""
    monkeypatch.setattr(matching.Recognition, "accepted", property(lambda self: None))


def test_a_bedoel_je_choice_is_stored_with_mapped_by_candidate_and_proposes_a_synonym(
        app, client, never_sure):
    step = {"jobs-0-title": "schoonmaakster", "jobs-0-years": "2"}
    client.post("/intake/2", data=step)
    [job] = _draft(app, 2)
    assert job["state"] == "unsure" and job["occupation_uri"] is None
    html = client.get("/intake/2").get_data(as_text=True)
    assert "Bedoel je" in html and "Geen van deze" in html
    choice = job["suggestions"][0]
    response = client.post("/intake/2", data=step | {"choose": f"0:{choice['id']}"})
    assert response.status_code == 302
    [job] = _draft(app, 2)
    assert (job["occupation_uri"], job["mapped_by"], job["state"]) == (choice["id"],
                                                                      "candidate", "chosen")
    candidate_id = _finish(client, app)
    with app.app_context():
        db = get_db()
        row = db.exec(select(CandidateOccupation, Occupation.uri).join(Occupation).where(
            CandidateOccupation.candidate_id == candidate_id)).one()
        assert (row[1], row[0].mapped_by, row[0].free_text) == (choice["id"], "candidate",
                                                                "schoonmaakster")
        assert row[0].confidence == choice["confidence"]
        synonym = db.exec(select(RecognitionSynonym).where(
            RecognitionSynonym.key == "schoonmaakster")).one()
        assert (synonym.status, synonym.origin, synonym.target, synonym.confirmations) == (
            "proposed", "candidate", choice["id"], 1)


def test_geen_van_deze_keeps_the_text_and_credits_nothing(app, client, never_sure):
    step = {"skills-0-skill": "rijbewijs D", "skills-0-level": "2"}
    client.post("/intake/3", data=step)
    [skill] = _draft(app, 3)
    assert skill["state"] == "unsure" and skill["skill_slug"] is None
    client.post("/intake/3", data=step | {"choose": "0:-"})
    [skill] = _draft(app, 3)
    assert (skill["skill_slug"], skill["state"], skill["mapped_by"]) == (None, "none",
                                                                        "candidate")
    candidate_id = _finish(client, app)
    with app.app_context():
        db = get_db()
        row = db.exec(select(CandidateSkill).where(
            CandidateSkill.candidate_id == candidate_id)).one()
        assert (row.skill_id, row.free_text, row.needs_review) == (None, "rijbewijs D", True)
        assert db.exec(select(RecognitionSynonym).where(
            RecognitionSynonym.origin == "candidate")).all() == []


def test_heftruck_rijden_is_never_stored_as_the_heftruckcertificaat(app, client):
    step = {"skills-0-skill": "heftruck rijden", "skills-0-level": "3",
            "skills-1-skill": "hoogwerker", "skills-1-level": "2"}
    client.post("/intake/3", data=step)
    candidate_id = _finish(client, app)
    with app.app_context():
        db = get_db()
        stored = db.exec(select(CandidateSkill.free_text, Skill.slug, Skill.kind)
                         .join(Skill, isouter=True)
                         .where(CandidateSkill.candidate_id == candidate_id)).all()
        assert ("heftruck rijden", "heftruck-rijden", "vaardigheid") in stored
        assert not [row for row in stored if row[2] == "certificaat"]
        assert db.get(Candidate, candidate_id).certificates == ["vca-basis"]  # step 4 only


def test_a_certificate_the_candidate_names_is_credited(app, client):
    client.post("/intake/3", data={"skills-0-skill": "heftruckbewijs", "skills-0-level": "2",
                                   "skills-1-skill": "VCA", "skills-1-level": "2"})
    assert [(s["skill_slug"], s["state"]) for s in _draft(app, 3)] == [
        ("heftruck", "accepted"), ("vca-basis", "accepted")]


def test_klopt_niet_takes_back_a_recognised_skill(app, client):
    step = {"skills-0-skill": "Storingen zoeken", "skills-0-level": "2"}
    client.post("/intake/3", data=step)
    assert _draft(app, 3)[0]["skill_slug"] == "storingen-zoeken"
    client.post("/intake/3", data=step | {"wrong": "0"})
    [skill] = _draft(app, 3)
    assert skill["skill_slug"] is None and skill["mapped_by"] == "candidate"
    assert "storingen-zoeken" not in [s["id"] for s in skill["suggestions"]]
    # saving again keeps the candidate's answer
    client.post("/intake/3", data=step)
    assert _draft(app, 3)[0]["skill_slug"] is None


def test_a_choice_that_was_not_offered_gets_a_dutch_400_and_loses_nothing(app, client):
    step = {"jobs-0-title": "vakkenvuller", "jobs-0-years": "2",
            "jobs-1-title": "kapper", "jobs-1-years": "1"}
    client.post("/intake/2", data=step)
    for value in ("0:spt:bestaat-niet", "9:-", "abc"):
        response = client.post("/intake/2", data=step | {"jobs-1-title": "kapster",
                                                         "choose": value})
        assert response.status_code == 400, value
        html = response.get_data(as_text=True)
        assert "Deze keuze hoort niet bij wat je schreef" in html
        assert 'value="kapster"' in html  # what was typed is still in the form
    assert [j["title"] for j in _draft(app, 2)] == ["vakkenvuller", "kapper"]


def test_an_advisors_fix_survives_the_candidate_saving_the_step(app, client, never_sure):
    step = {"skills-0-skill": "olie verversen", "skills-0-level": "2"}
    client.post("/intake/3", data=step)
    candidate_id = _finish(client, app)
    with app.app_context():
        db = get_db()
        row = db.exec(select(CandidateSkill).where(
            CandidateSkill.candidate_id == candidate_id)).one()
        row.skill_id = db.exec(select(Skill.id).where(Skill.slug == "onderhoudsbeurt-auto")).one()
        row.mapped_by, row.needs_review = "advisor", False
        db.add(row)
        db.commit()
    html = client.get("/intake/3").get_data(as_text=True)
    assert "gekozen door je adviseur" in html
    client.post("/intake/3", data=step | {"skills-0-level": "3"})
    with app.app_context():
        db = get_db()
        row = db.exec(select(CandidateSkill, Skill.slug).join(Skill).where(
            CandidateSkill.candidate_id == candidate_id)).one()
        assert (row[1], row[0].mapped_by, row[0].self_level) == ("onderhoudsbeurt-auto",
                                                                 "advisor", 3)
