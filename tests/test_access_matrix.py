"""The access-control matrix: every route, every role, other parties' ids, zero leaks.

When you add a route, add it to PERMISSIONS: who may reach it. The walk below then requests it
as anonymous, candidate, employer, other employer, advisor and admin with the ids of objects that
belong to someone else, and fails on a 5xx, on a role that gets in where it should not, and on
any page that shows another party's name or e-mail address.
"""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from werkzeug.routing.converters import AnyConverter

from spt import create_app
from spt.db import get_db
from spt.models import Appointment, AuditEvent, Consent, Module, ModuleEnrolment, User
from spt.services import round_jobs
from tests.conftest import PASSWORD
from tests.factories import (
    _password_hash,
    make_candidate,
    make_employer,
    make_match,
    make_placement,
)

PUBLIC = frozenset({"anonymous", "candidate", "employer", "advisor", "admin"})
USERS = frozenset({"candidate", "employer", "advisor", "admin"})
STAFF = frozenset({"advisor", "admin"})
CANDIDATE = frozenset({"candidate"})
INTAKE = frozenset({"anonymous", "candidate"})  # staff and employers are refused the intake
EMPLOYER = frozenset({"employer"})
ADMIN = frozenset({"admin"})
# Routes opened by a bearer token, not a login: a login would not help, so everyone gets a 404.
TOKEN_ONLY = frozenset({"GET /metrics"})
CATALOGUE = "/beheer/<any(vaardigheden, modules, loopbaanpaden):name>"
CONSENT = "/kandidaat/toestemming/<any(matching, employers_pseudonymous, mail, research):purpose>"

