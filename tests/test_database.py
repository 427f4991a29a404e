"""The schema: migrations agree with the models; SQLite runs with the right pragmas."""

import os

import pytest
from sqlalchemy import inspect, text

from spt import migrate
from spt.db import get_engine
from tests.factories import make_candidate


def test_migrations_create_exactly_the_schema_of_the_models(app):
    with app.app_context():
        assert migrate.differences(get_engine()) == []


def test_upgrade_twice_changes_nothing(app, runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert migrate.differences(get_engine()) == []


def test_the_latest_migration_downgrades_and_upgrades_keeping_the_data(app, runner):
    with app.app_context():
        with get_engine().connect() as connection:
            modules = connection.execute(text("SELECT count(*) FROM module")).scalar()
    down = runner.invoke(args=["db", "downgrade", "0001", "--yes"])
    assert down.exit_code == 0, down.output
    with app.app_context():
        engine = get_engine()
        assert "moduleenrolment" not in inspect(engine).get_table_names()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM module")).scalar() == modules
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with app.app_context():
        assert migrate.differences(get_engine()) == []


@pytest.mark.skipif(bool(os.environ.get("SPT_TEST_DATABASE_URL")),
                    reason="SQLite pragmas: this run is on SPT_TEST_DATABASE_URL")
def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    with app.app_context():
        engine = get_engine()
        assert engine.dialect.name == "sqlite"
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_a_downgrade_says_what_it_drops_and_asks_first(app, runner):
    make_candidate(app)
    refused = runner.invoke(args=["db", "downgrade", "0002"], input="n\n")
    assert refused.exit_code != 0 and "Niets veranderd" in refused.output
    assert "kolom candidate.version (1 rijen met een waarde)" in refused.output
    assert "Doorgaan?" in refused.output
    with app.app_context():
        assert "version" in {c["name"] for c in inspect(get_engine()).get_columns("candidate")}
    silent = runner.invoke(args=["db", "downgrade", "0001"])  # no answer at all: no
    assert silent.exit_code != 0 and "tabel moduleenrolment" in silent.output
    with app.app_context():
        assert "moduleenrolment" in inspect(get_engine()).get_table_names()
    agreed = runner.invoke(args=["db", "downgrade", "0002"], input="y\n")
    assert agreed.exit_code == 0 and "teruggezet naar revisie 0002" in agreed.output
    with app.app_context():
        assert "version" not in {c["name"] for c in inspect(get_engine()).get_columns(
            "candidate")}
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
