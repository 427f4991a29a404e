"""Two writers at once: the second gets a Dutch 409 (or a capacity refusal), never a lost update.

Each race runs two real requests in two threads against the test database (a SQLite file, or
PostgreSQL with SPT_TEST_DATABASE_URL). A gate holds both requests at the point where each has
read the row and is about to write, so the interleaving is the bad one every time; the database
is checked after every trial.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from itertools import count

import pytest
from sqlmodel import col, func, select

from spt.db import get_db
from spt.models import AuditEvent, Candidate, Employer, Match, Placement, StatusChange, User
from spt.services import accounts
from spt.services.pipeline import ACTIVE_WITH_EMPLOYER
from tests.factories import (
    PASSWORD,
    invite_fields,
    make_candidate,
    make_employer,
    make_match,
    make_placement,
)
from tests.test_employer_placements import seen

TRIALS = 3
GATE_TIMEOUT_S = 20  # a bound against a hang, never an assertion on speed
_numbers = count(1)


def gate(monkeypatch, target: str, parties: int = 2) -> threading.Barrier:
    """Make the first call of `module.function` in each of `parties` threads wait for the rest."""
    module_name, name = target.rsplit(".", 1)
    module = __import__(module_name, fromlist=[name])
    original = getattr(module, name)
    barrier, waited = threading.Barrier(parties, timeout=GATE_TIMEOUT_S), threading.local()

    def gated(*args, **kwargs):
        if not getattr(waited, "done", False):
            waited.done = True
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, gated)
    return barrier


def race(*requests) -> list:
    """Run the request functions at the same time; their responses in the same order."""
    with ThreadPoolExecutor(len(requests)) as pool:
        return [f.result(timeout=GATE_TIMEOUT_S * 3) for f in
                [pool.submit(request) for request in requests]]


def logged_in(app, role: str):
    """A new client with a new user of this role logged in: (client, user id)."""
    with app.app_context():
        email = f"race-{role}-{next(_numbers)}@example.nl"
        user = accounts.create_user(get_db(), email=email, password=PASSWORD, role=role)
        user_id = user.id
    client = app.test_client()
    assert client.post("/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
    return client, user_id


def employer_client(app, user_id: int):
    with app.app_context():
        email = get_db().get(User, user_id).email
    client = app.test_client()
    assert client.post("/inloggen", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def _changes(db, subject_type: str, subject_id: int) -> list[StatusChange]:
    return list(db.exec(select(StatusChange).where(StatusChange.subject_type == subject_type,
                                                   StatusChange.subject_id == subject_id)))


def _version(app, model, row_id) -> int:
    with app.app_context():
        return get_db().get(model, row_id).version


def test_two_advisors_moving_one_candidate_one_wins_one_gets_409(app, monkeypatch):
    first, _a = logged_in(app, "advisor")
    second, _b = logged_in(app, "advisor")
    gate(monkeypatch, "spt.services.pipeline.move_candidate")
    for _trial in range(TRIALS):
        _u, candidate = make_candidate(app, status="intake_afgerond")
        seen = f"{candidate}:{_version(app, Candidate, candidate)}"
        responses = race(*(partial(c.post, "/adviseur/pipeline/verplaatsen", data={
            "candidate_ids": [candidate], "versions": [seen], "status": to, "reason": "gesprek"})
            for c, to in ((first, "orientatie"), (second, "on_hold"))))
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 409], codes
        loser = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
        assert "Iemand anders heeft" in loser and "de status is nu" in loser
        with app.app_context():
            db = get_db()
            row = db.get(Candidate, candidate)
            (change,) = _changes(db, "candidate", candidate)
            assert (change.from_status, change.to_status) == ("intake_afgerond", row.status)
            assert row.version == 2


def test_a_move_from_a_board_that_is_out_of_date_gets_409(app):
    client, advisor = logged_in(app, "advisor")
    _u, candidate = make_candidate(app, status="intake_afgerond")
    stale = f"{candidate}:{_version(app, Candidate, candidate)}"
    assert client.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": [candidate], "status": "orientatie", "reason": "r"}).status_code == 302
    late = client.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": [candidate], "versions": [stale], "status": "on_hold", "reason": "r"})
    assert late.status_code == 409 and "Oriëntatie" in late.get_data(as_text=True)
    with app.app_context():
        assert get_db().get(Candidate, candidate).status == "orientatie"


def test_two_advisors_claiming_one_candidate_only_one_owns_it(app, monkeypatch):
    first, a = logged_in(app, "advisor")
    second, b = logged_in(app, "advisor")
    gate(monkeypatch, "spt.services.workqueue.utcnow")  # read done, about to write
    for _trial in range(TRIALS):
        _u, candidate = make_candidate(app)
        responses = race(*(partial(c.post, f"/adviseur/kandidaten/{candidate}/oppakken")
                           for c in (first, second)))
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 409], codes
        with app.app_context():
            db = get_db()
            owner = db.get(Candidate, candidate).advisor_id
            claims = db.exec(select(AuditEvent).where(AuditEvent.action == "advisor.claimed",
                                                      AuditEvent.subject_id == candidate)).all()
            assert owner in (a, b) and [e.actor_id for e in claims] == [owner]
        loser = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
        assert "al opgepakt" in loser


def test_two_advisors_moving_one_match_one_gets_409(app, monkeypatch):
    first, _a = logged_in(app, "advisor")
    second, _b = logged_in(app, "advisor")
    _u, employer = make_employer(app, mentor_capacity=5)
    placement = make_placement(app, employer, seats=5)
    gate(monkeypatch, "spt.services.pipeline.move_match")
    for _trial in range(TRIALS):
        _u, candidate = make_candidate(app, status="voorgesteld")
        match_id = make_match(app, candidate, placement, status="voorgesteld")
        responses = race(*(partial(_advisor_move, c, match_id, to)
                           for c, to in ((first, "kennismaking"), (second, "afgewezen"))))
        assert sorted(r.status_code for r in responses) == [302, 409]
        with app.app_context():
            db = get_db()
            match = db.get(Match, match_id)
            (change,) = _changes(db, "match", match_id)
            assert (change.from_status, change.to_status) == ("voorgesteld", match.status)


def _active(db, *, employer_id=None, placement_id=None) -> int:
    query = select(func.count(Match.id)).join(Placement).where(
        col(Match.status).in_(ACTIVE_WITH_EMPLOYER))
    if employer_id is not None:
        query = query.where(Placement.employer_id == employer_id)
    if placement_id is not None:
        query = query.where(Match.placement_id == placement_id)
    return db.exec(query).one()


def _accept(client, match_id: int, version: int = 1):
    return client.post(f"/werkgever/kandidaten/{match_id}/uitnodigen", data={
        "uitnodigen-version": version, **invite_fields("2027-02-10")})


def _advisor_move(client, match_id: int, status: str = "kennismaking", version: int = 1):
    return client.post(f"/adviseur/matches/{match_id}/status", data={
        "version": version, "status": status, "reason": "afspraak gemaakt"})



@pytest.mark.parametrize("paths", ["employer+employer", "employer+advisor", "advisor+advisor"])
def test_concurrent_activations_never_exceed_mentor_capacity(app, monkeypatch, paths):
    advisor, _a = logged_in(app, "advisor")
    other_advisor, _b = logged_in(app, "advisor")
    gate(monkeypatch, "spt.services.pipeline.lock_rows")
    for _trial in range(TRIALS):
        user, employer = make_employer(app, mentor_capacity=1)
        boss = employer_client(app, user)
        placements = [make_placement(app, employer, seats=2) for _ in range(2)]
        matches = [make_match(app, make_candidate(app, status="voorgesteld")[1], p,
                              status="voorgesteld") for p in placements]
        callers = {"employer": partial(_accept, boss), "advisor": partial(_advisor_move, advisor)}
        first, second = (callers[name] for name in paths.split("+"))
        if paths == "advisor+advisor":
            second = partial(_advisor_move, other_advisor)
        responses = race(partial(first, matches[0]), partial(second, matches[1]))
        codes = sorted(r.status_code for r in responses)
        assert codes[0] in (302, 200) and codes[1] == 400, codes
        refused = next(r for r in responses if r.status_code == 400).get_data(as_text=True)
        assert "begeleidingscapaciteit is vol" in refused
        with app.app_context():
            db = get_db()
            assert _active(db, employer_id=employer) == 1
            assert db.get(Employer, employer).mentor_capacity == 1


def test_concurrent_accepts_never_exceed_the_seats_of_a_placement(app, monkeypatch):
    gate(monkeypatch, "spt.services.pipeline.lock_rows")
    for _trial in range(TRIALS):
        user, employer = make_employer(app, mentor_capacity=5)
        first, second = employer_client(app, user), employer_client(app, user)
        placement = make_placement(app, employer, seats=1)
        matches = [make_match(app, make_candidate(app, status="voorgesteld")[1], placement,
                              status="voorgesteld") for _ in range(2)]
        responses = race(partial(_accept, first, matches[0]), partial(_accept, second, matches[1]))
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 400], codes
        with app.app_context():
            assert _active(get_db(), placement_id=placement) == 1


def test_every_path_back_to_active_checks_capacity(app):
    """Return from on hold (by the advisor or via the employer) and a manual move, when full."""
    advisor, _a = logged_in(app, "advisor")
    user, employer = make_employer(app, mentor_capacity=1)
    boss = employer_client(app, user)
    placement = make_placement(app, employer, seats=3)
    busy = make_match(app, make_candidate(app, status="kennismaking")[1], placement,
                      status="kennismaking")
    held = make_match(app, make_candidate(app, status="on_hold")[1], placement, status="on_hold")
    waiting = make_match(app, make_candidate(app, status="voorgesteld")[1], placement,
                         status="voorgesteld")
    assert _advisor_move(advisor, held).status_code == 400  # on hold -> kennismaking
    assert _advisor_move(advisor, waiting).status_code == 400  # manual move to kennismaking
    with app.app_context():
        db = get_db()
        row = db.get(Match, held)
        row.status = "voorgesteld"  # came back from on hold to the employer
        db.add(row)
        db.commit()
        version = row.version
    refused = _accept(boss, held, version)
    assert refused.status_code == 400
    assert "begeleidingscapaciteit is vol" in refused.get_data(as_text=True)
    with app.app_context():
        db = get_db()
        assert _active(db, employer_id=employer) == 1
        assert db.get(Match, busy).status == "kennismaking"


def test_a_bulk_move_of_candidates_never_activates_a_match(app):
    advisor, _a = logged_in(app, "advisor")
    _user, employer = make_employer(app, mentor_capacity=1)
    placement = make_placement(app, employer)
    candidates = [make_candidate(app, status="voorgesteld")[1] for _ in range(3)]
    for candidate in candidates:
        make_match(app, candidate, placement, status="voorgesteld")
    response = advisor.post("/adviseur/pipeline/verplaatsen", data={
        "candidate_ids": candidates, "status": "kennismaking", "reason": "gesprekken gepland"})
    assert response.status_code == 302
    with app.app_context():
        assert _active(get_db(), employer_id=employer) == 0


def test_two_employers_saving_one_placement_the_second_keeps_its_input_and_gets_409(
        app, monkeypatch):
    user, employer = make_employer(app, mentor_capacity=2)
    placement = make_placement(app, employer, kind="vacature", title="monteur")
    clients = [employer_client(app, user) for _ in range(2)]
    form = {"kind": "vacature", "title": "", "essential_skills": "zonnepanelen monteren",
            "postcode": "1012 AB", "hours_per_week": "32", "seats": "1", "instrument": "geen",
            "level": "", "theme": "", "min_nt2": "", "crebo": "",
            "version": _version(app, Placement, placement)}
    titles = ["monteur zonnepanelen", "elektromonteur"]
    url = f"/werkgever/plekken/{placement}"
    # each employer first sees what the form becomes (the preview), then saves what it saw
    shown = [form | {"title": t} | seen(c.post(url, data=form | {"title": t}))
             for c, t in zip(clients, titles, strict=True)]
    gate(monkeypatch, "spt.services.placements._checked")
    responses = race(*(partial(c.post, url, data=data)
                       for c, data in zip(clients, shown, strict=True)))
    assert sorted(r.status_code for r in responses) == [302, 409]
    loser = next(i for i, r in enumerate(responses) if r.status_code == 409)
    page = responses[loser].get_data(as_text=True)
    assert "net opgeslagen" in page and titles[loser] in page  # the typed title is still there
    with app.app_context():
        row = get_db().get(Placement, placement)
        assert row.title == titles[1 - loser] and row.version == 2
