"""Double submits, races on forms and malformed requests: the first one's result or a Dutch
message, never a 500, nothing stored twice."""

import io
from functools import partial

import pytest
from sqlmodel import func, select

from spt.db import get_db
from spt.models import Candidate, Placement, User
from tests.factories import PASSWORD, make_employer
from tests.test_concurrency import employer_client, gate, race
from tests.test_employer_placements import placement_form, seen
from tests.test_intake import STEP6, STEPS

TRIALS = 3


def _count(app, model) -> int:
    with app.app_context():
        return get_db().exec(select(func.count()).select_from(model)).one()


def _same_browser(app, client):
    """A second client carrying the first one's session cookie (one browser, two requests)."""
    twin = app.test_client()
    cookie = client.get_cookie("session")
    twin.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return twin


def test_a_double_submit_of_the_intakes_last_step_racing_itself_never_500s(app, monkeypatch):
    gate(monkeypatch, "spt.services.accounts.new_candidate_user")
    for trial in range(TRIALS):
        client, email = app.test_client(), f"ali{trial}@example.nl"
        for number in range(1, 6):
            data = STEPS[number] | ({"email": email} if number == 1 else {})
            assert client.post(f"/intake/{number}", data=data).status_code == 302
        twin = _same_browser(app, client)
        responses = race(partial(client.post, "/intake/6", data=STEP6),
                         partial(twin.post, "/intake/6", data=STEP6))
        codes = sorted(r.status_code for r in responses)
        assert codes == [302, 400], (trial, codes)
        loser = next(r for r in responses if r.status_code == 400).get_data(as_text=True)
        assert "Deze intake is al afgerond" in loser and "Log in" in loser
        with app.app_context():
            db = get_db()
            (user,) = db.exec(select(User).where(User.email == email)).all()
            assert len(db.exec(select(Candidate).where(Candidate.user_id == user.id)).all()) == 1


def test_two_browsers_registering_one_address_one_account_and_a_dutch_message(app, monkeypatch):
    gate(monkeypatch, "spt.services.accounts.hash_password")  # both checked: address is free
    form = {"email": "dubbel@example.nl", "password": PASSWORD, "confirm": PASSWORD}
    responses = race(partial(app.test_client().post, "/registreren", data=form),
                     partial(app.test_client().post, "/registreren", data=form))
    assert sorted(r.status_code for r in responses) == [302, 400]
    loser = next(r for r in responses if r.status_code == 400).get_data(as_text=True)
    assert "Er is al een account met dit e-mailadres" in loser
    with app.app_context():
        assert len(get_db().exec(select(User).where(User.email == "dubbel@example.nl")).all()) == 1


def test_a_double_post_of_one_placement_form_stores_one_placement(app, monkeypatch):
    user, employer = make_employer(app)
    first, second = employer_client(app, user), employer_client(app, user)
    form = placement_form(idempotency_key="een-sleutel-van-dit-formulier-1234")
    form |= seen(first.post("/werkgever/plekken/nieuw", data=form))  # the preview, then save
    gate(monkeypatch, "spt.services.placements._checked")
    responses = race(partial(first.post, "/werkgever/plekken/nieuw", data=form),
                     partial(second.post, "/werkgever/plekken/nieuw", data=form))
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    with app.app_context():
        rows = get_db().exec(select(Placement).where(Placement.employer_id == employer)).all()
        assert len(rows) == 1


@pytest.mark.parametrize("path", ["/inloggen", "/registreren", "/intake/1", "/intake/2"])
def test_a_file_in_a_text_field_is_refused_in_dutch_and_stores_nothing(app, client, path):
    before = _count(app, User), _count(app, Candidate)
    response = client.post(path, content_type="multipart/form-data", data={
        "email": (io.BytesIO(b"%PDF-1.4 ..."), "cv.pdf"), "first_name": (io.BytesIO(b"x"), "a"),
        "jobs-0-title": (io.BytesIO(b"\x00\xff"), "b.bin"), "password": PASSWORD})
    assert response.status_code == 400
    assert "bestand mee waar tekst hoort" in response.get_data(as_text=True)
    assert (_count(app, User), _count(app, Candidate)) == before


FORM_TYPE = "application/x-www-form-urlencoded"
MALFORMED = [
    ("POST", "/inloggen", {"data": b"\xff\xfe garbage=%FF", "content_type": FORM_TYPE}),
    ("POST", "/inloggen", {"data": b"--x\r\nbroken", "content_type": "multipart/form-data"}),
    ("POST", "/inloggen", {"data": b"--x\r\nbroken",
                           "content_type": "multipart/form-data; boundary=x"}),
    ("POST", "/registreren", {"data": b"{not json", "content_type": "application/json"}),
    ("POST", "/registreren", {"json": ["a", "list"]}),
    ("GET", "/api/suggest?kind=skill&q=%ZZ%E2%82", {}),
    ("GET", "/api/suggest?kind=skill&q=" + "a" * 5000, {}),
    ("POST", "/intake/1", {"data": {"birth_year": ["1985", "1986"], "email": ["a@b.nl"] * 3}}),
    ("POST", "/intake/5", {"data": {"available_from": "31-31-2027", "hours_per_week": "1e309"}}),
    ("PUT", "/intake/1", {}),
    ("DELETE", "/inloggen", {}),
    ("POST", "/intake/1", {"data": "x=" + "y" * (3 * 1024 * 1024), "content_type": FORM_TYPE}),
    ("GET", "/adviseur/kandidaten/99999999999999999999", {}),
    ("GET", "/intake/%C0%AF", {}),
]


@pytest.mark.parametrize(("method", "path", "options"), MALFORMED,
                         ids=[f"{m} {p[:30]} {i}" for i, (m, p, _o) in enumerate(MALFORMED)])
def test_malformed_requests_get_a_4xx_never_a_500(client, method, path, options):
    response = client.open(path, method=method, **options)
    assert 400 <= response.status_code < 500 or response.status_code in (200, 302), (
        response.status_code)
    if response.status_code >= 400 and response.mimetype == "text/html":
        body = response.get_data(as_text=True)
        assert 'lang="nl"' in body and "<h1>" in body  # the styled Dutch page
