"""Bad input everywhere: Hypothesis posts generated bad values to every form and JSON endpoint.

The forms are found, not listed: each test opens every page its role may see (the table in
tests/test_access_matrix.py) and collects the POST forms on them with their field names, so a new
form is fuzzed as soon as a page shows it. Expected: never a 5xx; a rejection is a 4xx that
says what is wrong; a rejected request leaves every table as it was.
"""

import html
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from spt.db import get_db
from spt.errors import MESSAGES
from spt.models import User, metadata
from spt.services import accounts
from spt.services.errors import DomainError
from tests.profiles import examples
from tests.test_access_matrix import PERMISSIONS, _path, _routes, build_world

INJECTIONS = ["' OR '1'='1' --", "'; DROP TABLE \"user\"; --", "<script>alert(1)</script>",
              "\"><img src=x onerror=alert(1)>", "{{ 7*7 }}", "${7*7}", "../../etc/passwd",
              "%00", "\x00", "NaN", "Infinity", "-1", "0", "1e309", "9" * 40, "[]", "{}",
              "null", "true", "\u202egnp.exe", "ﷺ" * 50, "😀" * 30, " ", "\t\n\r"]
# Not the test password: a generated request must never delete or lock the personas' accounts.
PLAUSIBLE = ["kandidaat@example.nl", "een ander lang wachtwoord 7", "1012 AB", "2027-01-04", "3",
             "ja", "nee", "on", "mbo-3", "bbl", "energie", "B1", "zonnepanelen-monteren"]
CONTROL = st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Co"])

bad_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CONTROL, min_size=1, max_size=20),
    st.text(alphabet=st.characters(min_codepoint=0x80, codec="utf-8"), min_size=1, max_size=30),
    st.integers(min_value=300, max_value=200_000).map(lambda n: "x" * n),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(INJECTIONS),
    st.sampled_from(PLAUSIBLE),
    st.just(""),
)
field_value = st.one_of(bad_text, st.lists(bad_text, min_size=2, max_size=3))
# Per test: 6 tests, more than 1,000 generated requests in all (SPT_FUZZ_EXAMPLES to change).
EXAMPLES = int(os.environ.get("SPT_FUZZ_EXAMPLES") or examples(170))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
# A rejected request may still be logged: a failed login, or a form shown again over a profile.
LOGGED_ON_REJECTION = {"account.login_failed", "employer.viewed_candidate",
                       "advisor.scores_shown"}
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?:input|select|textarea)\b[^>]*?\sname=\"([^\"]+)\"", re.I)
# Pages the matrix opens with one parameter value only.
EXTRA_PAGES = {"anonymous": [f"/intake/{n}" for n in range(1, 7)],
               "admin": ["/beheer/modules/nieuw", "/beheer/loopbaanpaden/nieuw",
                         "/beheer/modules/1", "/beheer/loopbaanpaden/1"]}


def _forms_on(page: str, page_path: str) -> dict[str, list[str]]:
    forms = {}
    for attributes, body in FORM.findall(page):
        if 'method="post"' not in attributes.lower():
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        target = html.unescape(action.group(1)) if action and action.group(1) else page_path
        fields = sorted({n for n in FIELD.findall(body) if n != "csrf_token"})
        if fields and target.startswith("/") and target != "/uitloggen":
            forms.setdefault(target.split("?")[0], fields)
    return forms


def _discover(app, client, persona: str, values: dict) -> dict[str, list[str]]:
    """Every POST form on the pages this persona may open: action path -> field names."""
    role = persona
    forms: dict[str, list[str]] = {}
    with app.test_request_context():
        pages = [_path(rule, values) for key, rule in _routes(app).items()
                 if key.startswith("GET") and role in PERMISSIONS.get(key, ())
                 and "static" not in key and "<lang>" not in key and "export" not in key]
    pages += EXTRA_PAGES.get(persona, [])
    for page_path in pages:
        response = client.get(page_path)
        if response.mimetype == "text/html" and response.status_code == 200:
            for target, fields in _forms_on(response.get_data(as_text=True), page_path).items():
                forms.setdefault(target, fields)
    return forms


def _snapshot(app) -> tuple[dict[str, int], int]:
    """Row counts of every table except the audit log, and the last audit event id."""
    tables = [t.name for t in metadata.sorted_tables if t.name != "auditevent"]
    query = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{name}")' for name in tables)
    with app.extensions["spt_engine"].connect() as connection:
        counts = dict(zip(tables, connection.execute(text(query)).one(), strict=True))
        last = connection.execute(text("SELECT coalesce(max(id), 0) FROM auditevent")).scalar()
    return counts, last


def _new_audit_actions(app, after_id: int) -> set[str]:
    with app.extensions["spt_engine"].connect() as connection:
        return set(connection.execute(text("SELECT action FROM auditevent WHERE id > :id"),
                                      {"id": after_id}).scalars())


def _has_message(body: str, titles: list[str]) -> bool:
    return ('class="errors"' in body or "error-summary" in body or '"error"' in body
            or any(title in body for title in titles))


