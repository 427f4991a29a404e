"""Configuration: defaults, SPT_* overrides and the production refusal."""

import base64
import os
import random
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from flask import request

from spt import create_app
from spt.config import (
    DEV_SECRET_KEY,
    UnsafeConfigError,
    from_environment,
    secret_problem,
    web_settings,
)


def test_environment_variables_override_defaults():
    config = from_environment({"SPT_DATABASE_URL": "sqlite:///x.db", "SPT_SECRET_KEY": "s",
                               "SPT_ENV": "production", "UNRELATED": "1"})
    assert config == {"DATABASE_URL": "sqlite:///x.db", "SECRET_KEY": "s",
                      "SPT_ENV": "production"}


def test_environment_values_are_typed_like_the_defaults():
    config = from_environment({"SPT_MFA_REQUIRED": "0", "SPT_RETENTION_AUDIT_MONTHS": "7"},
                              types={"MFA_REQUIRED": True, "RETENTION_AUDIT_MONTHS": 24})
    assert config == {"MFA_REQUIRED": False, "RETENTION_AUDIT_MONTHS": 7}
    with pytest.raises(UnsafeConfigError, match="geheel getal"):
        from_environment({"SPT_RETENTION_AUDIT_MONTHS": "twaalf"},
                         types={"RETENTION_AUDIT_MONTHS": 24})


def test_default_database_is_sqlite_in_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SPT_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["DATABASE_URL"] == f"sqlite:///{app.instance_path}/spt.sqlite"
    app.extensions["spt_engine"].dispose()


