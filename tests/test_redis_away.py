"""Redis away degrades, never blocks: logins and suggestions work, rate limits count in memory."""

import logging

import pytest

from spt import create_app
from spt.db import get_db
from spt.extensions import limiter
from spt.services import suggestions
from tests.factories import PASSWORD, make_candidate

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens there: connection refused


@pytest.fixture
def limited_app(app):
    """The test database behind an app with real rate limits on a Redis that is away."""
    away = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SERVER_NAME": "localhost",
                       "DATABASE_URL": app.config["DATABASE_URL"], "WTF_CSRF_ENABLED": False,
                       "MFA_REQUIRED": False, "RATELIMIT_ENABLED": True,
                       "RATELIMIT_STORAGE_URI": NOWHERE, "REDIS_URL": NOWHERE})
    yield away
    away.extensions["spt_engine"].dispose()
    limiter._storage_dead = False  # the limiter is one object per process


def test_login_works_with_a_logged_warning_when_redis_is_away(app, limited_app, caplog):
    user_id, _candidate = make_candidate(app, email="samira@example.nl")
    client = limited_app.test_client()
    with caplog.at_level(logging.WARNING):
        response = client.post("/inloggen", data={"email": "samira@example.nl",
                                                  "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/kandidaat/").status_code == 200
    assert "falling back to in-memory storage" in caplog.text
    health = client.get("/healthz").json
    assert health["components"]["rate_limits"]["status"] == "memory_fallback"
    assert health["components"]["redis"]["status"] == "unavailable"


def test_rate_limits_still_count_per_process_while_redis_is_away(limited_app):
    with limited_app.app_context():  # the catalogue built first: its first build can outlast
        suggestions.suggest(get_db(), "skill", "lassen")  # the 10-second window on a busy core
    client = limited_app.test_client()
    codes = [client.get("/api/suggest", query_string={"kind": "skill", "q": "lassen"}).status_code
             for _ in range(31)]  # the limit is 30 per 10 seconds
    assert codes[:30] == [200] * 30 and codes[30] == 429


def test_suggestions_work_without_redis(limited_app):
    response = limited_app.test_client().get("/api/suggest",
                                             query_string={"kind": "occupation", "q": "monteur"})
    assert response.status_code == 200 and response.json["suggestions"]
