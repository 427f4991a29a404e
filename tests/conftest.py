"""Fixtures: a fresh database per test (SQLite, or PostgreSQL via SPT_TEST_DATABASE_URL)."""

import os
import shutil

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from spt import create_app, migrate
from spt.db import get_db, make_engine
from spt.models import User
from spt.services import accounts, reference
from tests import profiles  # noqa: F401  (registers the profiles)
from tests.isolation import RUN_ID

# The seeded profile unless `--hypothesis-profile` chooses another (tests/profiles.py).
settings.load_profile("ci")

PG_URL = os.environ.get("SPT_TEST_DATABASE_URL")
# Unique per run and per xdist worker (tests/isolation.py): no run drops another's databases.
TEMPLATE_DB = f"spt_test_template_{RUN_ID}"
CASE_DB = f"spt_test_case_{RUN_ID}"
PASSWORD = "een lang wachtwoord 42"


def _prepare(url: str) -> None:
    """Migrate the schema and load the reference data once; every test copies the result."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        reference.load_all(get_db())
    app.extensions["spt_engine"].dispose()
    engine.dispose()


def _admin_engine():
    return create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Return a function that makes a fresh, migrated database with reference data."""
    if PG_URL:
        admin = _admin_engine()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {CASE_DB} WITH (FORCE)"))
            connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {TEMPLATE_DB}"))
        template_url = make_url(PG_URL).set(database=TEMPLATE_DB)
        _prepare(template_url.render_as_string(hide_password=False))

        def fresh(_tmp_path) -> str:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {CASE_DB} WITH (FORCE)"))
                connection.execute(text(f"CREATE DATABASE {CASE_DB} TEMPLATE {TEMPLATE_DB}"))
            return make_url(PG_URL).set(database=CASE_DB).render_as_string(hide_password=False)

        yield fresh
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {CASE_DB} WITH (FORCE)"))
            connection.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)"))
        admin.dispose()
        return

    template = tmp_path_factory.mktemp("template") / "template.sqlite"
    _prepare(f"sqlite:///{template}")

    def fresh(tmp_path) -> str:
        target = tmp_path / "spt.sqlite"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"

    yield fresh


@pytest.fixture
def app(database_template, tmp_path):
    """A fresh app with its own database; CSRF and rate limits off unless a test turns them on."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_template(tmp_path),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
        "MFA_REQUIRED": False,  # tests/test_mfa.py turns it on
        "PASSWORD_HASH_COST": "test",  # tests/test_auth.py checks the production hash
    })
    yield app
    app.extensions["spt_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create a committed user of a role; returns its id."""
    counter = iter(range(1, 10_000))

    def make(role: str = "candidate", email: str | None = None, password: str = PASSWORD) -> int:
        with app.app_context():
            email = email or f"{role}{next(counter)}@example.nl"
            return accounts.create_user(get_db(), email=email, password=password, role=role).id

    return make


@pytest.fixture
def login(client, app):
    """Log a user in through the login form."""

    def do(user_id: int, password: str = PASSWORD, on=None):
        with app.app_context():
            email = get_db().get(User, user_id).email
        response = (on or client).post("/inloggen", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do


@pytest.fixture
def advisor(make_user, login):
    """A logged-in advisor (the test client's session); returns the user id."""
    user_id = make_user("advisor")
    login(user_id)
    return user_id
