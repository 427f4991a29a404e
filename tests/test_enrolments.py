"""Module enrolments: an advisor records start, completion and stop; the profile learns from it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.models import (
    AuditEvent,
    Candidate,
    CandidateSkill,
    Match,
    Module,
    ModuleEnrolment,
    Skill,
)
from spt.models._base import utcnow
from spt.services import enrolments, matches
from tests.factories import make_candidate, make_employer, make_placement

# The service's today is Amsterdam's (enrolments.today()); between 23:00 and 24:00 UTC the
# server's date is still yesterday's.
TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
HEAT_PUMP = "warmtepomp-training"  # teaches warmtepompen-installeren; instellingsgebonden


@pytest.fixture
def candidate(app):
    return make_candidate(app)[1]


def _module_id(app, slug: str) -> int:
    with app.app_context():
        return get_db().exec(select(Module.id).where(Module.slug == slug)).one()


def _enrolments(app, candidate_id: int) -> list[ModuleEnrolment]:
    with app.app_context():
        return list(get_db().exec(select(ModuleEnrolment).where(
            ModuleEnrolment.candidate_id == candidate_id)))


def _start(client, candidate_id, module_id, day=TODAY):
    return client.post(f"/adviseur/kandidaten/{candidate_id}/scholing",
                       data={"module_id": module_id, "started_on": day.isoformat()})


def _finish(client, candidate_id, enrolment, outcome="afgerond", day=TODAY, reason=""):
    return client.post(f"/adviseur/kandidaten/{candidate_id}/scholing/{enrolment.id}",
                       data={"outcome": outcome, "ended_on": day.isoformat(), "reason": reason})


def test_advisor_records_a_started_module(app, client, advisor, candidate):
    module_id = _module_id(app, HEAT_PUMP)
    response = _start(client, candidate, module_id, TODAY - timedelta(days=3))
    assert response.status_code == 302 and response.location.endswith("#scholing")
    [row] = _enrolments(app, candidate)
    assert (row.module_id, row.status, row.started_on) == (module_id, "gestart",
                                                             TODAY - timedelta(days=3))
    with app.app_context():
        event = get_db().exec(select(AuditEvent).where(
            AuditEvent.action == "enrolment.started")).one()
    assert (event.actor_id, event.subject_id, event.detail["module"]) == (advisor, candidate,
                                                                          HEAT_PUMP)
    page = client.get(f"/adviseur/kandidaten/{candidate}").get_data(as_text=True)
    assert "Warmtepomp" in page and "Gestart" in page and "Uitkomst vastleggen" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"started_on": (TODAY + timedelta(days=1)).isoformat()}, "toekomst"),
    ({"started_on": "31-02-2026"}, "datum"),
    ({"started_on": ""}, "Kies een datum"),
    ({"module_id": "999999"}, "Kies een module uit de lijst"),
    ({"module_id": "abc"}, "Ongeldig getal"),
])
def test_bad_start_gets_a_dutch_400_and_stores_nothing(app, client, advisor, candidate, fields,
                                                       message):
    data = {"module_id": _module_id(app, HEAT_PUMP), "started_on": TODAY.isoformat()} | fields
    response = client.post(f"/adviseur/kandidaten/{candidate}/scholing", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _enrolments(app, candidate) == []


def test_a_retired_module_cannot_be_started(app, client, advisor, candidate):
    module_id = _module_id(app, HEAT_PUMP)
    with app.app_context():
        db = get_db()
        db.get(Module, module_id).retired_at = utcnow()
        db.commit()
    assert _start(client, candidate, module_id).status_code == 400
    assert _enrolments(app, candidate) == []


def test_starting_a_running_module_twice_is_a_409(app, client, advisor, candidate):
    module_id = _module_id(app, HEAT_PUMP)
    assert _start(client, candidate, module_id).status_code == 302
    response = _start(client, candidate, module_id)
    assert response.status_code == 409 and "volgt Warmtepomp" in response.get_data(as_text=True)
    assert len(_enrolments(app, candidate)) == 1


def test_a_simultaneous_second_start_is_a_409_not_a_500(app, client, advisor, candidate,
                                                        monkeypatch):
    module_id = _module_id(app, HEAT_PUMP)
    assert _start(client, candidate, module_id).status_code == 302
    # The other advisor's request checked before this one's insert landed.
    monkeypatch.setattr(enrolments, "_open_status", lambda *args: None)
    response = _start(client, candidate, module_id)
    assert response.status_code == 409
    assert len(_enrolments(app, candidate)) == 1


def test_completion_adds_the_taught_skills_and_rescores_matches(app, client, advisor, candidate):
    _user, employer = make_employer(app)
    placement = make_placement(app, employer, essential=("warmtepompen-installeren",))
    with app.app_context():
        db = get_db()
        matches.recompute_for_candidate(db, db.get(Candidate, candidate))
        db.commit()
        before = db.exec(select(Match.score).where(Match.placement_id == placement)).one()
    _start(client, candidate, _module_id(app, HEAT_PUMP), TODAY - timedelta(days=30))
    [row] = _enrolments(app, candidate)
    response = _finish(client, candidate, row, day=TODAY - timedelta(days=1))
    assert response.status_code == 302
    assert "Toegevoegd aan het profiel: " in client.get(response.location).get_data(as_text=True)
    [row] = _enrolments(app, candidate)
    assert (row.status, row.ended_on, row.civil_value) == ("afgerond", TODAY - timedelta(days=1),
                                                           "instellingsgebonden")
    with app.app_context():
        db = get_db()
        slugs = set(db.exec(select(Skill.slug).join(CandidateSkill).where(
            CandidateSkill.candidate_id == candidate)))
        after = db.exec(select(Match.score).where(Match.placement_id == placement)).one()
    assert {"warmtepompen-installeren", "zonnepanelen-monteren"} <= slugs
    assert after > before


def test_stopping_needs_a_reason_and_a_restart_is_a_new_attempt(app, client, advisor,
                                                                 candidate):
    module_id = _module_id(app, HEAT_PUMP)
    _start(client, candidate, module_id, TODAY - timedelta(days=10))
    [first] = _enrolments(app, candidate)
    response = _finish(client, candidate, first, outcome="gestopt", reason="ziek")
    assert response.status_code == 302
    with app.app_context():
        skills = get_db().exec(select(CandidateSkill).where(
            CandidateSkill.candidate_id == candidate)).all()
    assert len(skills) == 1  # nothing learned from a stopped module
    assert _start(client, candidate, module_id).status_code == 302
    rows = sorted(_enrolments(app, candidate), key=lambda e: e.id)
    assert [(e.status, e.started_on, e.ended_on, e.reason) for e in rows] == [
        ("gestopt", TODAY - timedelta(days=10), TODAY, "ziek"), ("gestart", TODAY, None, "")]


@pytest.mark.parametrize(("outcome", "day", "status", "message"), [
    ("afgerond", TODAY - timedelta(days=20), 400, "voor de startdatum"),
    ("afgerond", TODAY + timedelta(days=1), 400, "toekomst"),
    ("geslaagd", TODAY, 400, "Ongeldige keuze"),
    ("gestopt", TODAY, 400, "Geef een reden op"),
])
def test_bad_finish_gets_a_dutch_400_and_changes_nothing(app, client, advisor, candidate,
                                                         outcome, day, status, message):
    _start(client, candidate, _module_id(app, HEAT_PUMP), TODAY - timedelta(days=10))
    [row] = _enrolments(app, candidate)
    response = _finish(client, candidate, row, outcome=outcome, day=day)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    [after] = _enrolments(app, candidate)
    assert (after.status, after.ended_on) == ("gestart", None)


def test_a_stale_or_finished_enrolment_gets_a_409(app, client, advisor, candidate):
    _start(client, candidate, _module_id(app, HEAT_PUMP), TODAY - timedelta(days=10))
    [row] = _enrolments(app, candidate)
    assert _finish(client, candidate, row, outcome="gestopt", reason="verhuisd").status_code == 302
    second = _finish(client, candidate, row, outcome="afgerond")  # sent from an older page
    assert second.status_code == 409 and "niets overschreven" in second.get_data(as_text=True)
    [after] = _enrolments(app, candidate)
    assert (after.status, after.reason) == ("gestopt", "verhuisd")


def test_an_enrolment_of_another_candidate_is_not_found(app, client, advisor, candidate):
    other = make_candidate(app)[1]
    _start(client, other, _module_id(app, HEAT_PUMP))
    [row] = _enrolments(app, other)
    assert _finish(client, candidate, row).status_code == 404
    assert _enrolments(app, other)[0].status == "gestart"


def test_only_advisors_record_enrolments(app, client, make_user, login, candidate):
    login(make_user("candidate"))
    assert _start(client, candidate, _module_id(app, HEAT_PUMP)).status_code == 403
    assert _enrolments(app, candidate) == []


def test_enrolments_are_in_the_export_and_survive_erasure_without_identity(app, client, advisor,
                                                                           candidate):
    module_id = _module_id(app, HEAT_PUMP)
    _start(client, candidate, module_id, TODAY - timedelta(days=5))
    _finish(client, candidate, _enrolments(app, candidate)[0], outcome="gestopt",
            reason="Mantelzorg voor haar moeder")
    export = client.get(f"/adviseur/kandidaten/{candidate}/gegevens.json").get_json()
    assert [(e["module"], e["reason"]) for e in export["scholing"]] == [
        ("Warmtepomp installeren en onderhouden", "Mantelzorg voor haar moeder")]
    erased = client.post(f"/adviseur/kandidaten/{candidate}/verwijderen",
                         data={"confirm": "ja"})
    assert erased.status_code == 302
    assert [(e.status, e.reason) for e in _enrolments(app, candidate)] == [("gestopt", "")]
    again = _start(client, candidate, module_id)
    assert again.status_code == 400 and "verwijderd" in again.get_data(as_text=True)
    assert len(_enrolments(app, candidate)) == 1


def test_learned_skills_survive_the_candidate_saving_the_skills_step_again(app, client,
                                                                           advisor, login):
    user_id, candidate_id = make_candidate(app)
    candidate_client = app.test_client()
    login(user_id, on=candidate_client)
    saved = candidate_client.post("/intake/3", data={"skills-0-skill": "zonnepanelen monteren",
                                                     "skills-0-level": "3"})
    assert saved.status_code == 302  # a finished profile: the step updates it and keeps a draft
    _start(client, candidate_id, _module_id(app, HEAT_PUMP), TODAY - timedelta(days=30))
    _finish(client, candidate_id, _enrolments(app, candidate_id)[0])
    form = candidate_client.get("/intake/3").get_data(as_text=True)
    assert _label(app, "warmtepompen-installeren") in form
    fields = {"skills-0-skill": "zonnepanelen monteren", "skills-0-level": "3"}
    labels = _skill_slugs(app, candidate_id)
    for number, slug in enumerate(sorted(labels - {"zonnepanelen-monteren"}), start=1):
        fields |= {f"skills-{number}-skill": _label(app, slug), f"skills-{number}-level": "1"}
    assert candidate_client.post("/intake/3", data=fields).status_code == 302
    assert "warmtepompen-installeren" in _skill_slugs(app, candidate_id)


def _skill_slugs(app, candidate_id: int) -> set[str]:
    with app.app_context():
        return set(get_db().exec(select(Skill.slug).join(CandidateSkill).where(
            CandidateSkill.candidate_id == candidate_id)))


def _label(app, slug: str) -> str:
    with app.app_context():
        return get_db().exec(select(Skill.label).where(Skill.slug == slug)).one()


def test_the_candidate_sees_their_modules_on_mijn_loopbaan(app, client, advisor, login):
    user_id, candidate_id = make_candidate(app)
    _start(client, candidate_id, _module_id(app, HEAT_PUMP))
    client.post("/uitloggen")
    login(user_id)
    page = client.get("/kandidaat/").get_data(as_text=True)
    assert "Mijn scholing" in page and "Warmtepomp installeren en onderhouden" in page