def test_session_cookies_are_safe_by_default(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 10 * 1024 * 1024


def test_production_refuses_the_development_secret_key():
    with pytest.raises(UnsafeConfigError, match="SPT_SECRET_KEY"):
        create_app({"SPT_ENV": "production", "SECRET_KEY": DEV_SECRET_KEY,
                    "DATABASE_URL": "sqlite://"})


def test_production_sets_secure_cookies_with_a_real_secret():
    app = create_app({"SPT_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                      "BASE_URL": "https://localhost", "DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_cli_exits_non_zero_with_a_clear_message_in_unsafe_production(tmp_path):
    env = {"SPT_ENV": "production", "PATH": "/usr/bin:/bin",
           "SPT_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"}
    result = subprocess.run([sys.executable, "-c", "from spt.cli import main; main()", "routes"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SPT_SECRET_KEY" in result.stderr


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for():
    app = create_app({"DATABASE_URL": "sqlite://", "PROXY_COUNT": 1})

    @app.get("/_ip")
    def ip():
        return request.remote_addr

    response = app.test_client().get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"


# Strict configuration (issue 16, item 9): nothing doubtful starts.

@pytest.mark.parametrize("value", ["Production", "prod", "PRODUCTION", "productie", "dev", ""])
def test_an_unknown_spt_env_refuses_to_start_instead_of_falling_back_to_development(value):
    with pytest.raises(UnsafeConfigError, match="SPT_ENV"):
        create_app({"SPT_ENV": value, "DATABASE_URL": "sqlite://"})


@pytest.mark.parametrize("value", ["Production", "prod"])
def test_an_unknown_spt_env_from_the_environment_refuses_with_the_choices(value):
    with pytest.raises(UnsafeConfigError, match="development, production"):
        from_environment({"SPT_ENV": value})


@pytest.mark.parametrize("secret", [
    DEV_SECRET_KEY, "x" * 64, "ab" * 32, "0123456789abcdefghijklmnopqrstuv",
    "f3a9c1" + "abcdefghijklmnopqrstuvwxyz" + "9e4b7d2c8a6f1e3b5d7c9a2e4f6b",
    "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb", "test-secret",
    # a fixed id: every pytest-xdist worker must collect the same test names
    pytest.param(secrets.token_hex(8), id="random-16-hex")])
def test_production_refuses_weak_or_published_secrets(secret):
    with pytest.raises(UnsafeConfigError, match="SPT_SECRET_KEY"):
        create_app({"SPT_ENV": "production", "SECRET_KEY": secret, "DATABASE_URL": "sqlite://"})


@pytest.mark.parametrize("seed", range(20))
def test_production_accepts_real_random_secrets(seed):
    rng = random.Random(seed)
    for _ in range(1000):
        for secret in (rng.randbytes(16).hex(), rng.randbytes(32).hex(),
                       base64.urlsafe_b64encode(rng.randbytes(32)).decode().rstrip("=")):
            assert secret_problem(secret) is None, secret


@pytest.mark.parametrize("value", ["ture", "yes please", "2", "aan", "-"])
def test_a_boolean_that_does_not_parse_refuses_to_start(value):
    with pytest.raises(UnsafeConfigError, match="SPT_MFA_REQUIRED"):
        from_environment({"SPT_MFA_REQUIRED": value})


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("Ja", True), ("off", False),
                                                 ("FALSE", False), ("nee", False)])
def test_booleans_accept_the_documented_words(value, expected):
    assert from_environment({"SPT_MFA_REQUIRED": value}) == {"MFA_REQUIRED": expected}


def test_an_integer_below_its_minimum_refuses():
    with pytest.raises(UnsafeConfigError, match="minstens"):
        from_environment({"SPT_PROXY_COUNT": "-1"})


def test_an_unknown_spt_name_refuses_to_start_and_suggests_the_right_one():
    with pytest.raises(UnsafeConfigError, match="SPT_MFA_REQUIRD.*SPT_MFA_REQUIRED"):
        from_environment({"SPT_MFA_REQUIRD": "0"})


def test_names_of_the_test_suite_and_gunicorn_are_known():
    assert from_environment({"SPT_TEST_DATABASE_URL": "x", "SPT_WEB_WORKERS": "4"}) == {}


def test_a_dotenv_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("SPT_MAIL_SENDER=Uit bestand <a@b.nl>\nSPT_PROXY_COUNT=1\n"
                        "OTHER_TOOL=ignored\n")
    monkeypatch.setenv("SPT_PROXY_COUNT", "2")
    config = from_environment(env_file=env_file)
    assert config["MAIL_SENDER"] == "Uit bestand <a@b.nl>" and config["PROXY_COUNT"] == 2


def test_an_unknown_name_in_the_dotenv_file_refuses(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SPT_SECRET=abc\n")

    with pytest.raises(UnsafeConfigError, match="SPT_SECRET"):
        from_environment(os.environ, env_file=env_file)


def test_production_needs_an_https_base_url_for_mailed_links():
    with pytest.raises(UnsafeConfigError, match="SPT_BASE_URL"):
        create_app({"SPT_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                    "BASE_URL": "http://match.example.nl", "DATABASE_URL": "sqlite://"})


def test_a_base_url_that_is_not_an_address_refuses():
    with pytest.raises(UnsafeConfigError, match="SPT_BASE_URL"):
        from_environment({"SPT_BASE_URL": "match.example.nl"})


def test_gunicorn_reads_its_settings_through_the_same_parser():
    assert web_settings({"SPT_WEB_WORKERS": "3"})["workers"] == 3
    assert web_settings({"WEB_CONCURRENCY": "5"})["workers"] == 5
    with pytest.raises(UnsafeConfigError, match="SPT_WEB_TIMEOUT"):
        web_settings({"SPT_WEB_TIMEOUT": "zestig"})
    with pytest.raises(UnsafeConfigError, match="SPT_WEB_WORKRS"):
        web_settings({"SPT_WEB_WORKRS": "3"})


def test_the_cli_refuses_an_unparseable_boolean_with_the_reason(tmp_path):
    env = {"SPT_MFA_REQUIRED": "ture", "PATH": "/usr/bin:/bin",
           "SPT_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"}
    result = subprocess.run([sys.executable, "-c", "from spt.cli import main; main()", "routes"],
                            env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode != 0
    assert "SPT_MFA_REQUIRED" in result.stderr