PERMISSIONS = {
    # public pages, accounts and the intake
    "GET /": PUBLIC,
    "GET /static/<path:filename>": PUBLIC,
    "GET /taal/<lang>": PUBLIC,
    "GET /hoe-werkt-het-matchen": PUBLIC,
    "GET /privacy": PUBLIC,
    "GET /toegankelijkheid": PUBLIC,
    "GET /loopbaanpaden": PUBLIC, "GET /loopbaanpaden/<path_slug>": PUBLIC,
    "GET /scholing": PUBLIC, "GET /scholing/<module_slug>": PUBLIC,
    "GET /embed/loopbaanpaden": PUBLIC, "GET /embed/scholing": PUBLIC,
    "GET /sitemap.xml": PUBLIC, "GET /robots.txt": PUBLIC,
    "GET /e-mailadres-bevestigen/<token>": PUBLIC,
    "GET /afmelden/<token>": PUBLIC, "POST /afmelden/<token>": PUBLIC,
    "GET /healthz": PUBLIC,
    "GET /metrics": frozenset(),  # a bearer token (SPT_METRICS_TOKEN), never a role
    "GET /api/suggest": PUBLIC,
    "GET /inloggen": PUBLIC, "POST /inloggen": PUBLIC,
    "GET /inloggen/code": PUBLIC, "POST /inloggen/code": PUBLIC,
    "GET /registreren": PUBLIC, "POST /registreren": PUBLIC,
    "GET /werkgever/registreren": PUBLIC, "POST /werkgever/registreren": PUBLIC,
    "GET /wachtwoord-vergeten": PUBLIC, "POST /wachtwoord-vergeten": PUBLIC,
    "GET /wachtwoord-herstellen/<token>": PUBLIC, "POST /wachtwoord-herstellen/<token>": PUBLIC,
    "GET /intake/": INTAKE,
    "GET /intake/<int:number>": INTAKE, "POST /intake/<int:number>": INTAKE,
    "GET /intake/6": INTAKE, "POST /intake/6": INTAKE,
    "GET /intake/verder": INTAKE, "POST /intake/verder": INTAKE,
    "GET /intake/verder/<token>": INTAKE, "POST /intake/verder/<token>": INTAKE,
    # every logged-in user
    "POST /uitloggen": USERS,
    "GET /wachtwoord": USERS, "POST /wachtwoord": USERS,
    "GET /tweestapsverificatie": USERS, "POST /tweestapsverificatie": USERS,
    "GET /account/meldingen": USERS, "POST /account/meldingen": USERS,
    # candidates
    "GET /kandidaat/": CANDIDATE,
    "GET /kandidaat/profiel": CANDIDATE,
    "GET /kandidaat/mijn-gegevens.json": CANDIDATE,
    "GET /kandidaat/mijn-gegevens": CANDIDATE,
    "GET /kandidaat/verwijderen": CANDIDATE, "POST /kandidaat/verwijderen": CANDIDATE,
    "POST /kandidaat/introducties/<int:match_id>/antwoord": CANDIDATE,
    "GET /kandidaat/introducties/<int:match_id>/intrekken": CANDIDATE,
    "POST /kandidaat/introducties/<int:match_id>/intrekken": CANDIDATE,
    "POST /kandidaat/introducties/<int:match_id>/herstellen": CANDIDATE,
    "GET /kandidaat/toestemming": CANDIDATE,
    f"GET {CONSENT}/intrekken": CANDIDATE,
    f"POST {CONSENT}/intrekken": CANDIDATE,
    f"POST {CONSENT}/geven": CANDIDATE,
    "POST /kandidaat/plekken/<int:placement_id>/meeloopdag": CANDIDATE,
    # employers
    "GET /werkgever/": EMPLOYER,
    "GET /werkgever/organisatie": EMPLOYER, "POST /werkgever/organisatie": EMPLOYER,
    "GET /werkgever/plekken": EMPLOYER,
    "GET /werkgever/plekken/nieuw": EMPLOYER, "POST /werkgever/plekken/nieuw": EMPLOYER,
    "GET /werkgever/plekken/<int:placement_id>": EMPLOYER,
    "POST /werkgever/plekken/<int:placement_id>": EMPLOYER,
    "POST /werkgever/plekken/<int:placement_id>/"
    "<any(publiceren, pauzeren, heropenen, sluiten):action>": EMPLOYER,
    "POST /werkgever/plekken/<int:placement_id>/kopie": EMPLOYER,
    "GET /werkgever/plekken/<int:placement_id>/herkenning": EMPLOYER,
    "POST /werkgever/plekken/<int:placement_id>/herkenning": EMPLOYER,
    "GET /werkgever/plekken/<int:placement_id>/kandidaten": EMPLOYER,
    "GET /werkgever/kandidaten/<int:match_id>": EMPLOYER,
    "POST /werkgever/kandidaten/<int:match_id>/afwijzen": EMPLOYER,
    "POST /werkgever/kandidaten/<int:match_id>/uitkomst": EMPLOYER,
    "POST /werkgever/kandidaten/<int:match_id>/uitnodigen": EMPLOYER,
    "POST /werkgever/kandidaten/<int:match_id>/afspraak": EMPLOYER,
    # the kennismaking appointment: the service lets in only its own parties (and staff)
    "GET /afspraken/<int:appointment_id>": USERS, "POST /afspraken/<int:appointment_id>": USERS,
    "POST /afspraken/<int:appointment_id>/afzeggen": USERS,
    "GET /berichten": CANDIDATE | EMPLOYER,
    # advisors (admins may do what advisors do)
    "GET /adviseur/": STAFF,
    "GET /adviseur/kandidaten/<int:candidate_id>": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/contact": STAFF,
    "GET /adviseur/kandidaten/<int:candidate_id>/gegevens.json": STAFF,
    "GET /adviseur/kandidaten/<int:candidate_id>/gegevens": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/verwijderen": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/notities": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/oppakken": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/scholing": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/scholing/<int:enrolment_id>": STAFF,
    "GET /adviseur/kandidaten/<int:candidate_id>/herkenning": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/herkenning": STAFF,
    "POST /adviseur/kandidaten/<int:candidate_id>/voorstellen/<int:placement_id>": STAFF,
    "GET /adviseur/plekken/<int:placement_id>": STAFF,
    "POST /adviseur/plekken/<int:placement_id>/voorstellen/<int:candidate_id>": STAFF,
    "GET /adviseur/plekken/<int:placement_id>/herkenning": STAFF,
    "POST /adviseur/plekken/<int:placement_id>/herkenning": STAFF,
    "POST /adviseur/matches/<int:match_id>/status": STAFF,
    "POST /adviseur/werkgevers/<int:employer_id>/controleren": STAFF,
    "POST /adviseur/werkgevers/<int:employer_id>/afwijzen": STAFF,
    "GET /adviseur/pipeline": STAFF, "POST /adviseur/pipeline/verplaatsen": STAFF,
    "GET /adviseur/matchronde": STAFF, "POST /adviseur/matchronde": STAFF,
    "GET /adviseur/matchronde/<int:round_id>": STAFF,
    "POST /adviseur/matchronde/<int:round_id>/aanpassen": STAFF,
    "POST /adviseur/matchronde/<int:round_id>/accepteren": STAFF,
    "POST /adviseur/matchronde/<int:round_id>/opnieuw": STAFF,
    "GET /adviseur/kpi": STAFF,
    "GET /adviseur/kpi/export/<key>.<any(csv, xlsx):fmt>": STAFF,
    "GET /adviseur/kpi/rapportage.<any(csv, xlsx):fmt>": STAFF,
    "GET /api/jobs/<job_id>": STAFF,
    # admins
    "GET /beheer/": ADMIN,
    "GET /beheer/outbox": ADMIN,
    "GET /beheer/audit": ADMIN,
    "GET /beheer/gebruikers": ADMIN,
    "GET /beheer/kpi-doelen": ADMIN, "POST /beheer/kpi-doelen": ADMIN,
    "GET /beheer/synoniemen": ADMIN,
    "POST /beheer/synoniemen/<int:synonym_id>/<any(goedkeuren, afwijzen):action>": ADMIN,
    "POST /beheer/gebruikers/<int:user_id>/<any(deactiveren, activeren):action>": ADMIN,
    "POST /beheer/gebruikers/<int:user_id>/tweestapsverificatie-herstellen": ADMIN,
    f"GET {CATALOGUE}": ADMIN,
    f"GET {CATALOGUE}/nieuw": ADMIN, f"POST {CATALOGUE}/nieuw": ADMIN,
    f"GET {CATALOGUE}/<int:row_id>": ADMIN, f"POST {CATALOGUE}/<int:row_id>": ADMIN,
    f"POST {CATALOGUE}/<int:row_id>/intrekken": ADMIN,
}

