"""Configuration: defaults, SPT_* overrides and the production refusal."""

import subprocess
import sys
from datetime import timedelta

import pytest

from spt import create_app
from spt.config import DEV_SECRET_KEY, UnsafeConfigError, from_environment


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
    app = create_app({"SPT_ENV": "production", "SECRET_KEY": "x" * 64,
                      "DATABASE_URL": "sqlite://"})
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
        from flask import request

        return request.remote_addr

    response = app.test_client().get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"
