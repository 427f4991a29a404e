"""The pipeline board, bulk moves and match moves with optimistic locking."""

import pytest
from sqlmodel import select

from spt.db import get_db
from spt.models import Candidate, Match, StatusChange, User
from spt.services import workqueue
from spt.services.errors import DomainError
from spt.services.pipeline import CANDIDATE_TRANSITIONS, MATCH_TRANSITIONS
from spt.services.workqueue import MANUAL_MATCH_TARGETS
from tests.factories import PASSWORD, make_candidate, make_employer, make_match, make_placement


@pytest.fixture
def placement(app):
    _u, employer = make_employer(app)
    return make_placement(app, employer)


def _status(app, model, row_id):
    with app.app_context():
        return get_db().get(model, row_id).status


def _changes(app, subject_type, subject_id):
    with app.app_context():
        return get_db().exec(select(StatusChange).where(
            StatusChange.subject_type == subject_type,
            StatusChange.subject_id == subject_id)).all()


CANDIDATE_CASES = [(old, new, new in CANDIDATE_TRANSITIONS[old])
                   for old in CANDIDATE_TRANSITIONS for new in CANDIDATE_TRANSITIONS
                   if old != new]


@pytest.mark.parametrize(("old", "new", "legal"), CANDIDATE_CASES[::4] + [
    ("intake_afgerond", "matchvoorstel", True), ("aangemeld", "geplaatst", False),
    ("geplaatst", "nazorg", True), ("duurzaam_geplaatst", "aangemeld", False)])
def test_each_candidate_transition_is_allowed_or_refused(app, client, advisor, old, new, legal):
    _u, candidate = make_candidate(app, status=old)
    response = client.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": [candidate], "status": new, "reason": "gesprek gehad"})
    assert response.status_code == (302 if legal else 400)
    assert _status(app, Candidate, candidate) == (new if legal else old)
    changes = _changes(app, "candidate", candidate)
    if legal:
        (change,) = changes
        assert (change.from_status, change.to_status, change.reason, change.actor_id) == (
            old, new, "gesprek gehad", advisor)
    else:
        assert changes == []
        assert "Deze stap kan niet" in response.get_data(as_text=True)


def test_bulk_move_moves_those_that_can_and_lists_those_that_cannot_with_why(
        app, client, advisor):
    _u, ready = make_candidate(app, status="intake_afgerond")
    _u, placed = make_candidate(app, status="geplaatst")
    response = client.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": [ready, placed], "status": "orientatie", "reason": "meeloopdag"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"1 kandidaat verplaatst: K-{ready:06d}" in page
    assert f"K-{placed:06d} is niet verplaatst: Deze stap kan niet" in page
    assert _status(app, Candidate, ready) == "orientatie"
    assert _status(app, Candidate, placed) == "geplaatst"
    assert [c.to_status for c in _changes(app, "candidate", ready)] == ["orientatie"]
    assert _changes(app, "candidate", placed) == []


def test_a_bulk_move_where_none_can_move_is_refused_with_each_reason(app, client, advisor):
    _u, placed = make_candidate(app, status="geplaatst")
    _u, lasting = make_candidate(app, status="duurzaam_geplaatst")
    response = client.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": [placed, lasting], "status": "orientatie", "reason": "meeloopdag"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"K-{placed:06d}: Deze stap kan niet" in page
    assert f"K-{lasting:06d}: Deze stap kan niet" in page


def test_a_candidate_changed_meanwhile_is_left_out_and_the_others_move(app, client, advisor):
    _u, first = make_candidate(app, status="intake_afgerond")
    _u, second = make_candidate(app, status="intake_afgerond")
    with app.app_context():
        db = get_db()
        seen = {c: db.get(Candidate, c).version for c in (first, second)}
        other = db.get(Candidate, second)
        other.phone = "06 0000 0000"  # another advisor saves this candidate first
        db.commit()
    response = client.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": [first, second], "status": "orientatie", "reason": "meeloopdag",
        "versions": [f"{c}:{v}" for c, v in seen.items()]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert _status(app, Candidate, first) == "orientatie"
    assert _status(app, Candidate, second) == "intake_afgerond"
    assert f"K-{second:06d} is niet verplaatst: Iemand anders heeft" in page


def test_bulk_move_needs_a_reason_and_a_selection(app, client, advisor):
    _u, candidate = make_candidate(app)
    assert client.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": [candidate], "status": "orientatie", "reason": ""}).status_code == 400
    assert client.post("/adviseur/pipeline/verplaatsen", data={
        "status": "orientatie", "reason": "x"}).status_code == 400
    assert _status(app, Candidate, candidate) == "intake_afgerond"


def test_board_filters_by_theme_region_kind_and_advisor(app, client, advisor):
    make_candidate(app, first_name="Energiek", themes=["energie"], kinds=["bbl"])
    make_candidate(app, first_name="Bouwer", themes=["bouw"], kinds=["vacature"],
                   pc4="9711", postcode="9711 AA")
    text = client.get("/adviseur/pipeline").get_data(as_text=True)
    assert "Energiek" in text and "Bouwer" in text
    text = client.get("/adviseur/pipeline?theme=bouw").get_data(as_text=True)
    assert "Bouwer" in text and "Energiek" not in text
    text = client.get("/adviseur/pipeline?kind=bbl").get_data(as_text=True)
    assert "Energiek" in text and "Bouwer" not in text
    text = client.get("/adviseur/pipeline?region=Groot Amsterdam").get_data(as_text=True)
    assert "Energiek" in text and "Bouwer" not in text
    text = client.get(f"/adviseur/pipeline?advisor={advisor}").get_data(as_text=True)
    assert "Energiek" not in text


