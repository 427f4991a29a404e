"""The systemd units in deploy/systemd: valid for systemd, and naming commands and settings
that exist (web, workers, and the mail, retention, digest, news and backup timers)."""

import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dotenv import dotenv_values

from spt.config import from_environment

UNITS = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
VENV_BIN = "/opt/spt-match/venv/bin"
ENV_FILE = "/etc/spt-match/env"


def _units(suffix: str) -> list[Path]:
    return sorted(UNITS.glob(f"*.{suffix}"))


def _exec_lines(unit: Path) -> list[str]:
    return re.findall(r"^Exec\w+=(.+)$", unit.read_text(), re.M)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_accepts_every_unit_as_installed(tmp_path):
    """systemd-analyze verify, with the venv and env file where this checkout has them."""
    (tmp_path / "env").write_text((UNITS / "spt-match.env.example").read_text())
    for unit in _units("service") + _units("timer"):
        text = unit.read_text().replace(VENV_BIN, str(Path(sys.executable).parent))
        (tmp_path / unit.name).write_text(text.replace(ENV_FILE, str(tmp_path / "env")))
    names = [u.name for u in _units("service") + _units("timer") if "@." not in u.name]
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *names,
                             "spt-worker@1.service"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), (
        result.stdout + result.stderr)


def test_every_timer_starts_a_service_and_every_job_has_a_timer():
    services = {u.stem for u in _units("service")}
    timers = {u.stem for u in _units("timer")}
    assert timers <= services
    assert services - timers == {"spt-web", "spt-worker@"}
    assert {"spt-mail", "spt-retention", "spt-digest", "spt-news", "spt-backup"} <= timers


def test_every_command_the_units_run_exists(app):
    names = set(app.cli.list_commands(None))
    for unit in _units("service"):
        for line in _exec_lines(unit):
            for command in re.findall(r"/bin/spt ([\w-]+)", line):
                assert command in names, f"{unit.name}: spt {command} does not exist"
    assert "gunicorn -c python:spt.gunicorn_conf spt.wsgi:app" in (
        UNITS / "spt-web.service").read_text()


def test_the_example_settings_are_all_known_and_start_once_the_secret_is_set():
    env = dict(dotenv_values(UNITS / "spt-match.env.example"))
    env["SPT_SECRET_KEY"] = secrets.token_hex(32)
    config = from_environment(environ=env)  # refuses an unknown name or a bad value
    assert config["SPT_ENV"] == "production" and config["PROXY_COUNT"] == 1
