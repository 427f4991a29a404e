"""The schema: migrations agree with the models; SQLite runs with the right pragmas."""

from sqlalchemy import inspect, text

from spt import migrate
from spt.db import get_engine


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
    down = runner.invoke(args=["db", "downgrade", "0001"])
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


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    with app.app_context():
        engine = get_engine()
        if engine.dialect.name != "sqlite":
            return
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