PERSONAS = ("anonymous", "candidate", "employer", "other_employer", "advisor", "admin")
ROLE = {"other_employer": "employer"}
# Route parameters that name another party's object, per persona that does not own it.
NOT_OWNED = {"candidate": {"match_id", "candidate_id", "user_id", "appointment_id"},
             "other_employer": {"match_id", "placement_id", "employer_id", "candidate_id",
                                "appointment_id"}}
PREFERRED_CHOICES = ("deactiveren", "sluiten", "vaardigheden", "csv")
VICTIM = ("Geheimnaam", "veronique.geheim@example.nl")
OTHER_CANDIDATE = ("Onbekendman", "quinten.eigen@example.nl")
EMPLOYER_A = ("eigenaar-a@example.nl",)
EMPLOYER_B = ("eigenaar-b@example.nl",)
FORBIDDEN = {
    "anonymous": VICTIM + OTHER_CANDIDATE + EMPLOYER_A + EMPLOYER_B,
    "candidate": VICTIM + EMPLOYER_A + EMPLOYER_B,
    "employer": OTHER_CANDIDATE + EMPLOYER_B,
    "other_employer": VICTIM + OTHER_CANDIDATE + EMPLOYER_A,
    "advisor": (), "admin": (),
}


def _routes(app) -> dict[str, object]:
    return {f"{method} {rule.rule}": rule for rule in app.url_map.iter_rules()
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})}