MATCH_CASES = [(old, new, new in MATCH_TRANSITIONS[old] and new in MANUAL_MATCH_TARGETS)
               for old in MATCH_TRANSITIONS for new in MANUAL_MATCH_TARGETS if old != new]


@pytest.mark.parametrize(("old", "new", "legal"), MATCH_CASES[::3] + [
    ("voorgesteld", "kennismaking", True), ("berekend", "geplaatst", False),
    ("afgewezen", "kennismaking", False), ("kennismaking", "geplaatst", True)])
def test_each_match_transition_is_allowed_or_refused(app, client, advisor, placement, old, new,
                                                     legal):
    _u, candidate = make_candidate(app)
    match_id = make_match(app, candidate, placement, status=old)
    response = client.post(f"/adviseur/matches/{match_id}/status", data={
        "version": 1, "status": new, "reason": "gebeld met werkgever"})
    assert response.status_code == (302 if legal else 400), response.get_data(as_text=True)
    with app.app_context():
        match = get_db().get(Match, match_id)
        assert (match.status, match.version) == ((new, 2) if legal else (old, 1))
    assert len(_changes(app, "match", match_id)) == (1 if legal else 0)


def test_advisor_cannot_skip_the_candidates_consent(app, client, advisor, placement):
    _u, candidate = make_candidate(app)
    match_id = make_match(app, candidate, placement, status="on_hold")
    response = client.post(f"/adviseur/matches/{match_id}/status", data={
        "version": 1, "status": "voorgesteld", "reason": "x"})
    assert response.status_code == 400
    assert _status(app, Match, match_id) == "on_hold"


def test_second_advisor_with_a_stale_version_gets_409_and_nothing_is_lost(app, make_user,
                                                                         placement):
    _u, candidate = make_candidate(app, status="voorgesteld")
    match_id = make_match(app, candidate, placement, status="voorgesteld")
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        user = make_user("advisor")
        with app.app_context():
            email = get_db().get(User, user).email
        client.post("/inloggen", data={"email": email, "password": PASSWORD})
    ok = first.post(f"/adviseur/matches/{match_id}/status", data={
        "version": 1, "status": "kennismaking", "reason": "afspraak 3 maart"})
    assert ok.status_code == 302
    late = second.post(f"/adviseur/matches/{match_id}/status", data={
        "version": 1, "status": "afgewezen", "reason": "geen reactie"})
    assert late.status_code == 409
    assert "Iemand anders heeft deze match net gewijzigd" in late.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        match = db.get(Match, match_id)
        assert (match.status, match.version) == ("kennismaking", 2)
        assert db.get(Candidate, candidate).status == "kennismaking"
    (change,) = _changes(app, "match", match_id)
    assert change.reason == "afspraak 3 maart"


def test_a_side_exit_of_a_match_needs_a_reason(app, client, advisor, placement):
    _u, candidate = make_candidate(app)
    match_id = make_match(app, candidate, placement, status="voorgesteld")
    response = client.post(f"/adviseur/matches/{match_id}/status", data={
        "version": 1, "status": "afgewezen", "reason": ""})
    assert response.status_code == 400 and "Geef een reden op" in response.get_data(
        as_text=True)
    assert _status(app, Match, match_id) == "voorgesteld"


def test_every_candidate_transition_through_the_service(app, make_user):
    actor = make_user("advisor")
    _u, candidate = make_candidate(app)
    with app.app_context():
        db = get_db()
        for old in CANDIDATE_TRANSITIONS:
            for new in CANDIDATE_TRANSITIONS:
                if old == new:
                    continue
                row = db.get(Candidate, candidate)
                row.status = old
                db.add(row)
                db.commit()
                try:
                    workqueue.move_candidates(db, actor_id=actor, candidate_ids=[candidate],
                                              status=new, reason="r")
                    moved = True
                except DomainError:
                    moved = False
                assert moved == (new in CANDIDATE_TRANSITIONS[old]), (old, new)
                assert db.get(Candidate, candidate).status == (new if moved else old)


def test_every_manual_match_transition_through_the_service(app, make_user, placement):
    actor = make_user("advisor")
    _u, candidate = make_candidate(app)
    match_id = make_match(app, candidate, placement)
    with app.app_context():
        db = get_db()
        for old in MATCH_TRANSITIONS:
            for new in MATCH_TRANSITIONS:
                match = db.get(Match, match_id)
                match.status = old
                db.add(match)
                db.commit()
                legal = new in MATCH_TRANSITIONS[old] and new in MANUAL_MATCH_TARGETS
                try:
                    workqueue.move_match(db, actor_id=actor, match_id=match_id, status=new,
                                         reason="r", expected_version=match.version)
                    moved = True
                except DomainError:
                    db.rollback()
                    moved = False
                assert moved == legal, (old, new)
                db.refresh(match)
                assert match.status == (new if legal else old)