def _post_bad_values(app, client, forms: dict, titles: list[str], data) -> None:
    target = data.draw(st.sampled_from(sorted(forms)), label="form")
    fields = forms[target]
    chosen = data.draw(st.lists(st.sampled_from(fields), min_size=1, unique=True), label="bad")
    pairs = []
    for name in fields:
        value = data.draw(field_value if name in chosen else st.sampled_from(PLAUSIBLE + [""]),
                          label=name)
        pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
    before, last_event = _snapshot(app)
    response = client.post(target, data=MultiDict(pairs))
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (target, pairs[:5])
    if 400 <= response.status_code < 500:
        assert _has_message(body, titles), (target, response.status_code)
        after, _ = _snapshot(app)
        changed = {name for name in after if after[name] != before[name]}
        assert not changed, (target, "a rejected request changed these tables", changed)
        assert _new_audit_actions(app, last_event) <= LOGGED_ON_REJECTION, target


@pytest.fixture
def fuzz(app, login):
    """A world with objects of every kind, a logged-in client per role, and a form cache."""
    clients, values = build_world(app, login)
    with app.test_request_context():
        titles = [str(title) for title, _ in MESSAGES.values()]
    return {"clients": clients, "values": values, "titles": titles, "forms": {}}


def _run(app, fuzz, persona, data):
    client = fuzz["clients"][persona]
    if persona not in fuzz["forms"]:  # found once per test, reused by every example
        fuzz["forms"][persona] = _discover(app, client, persona, fuzz["values"])
    forms = fuzz["forms"][persona]
    if os.environ.get("SPT_FUZZ_SHOW_FORMS"):
        print(persona, forms)
    assert forms, f"no forms found for {persona}"
    _post_bad_values(app, client, forms, fuzz["titles"], data)


@SETTINGS
@given(data=st.data())
def test_public_forms_survive_bad_input(app, fuzz, data):
    _run(app, fuzz, "anonymous", data)


@SETTINGS
@given(data=st.data())
def test_candidate_forms_survive_bad_input(app, fuzz, data):
    _run(app, fuzz, "candidate", data)


@SETTINGS
@given(data=st.data())
def test_employer_forms_survive_bad_input(app, fuzz, data):
    _run(app, fuzz, "employer", data)


@SETTINGS
@given(data=st.data())
def test_advisor_forms_survive_bad_input(app, fuzz, data):
    _run(app, fuzz, "advisor", data)


@SETTINGS
@given(data=st.data())
def test_admin_forms_survive_bad_input(app, fuzz, data):
    _run(app, fuzz, "admin", data)


@SETTINGS
@given(kind=st.one_of(st.sampled_from(["occupation", "skill"]), bad_text),
       query=st.one_of(bad_text, st.lists(bad_text, min_size=2, max_size=3)))
def test_the_suggest_api_survives_bad_input(app, client, kind, query):
    values = query if isinstance(query, list) else [query]
    response = client.get("/api/suggest", query_string=MultiDict(
        [("kind", kind)] + [("q", v) for v in values]))
    assert response.status_code < 500
    if response.status_code >= 400:
        assert "error" in response.get_json()


WEAK_PASSWORDS = ["kort", "password1234", "PASSWORD1234"]  # too short; in the shipped list


@pytest.mark.parametrize("weak", WEAK_PASSWORDS)
def test_every_way_to_set_a_password_refuses_weak_ones(app, runner, make_user, weak):
    user_id = make_user("candidate")
    with app.test_request_context():
        db = get_db()
        user = db.get(User, user_id)
        email = user.email
        token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=accounts.RESET_SALT).dumps(
            {"id": user.id, "h": user.password_hash[-16:]})
        setters = [
            lambda: accounts.sign_up(db, email="a@example.nl", password=weak, role="candidate"),
            lambda: accounts.sign_up(db, email="b@example.nl", password=weak, role="employer",
                                     organisation="Bedrijf"),
            lambda: accounts.create_user(db, email="c@example.nl", password=weak,
                                         role="advisor"),
            lambda: accounts.new_candidate_user(db, email="d@example.nl", password=weak),
            lambda: accounts.change_password(db, user, current="een lang wachtwoord 42",
                                             new=weak),
            lambda: accounts.reset_password(db, token=token, new=weak),
        ]
        for set_password in setters:
            with pytest.raises(DomainError):
                set_password()
            db.rollback()
    result = runner.invoke(args=["create-user", "--email", "e@example.nl", "--role", "admin",
                                 "--password", weak])
    assert result.exit_code != 0
    with app.app_context():
        assert list(get_db().exec(select(User.email))) == [email]


def test_a_nul_character_is_refused_with_a_message_everywhere(app, client):
    response = client.post("/inloggen", data={"email": "a\x00@example.nl", "password": "x"})
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    api = client.get("/api/suggest", query_string={"kind": "skill", "q": "las\x00sen"})
    assert api.status_code == 400 and "NUL" in api.get_json()["error"]
    as_json = client.post("/registreren", json={"email": "a\u0000b"})
    assert as_json.status_code == 400