_ROUTES = _routes(create_app({"TESTING": True, "DATABASE_URL": "sqlite://"}))


def test_every_route_is_in_the_permission_table():
    missing = sorted(set(_ROUTES) - set(PERMISSIONS))
    stale = sorted(set(PERMISSIONS) - set(_ROUTES))
    assert not missing, "Add these routes to PERMISSIONS in tests/test_access_matrix.py: " + \
        ", ".join(missing)
    assert not stale, "These PERMISSIONS entries match no route any more: " + ", ".join(stale)


def test_the_table_agrees_with_the_role_decorators(app):
    for key, rule in _ROUTES.items():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if roles is not None and key in PERMISSIONS:
            assert PERMISSIONS[key] == frozenset(roles), key


@pytest.fixture
def world(app, login):
    """Two employers, a proposed candidate with consent for employer A, another candidate."""
    return build_world(app, login)


def build_world(app, login):
    """The world of the matrix: (logged-in client per persona, URL parameter values)."""
    a_user, a = make_employer(app, name="Alfa Installaties", email=EMPLOYER_A[0])
    b_user, b = make_employer(app, name="Beta Bouw", email=EMPLOYER_B[0])
    placement_a, placement_b = make_placement(app, a), make_placement(app, b)
    victim_user, victim = make_candidate(app, email=VICTIM[1], first_name="Veronique",
                                         last_name=VICTIM[0])
    own_user, own = make_candidate(app, email=OTHER_CANDIDATE[1], first_name="Quinten",
                                   last_name=OTHER_CANDIDATE[0])
    match_a = make_match(app, victim, placement_a, status="voorgesteld")
    make_match(app, own, placement_b, status="wacht_op_kandidaat")
    with app.app_context():
        db = get_db()
        db.add(Consent(candidate_id=victim, employer_id=a, purpose="introduction",
                       granted=True, privacy_version="test"))
        staff = {role: User(email=f"{role}@spt.nl", role=role, password_hash=_password_hash())
                 for role in ("advisor", "admin")}
        db.add_all(staff.values())
        db.commit()
        staff_ids = {role: user.id for role, user in staff.items()}
        round_id = round_jobs.start(db, advisor_id=staff_ids["advisor"], region="", theme="",
                                    kinds=[], max_per_placement=1).id
        enrolment = ModuleEnrolment(candidate_id=victim, started_on=date.today(),
                                    module_id=db.exec(select(Module.id)).first())
        appointment = Appointment(match_id=match_a, uid="matrix@spt-match",
                                  starts_at=datetime(2030, 1, 8, 9, tzinfo=UTC),
                                  place="Werkplaats 1, Amsterdam", contact_name="Jan de Vries")
        db.add_all([enrolment, appointment])
        db.commit()
        enrolment_id, appointment_id = enrolment.id, appointment.id
    users = {"candidate": own_user, "employer": a_user, "other_employer": b_user, **staff_ids}
    clients = {"anonymous": app.test_client()}
    for persona, user_id in users.items():
        clients[persona] = app.test_client()
        login(user_id, PASSWORD, on=clients[persona])
    values = {"candidate_id": victim, "placement_id": placement_a, "match_id": match_a,
              "employer_id": a, "user_id": victim_user,
              "round_id": round_id, "appointment_id": appointment_id, "row_id": 1,
              "enrolment_id": enrolment_id, "job_id": "onbekend",
              "key": "funnel", "synonym_id": 1, "path_slug": "laadpaalmonteur",
              "module_slug": "keuzedeel-laadpalen",
              "lang": "nl", "token": "ongeldig-token", "number": 2, "filename": "style.css"}
    return clients, values


def _path(rule, values) -> str:
    filled = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            preferred = [c for c in PREFERRED_CHOICES if c in converter.items]
            filled[name] = preferred[0] if preferred else sorted(converter.items)[0]
        else:
            assert name in values, f"{rule.rule}: give the parameter {name!r} a value in world()"
            filled[name] = values[name]
    return rule.build(filled, append_unknown=False)[1]


