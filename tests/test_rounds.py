"""Match rounds: capacity (seats, mentor capacity), locks, exclusions, filters and acceptance."""

import pytest
from sqlmodel import select

from spt import jobs
from spt.db import get_db
from spt.models import AuditEvent, Employer, Match, MatchRound, Placement
from spt.services import introductions, rounds
from tests.factories import make_candidate, make_employer, make_match, make_placement


@pytest.fixture
def market(app):
    """Employer A (mentor capacity 1, two placements), employer B (capacity 2, one in use)."""
    _u, a = make_employer(app, mentor_capacity=1, name="A")
    _u, b = make_employer(app, mentor_capacity=2, name="B")
    a1 = make_placement(app, a, title="A1", theme="energie")
    a2 = make_placement(app, a, title="A2", theme="energie")
    b1 = make_placement(app, b, title="B1", theme="energie", seats=2)
    _u, busy = make_candidate(app, status="kennismaking")
    make_match(app, busy, b1, status="kennismaking")
    candidates = [make_candidate(app, first_name=f"K{i}")[1] for i in range(4)]
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, "candidates": candidates,
            "busy": busy}


def _round(app, round_id) -> MatchRound:
    with app.app_context():
        return get_db().get(MatchRound, round_id)


def _start(client, **data) -> int:
    form = {"region": "", "theme": "", "max_per_placement": 5} | data
    response = client.post("/adviseur/matchronde", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_round_respects_mentor_capacity_and_seats(app, client, advisor, market):
    round_id = _start(client)
    row = _round(app, round_id)
    assert row.status == "klaar" and row.progress == 100
    pairs = row.result["pairs"]
    per_employer = {"A": 0, "B": 0}
    for pair in pairs:
        per_employer["A" if pair["placement_id"] in (market["a1"], market["a2"]) else "B"] += 1
    # A: mentor capacity 1; B: capacity 2 minus 1 in use (and seats 2 on B1)
    assert per_employer == {"A": 1, "B": 1}
    assert row.result["candidates"] == 4  # the busy candidate is not in the round
    unassigned = row.result["unassigned"]
    assert len(unassigned) == 2 and {u["reason"] for u in unassigned} == {"capacity_full"}
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "passende plekken zijn vol" in page and "Begeleidingscapaciteit gebruikt" in page


def test_the_round_says_where_one_more_mentor_lets_a_waiting_candidate_start(
        app, client, advisor, market):
    round_id = _start(client)
    row = _round(app, round_id)
    gains = {g["employer_id"]: g for g in row.result["mentor_gains"]}
    # A is full (capacity 1) with a free seat on A2 and two candidates waiting
    assert gains[market["a"]]["placed"] == 1 and gains[market["a"]]["score"] > 0
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "Als A één kandidaat meer kan begeleiden, kan er 1 kandidaat meer starten" in page


def test_cap_on_proposals_per_placement(app, client, advisor, market):
    with app.app_context():
        db = get_db()
        for employer_id in (market["a"], market["b"]):
            row = db.get(Employer, employer_id)
            row.mentor_capacity = 10
            db.add(row)
        db.commit()
    row = _round(app, _start(client, max_per_placement=1))
    used = [p["placement_id"] for p in row.result["pairs"]]
    assert len(used) == len(set(used)) == 3


def test_excluded_pairs_are_never_proposed_and_locks_hold(app, client, advisor, market):
    round_id = _start(client)
    first = _round(app, round_id).result["pairs"][0]
    key = f"{first['candidate_id']}:{first['placement_id']}"
    response = client.post(f"/adviseur/matchronde/{round_id}/aanpassen", data={"excluded": [key]})
    assert response.status_code == 302
    row = _round(app, round_id)
    assert [first["candidate_id"], first["placement_id"]] in row.params["excluded"]
    assert all((p["candidate_id"], p["placement_id"]) != (first["candidate_id"],
                                                          first["placement_id"])
               for p in row.result["pairs"])
    other = market["candidates"][3]
    lock = f"{other}:{market['a2']}"
    client.post(f"/adviseur/matchronde/{round_id}/aanpassen", data={"locked": [lock]})
    pairs = {(p["candidate_id"], p["placement_id"]): p for p in _round(app, round_id)
             .result["pairs"]}
    assert pairs[(other, market["a2"])]["locked"] is True


def test_locks_beyond_capacity_are_refused_and_change_nothing(app, client, advisor, market):
    round_id = _start(client)
    before = _round(app, round_id).result
    c1, c2 = market["candidates"][:2]
    response = client.post(f"/adviseur/matchronde/{round_id}/aanpassen", data={
        "locked": [f"{c1}:{market['a1']}", f"{c2}:{market['a2']}"]})
    assert response.status_code == 400
    assert "begeleidingscapaciteit" in response.get_data(as_text=True)
    assert _round(app, round_id).result == before


def test_accepting_pairs_proposes_them_with_consent_pending(app, client, advisor, market):
    round_id = _start(client)
    pairs = _round(app, round_id).result["pairs"]
    keys = [f"{p['candidate_id']}:{p['placement_id']}" for p in pairs]
    response = client.post(f"/adviseur/matchronde/{round_id}/accepteren",
                           data={"accept": keys + ["999:999"]})
    assert response.status_code == 302
    with app.app_context():
        db = get_db()
        proposed = db.exec(select(Match).where(Match.status == "wacht_op_kandidaat")).all()
        assert {(m.candidate_id, m.placement_id) for m in proposed} == {
            (p["candidate_id"], p["placement_id"]) for p in pairs}
        for match in proposed:
            employer = db.get(Placement, match.placement_id).employer_id
            assert not introductions.identity_visible(db, candidate_id=match.candidate_id,
                                                      employer_id=employer)
        assert db.exec(select(AuditEvent).where(
            AuditEvent.action == "advisor.round_accepted")).one().detail["failed"] == [[999, 999]]
    assert len(_round(app, round_id).result["accepted"]) == len(pairs)


def test_round_filters_by_theme_kind_and_region(app, client, advisor, market):
    _u, other = make_employer(app, mentor_capacity=5, pc4="9711")
    make_placement(app, other, title="Groningen ICT", theme="ict", pc4="9711")
    make_candidate(app, first_name="Groninger", pc4="9711", postcode="9711 AA",
                   themes=["ict"])
    row = _round(app, _start(client, theme="ict"))
    assert (row.result["candidates"], row.result["placements"]) == (1, 1)
    row = _round(app, _start(client, kinds=["wep"]))
    assert row.result["placements"] == 0
    region = rounds._region("1012")
    row = _round(app, _start(client, region=region))
    assert row.result["placements"] == 3 and row.result["candidates"] == 4


def test_a_round_runs_as_a_background_job(app, advisor, market):
    with app.app_context():
        db = get_db()
        row = MatchRound(created_by_id=advisor, params={"max_per_placement": 2})
        db.add(row)
        db.commit()
        round_id = row.id
    with app.app_context():
        job_id = jobs.enqueue("match_round", round_id=round_id)
        assert jobs.status(job_id)["status"] == "finished"
    row = _round(app, round_id)
    assert (row.status, row.progress, row.result["candidates"]) == ("klaar", 100, 4)


def test_proposing_with_nothing_ticked_says_what_to_do_and_sends_nothing(
        app, client, advisor, market):
    round_id = _start(client)
    response = client.post(f"/adviseur/matchronde/{round_id}/accepteren", data={})
    assert response.status_code == 400
    assert "Kies eerst één of meer paren om voor te stellen." in response.get_data(as_text=True)
    assert _round(app, round_id).result.get("accepted", []) == []


def test_all_pairs_at_one_employer_are_proposed_with_one_button(app, client, advisor, market):
    round_id = _start(client)
    pairs = _round(app, round_id).result["pairs"]
    at_a = [[p["candidate_id"], p["placement_id"]] for p in pairs
            if p["placement_id"] in (market["a1"], market["a2"])]
    assert at_a
    response = client.post(f"/adviseur/matchronde/{round_id}/accepteren",
                           data={"accept_employer": market["a"]})
    assert response.status_code == 302
    assert _round(app, round_id).result["accepted"] == at_a


def test_an_excluded_pair_is_listed_by_name_and_can_be_let_back_in(app, client, advisor, market):
    round_id = _start(client)
    first = _round(app, round_id).result["pairs"][0]
    key = f"{first['candidate_id']}:{first['placement_id']}"
    client.post(f"/adviseur/matchronde/{round_id}/aanpassen", data={"excluded": [key]})
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "Uitgesloten paren (1)" in page and f'value="{key}" checked' in page
    assert [first["candidate_id"], first["placement_id"]] in _round(app, round_id).params[
        "excluded"]
    client.post(f"/adviseur/matchronde/{round_id}/aanpassen", data={})  # unticked: undo
    assert _round(app, round_id).params["excluded"] == []
    assert "Vastzetten: K-" in client.get(f"/adviseur/matchronde/{round_id}").get_data(
        as_text=True)


def test_a_candidate_without_a_fitting_place_is_told_which_rule_ruled_them_out(
        app, client, advisor, market):
    _u, far = make_candidate(app, first_name="Groninger", pc4="9711", postcode="9711 AA",
                             max_km=10)
    round_id = _start(client)
    row = _round(app, round_id)
    mine = next(u for u in row.result["unassigned"] if u["candidate_id"] == far)
    assert mine["reason"] == "no_eligible_placement" and mine["rule"] == "travel_too_far"
    assert mine["rule_places"] == mine["places"] == 3
    page = client.get(f"/adviseur/matchronde/{round_id}").get_data(as_text=True)
    assert "De reisafstand is groter dan de kandidaat wil reizen." in page
    assert "bij 3 van de 3 plekken" in page
