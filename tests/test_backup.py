"""Backup and restore: a round trip gives the same rows, on SQLite and on PostgreSQL."""

import gzip
import json
import os

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from spt import create_app, migrate
from spt.db import get_db
from spt.models import User, metadata
from spt.services import accounts, demo
from tests.factories import PASSWORD

PG_URL = os.environ.get("SPT_TEST_DATABASE_URL")
RESTORE_DB = f"spt_test_restore_{os.environ.get('SPT_TEST_RUN_ID') or os.getpid()}"


@pytest.fixture
def empty_url(tmp_path):
    """An empty database migrated to the head revision (no reference data)."""
    if not PG_URL:
        url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    else:
        admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {RESTORE_DB}"))
        url = make_url(PG_URL).set(database=RESTORE_DB).render_as_string(hide_password=False)
    target = create_app({"TESTING": True, "DATABASE_URL": url})
    migrate.upgrade(target.extensions["spt_engine"])
    target.extensions["spt_engine"].dispose()
    yield url
    if PG_URL:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {RESTORE_DB} WITH (FORCE)"))
        admin.dispose()


def _contents(app) -> dict[str, list[tuple]]:
    with app.extensions["spt_engine"].connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
            select(table).order_by(*table.primary_key.columns))]
            for table in metadata.sorted_tables}


@pytest.fixture
def demo_app(app):
    with app.app_context():
        demo.seed(get_db())
    return app


def test_backup_and_restore_give_identical_tables(demo_app, empty_url, tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    result = demo_app.test_cli_runner().invoke(args=["backup", str(file)])
    assert result.exit_code == 0 and "Back-up gemaakt" in result.output, result.output
    target = create_app({"TESTING": True, "DATABASE_URL": empty_url})
    result = target.test_cli_runner().invoke(args=["restore", str(file)])
    assert result.exit_code == 0, result.output
    source, restored = _contents(demo_app), _contents(target)
    assert {t: len(r) for t, r in restored.items()} == {t: len(r) for t, r in source.items()}
    assert sum(len(r) for r in source.values()) > 1000 and len(source["candidate"]) > 0
    for table in source:
        assert restored[table] == source[table], table
    target.extensions["spt_engine"].dispose()


def test_the_file_is_gzipped_json_lines_with_the_schema_revision(demo_app, tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    demo_app.test_cli_runner().invoke(args=["backup", str(file)])
    with gzip.open(file, "rt", encoding="utf-8") as handle:
        head, first_table = json.loads(handle.readline()), json.loads(handle.readline())
    assert head["format"] == "spt-match-backup" and head["revision"]
    assert head["tables"] == [t.name for t in metadata.sorted_tables]
    assert first_table["table"] == head["tables"][0]


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(demo_app, tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    runner = demo_app.test_cli_runner()
    runner.invoke(args=["backup", str(file)])
    before = _contents(demo_app)
    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code != 0 and "niet leeg" in refused.output
    forced = runner.invoke(args=["restore", "--force", str(file)])
    assert forced.exit_code == 0, forced.output
    assert _contents(demo_app) == before


def test_new_rows_after_a_restore_get_fresh_ids(demo_app, empty_url, tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    demo_app.test_cli_runner().invoke(args=["backup", str(file)])
    target = create_app({"TESTING": True, "DATABASE_URL": empty_url})
    target.test_cli_runner().invoke(args=["restore", str(file)])
    with target.app_context():
        db = get_db()
        highest = max(db.exec(select(User.id)).scalars())
        user = accounts.create_user(db, email="nieuw@example.nl", password=PASSWORD,
                                    role="advisor")
        assert user.id > highest
    target.extensions["spt_engine"].dispose()