def _problems(key, rule, persona, response) -> list[str]:
    allowed = PERMISSIONS.get(key)
    if allowed is None:
        return [f"{key} is not in PERMISSIONS"]
    status, body = response.status_code, response.get_data(as_text=True)
    problems = [f"{persona} {key}: shows {text!r}" for text in FORBIDDEN[persona] if text in body]
    if status >= 500:
        problems.append(f"{persona} {key}: {status}")
    elif ROLE.get(persona, persona) not in allowed:
        login_redirect = status == 302 and "/inloggen" in response.headers.get("Location", "")
        ok = (login_redirect if persona == "anonymous" and key not in TOKEN_ONLY
              else status in (403, 404))
        if not ok:
            problems.append(f"{persona} {key}: {status}, expected a refusal")
    elif set(rule.arguments) & NOT_OWNED.get(persona, set()):
        refusals = (403, 404) if key.startswith("GET") else (400, 403, 404, 409)
        if status not in refusals:
            problems.append(f"{persona} {key}: {status} for another party's object")
    elif status in (401, 403):
        problems.append(f"{persona} {key}: {status}, but the table lets this role in")
    return problems


def _request(client, key, path):
    response = client.get(path) if key.startswith("GET") else client.post(path, data={})
    response.get_data()
    response.close()  # static files stay open otherwise
    return response


def _order(keys) -> list[str]:
    # GET first; POST after, logging out last so that every persona stays logged in until then.
    return sorted(keys, key=lambda key: (key.startswith("POST"), key == "POST /uitloggen", key))


def _personas(key) -> list[str]:
    # Refused roles first, so that an allowed role's change cannot hide a refused role's success.
    return sorted(PERSONAS, key=lambda p: ROLE.get(p, p) in PERMISSIONS.get(key, ()))


def test_every_route_as_every_role_leaks_nothing(app, world):
    clients, values = world
    with app.test_request_context():
        paths = {key: _path(rule, values) for key, rule in _ROUTES.items()}
    problems = []
    for key in _order(paths):
        if key == "POST /uitloggen":
            still_in = [p for p in PERSONAS[1:] if clients[p].get("/wachtwoord").status_code != 200]
            assert not still_in, f"these personas were logged out by an earlier route: {still_in}"
        for persona in _personas(key):
            response = _request(clients[persona], key, paths[key])
            problems += _problems(key, _ROUTES[key], persona, response)
    assert not problems, "\n".join(problems)


def test_every_refusal_of_another_partys_id_is_logged(app, world):
    """A 403 or 404 on someone else's object leaves a trace: probing ids shows in the log."""
    clients, values = world
    with app.test_request_context():
        paths = {key: _path(rule, values) for key, rule in _ROUTES.items()
                 if key.startswith("GET") and set(rule.arguments) & {"placement_id", "match_id",
                                                                      "candidate_id"}}
    refused = []
    for persona in ("candidate", "other_employer"):
        for key, path in sorted(paths.items()):
            response = _request(clients[persona], key, path)
            if response.status_code in (403, 404):
                refused.append((persona, path))
    assert refused, "the walk found nothing to refuse"
    with app.app_context():
        logged = [(e.actor_id, e.detail["path"]) for e in get_db().exec(
            select(AuditEvent).where(AuditEvent.action == "access.refused"))]
    assert len(logged) == len(refused)
    assert {path for _actor, path in logged} == {path for _persona, path in refused}


OWN = ["GET /werkgever/plekken/<int:placement_id>",
       "GET /werkgever/plekken/<int:placement_id>/kandidaten",
       "GET /werkgever/kandidaten/<int:match_id>"]


def test_the_owner_reaches_its_own_objects(app, world):
    """The same ids that other parties are refused open for the employer they belong to."""
    clients, values = world
    with app.test_request_context():
        for key in OWN:
            path = _path(_ROUTES[key], values)
            assert _request(clients["employer"], key, path).status_code == 200, key
