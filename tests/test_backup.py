"""Backup and restore: every table round-trips between engines; a broken file changes nothing."""

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import count

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from spt import create_app, migrate
from spt.db import get_db
from spt.models import (
    Appointment,
    InboxItem,
    IntakeDraft,
    KpiTarget,
    Match,
    MatchRound,
    OutboxMessage,
    Placement,
    PlacementRequirement,
    StatusChange,
    User,
    metadata,
)
from spt.services import accounts, audit, backup, demo
from tests.factories import PASSWORD
from tests.isolation import RUN_ID

PG_URL = os.environ.get("SPT_TEST_DATABASE_URL")
RUN = RUN_ID  # unique per run and xdist worker


def _pg_database(name: str, *, time_zone: str | None = None) -> str:
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
        if time_zone:  # a server whose TimeZone is not UTC must not shift any time
            connection.execute(text(f"ALTER DATABASE {name} SET timezone TO '{time_zone}'"))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _drop_pg(name: str) -> None:
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def empty_database(tmp_path):
    """Make empty databases migrated to head: ('sqlite'|'postgresql') -> URL; dropped after."""
    made, numbers = [], count()

    def make(engine: str) -> str:
        number = next(numbers)
        if engine == "sqlite":
            url = f"sqlite:///{tmp_path / f'restored-{number}.sqlite'}"
        else:
            name = f"spt_test_restore_{RUN}_{number}"
            url = _pg_database(name, time_zone="America/New_York")
            made.append(name)
        target = create_app({"TESTING": True, "DATABASE_URL": url})
        migrate.upgrade(target.extensions["spt_engine"])
        target.extensions["spt_engine"].dispose()
        return url

    yield make
    for name in made:
        _drop_pg(name)


def _contents(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {table.name: [tuple(_plain(v) for v in row) for row in connection.execute(
            select(table).order_by(*table.primary_key.columns))]
            for table in metadata.sorted_tables}


def _plain(value):
    """Values compared across engines: times as aware UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def fill_every_table(app) -> None:
    """Demo data plus a row in each table the demo leaves empty (an unfinished intake too)."""
    with app.app_context():
        db = get_db()
        demo.seed(db)
        user = db.exec(select(User)).scalars().first()
        moment = datetime(2026, 11, 28, 23, 30, 15, 123456, tzinfo=UTC)
        db.add(IntakeDraft(token="t" * 40, data={"1": {"first_name": "Anouk", "ok": True}},
                           step=3, updated_at=moment))
        db.add(OutboxMessage(recipient="a@example.nl", subject="Onderwerp", body="Tekst é",
                             sent_at=moment))
        db.add(KpiTarget(key="behoud", value=82.5, updated_by_id=user.id, updated_at=moment))
        db.add(MatchRound(created_by_id=user.id, params={"kinds": ["bbl"], "locked": []},
                          status="klaar", progress=100, step="opslaan", attempt=1,
                          result={"pairs": [], "seconds": 0.25}, heartbeat_at=moment,
                          finished_at=moment + timedelta(seconds=3)))
        db.add(StatusChange(subject_type="candidate", subject_id=1, from_status=None,
                            to_status="aangemeld", reason="intake", at=moment))
        placement = db.exec(select(Placement)).scalars().first()
        match = db.exec(select(Match)).scalars().first()
        db.add(Appointment(match_id=match.id, uid="backup@spt-match", sequence=2,
                           starts_at=moment, place="Werkplaats 1", contact_name="Jan",
                           cancelled_at=moment))
        db.add(InboxItem(user_id=user.id, kind="appointment_set", match_id=match.id,
                         detail={"title": "leerling monteur", "when": moment.isoformat()},
                         read_at=moment))
        db.add(PlacementRequirement(placement_id=placement.id, text="Rijbewijs C is noodzakelijk",
                                    kind="licence", value="C", hard=True, confidence=0.97))
        audit.record(db, actor_id=user.id, action="test.backup", subject_type="user",
                     subject_id=user.id, detail={"nested": {"b": 2, "a": [1.5, None, False]}})
        db.commit()
    with app.extensions["spt_engine"].connect() as connection:
        empty = [t.name for t in metadata.sorted_tables
                 if connection.execute(select(func.count()).select_from(t)).scalar() == 0]
    assert empty == [], f"tables without a row, not covered by the round trip: {empty}"


@pytest.fixture
def full_app(app):
    fill_every_table(app)
    return app


def _backup(app, path) -> backup.Summary:
    with app.app_context():
        return backup.backup(app.extensions["spt_engine"], path)


def test_every_table_round_trips_through_the_other_engine_and_back(full_app, empty_database,
                                                                   tmp_path):
    """PostgreSQL -> SQLite -> PostgreSQL -> SQLite on the PostgreSQL run (so SQLite ->
    PostgreSQL -> SQLite too): the same rows and the same content checksum per table each time."""
    source = full_app.config["DATABASE_URL"].split(":")[0].split("+")[0]
    if not PG_URL:
        pytest.skip("set SPT_TEST_DATABASE_URL for the round trip through PostgreSQL")
    other = "sqlite" if source == "postgresql" else "postgresql"
    first = _backup(full_app, tmp_path / "1.jsonl.gz")
    summaries, apps, file = [first], [], tmp_path / "1.jsonl.gz"
    for step, engine in enumerate((other, source, other), start=2):
        target = create_app({"TESTING": True, "DATABASE_URL": empty_database(engine)})
        result = target.test_cli_runner().invoke(args=["restore", str(file)])
        assert result.exit_code == 0 and "Manifest klopt" in result.output, result.output
        file = tmp_path / f"{step}.jsonl.gz"
        summaries.append(_backup(target, file))
        apps.append(target)
    assert all(s.checksums == first.checksums for s in summaries), "content changed on the way"
    assert set(first.checksums) == {t.name for t in metadata.sorted_tables}
    original = _contents(full_app.extensions["spt_engine"])
    for target in apps:
        assert _contents(target.extensions["spt_engine"]) == original
        target.extensions["spt_engine"].dispose()


def test_a_restore_into_the_same_engine_gives_identical_tables(full_app, empty_database,
                                                               tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    result = full_app.test_cli_runner().invoke(args=["backup", str(file)])
    assert result.exit_code == 0 and "Back-up gemaakt" in result.output, result.output
    engine = full_app.config["DATABASE_URL"].split(":")[0].split("+")[0]
    target = create_app({"TESTING": True, "DATABASE_URL": empty_database(engine)})
    result = target.test_cli_runner().invoke(args=["restore", str(file)])
    assert result.exit_code == 0, result.output
    assert _contents(target.extensions["spt_engine"]) == _contents(
        full_app.extensions["spt_engine"])
    with target.app_context():
        draft = get_db().exec(select(IntakeDraft)).scalars().one()
        assert draft.updated_at == datetime(2026, 11, 28, 23, 30, 15, 123456, tzinfo=UTC)
    target.extensions["spt_engine"].dispose()


def test_the_file_ends_with_a_manifest_of_rows_and_checksums(full_app, tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    summary = _backup(full_app, file)
    with gzip.open(file, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    head, manifest = json.loads(lines[0]), json.loads(lines[-1])["manifest"]
    assert head["format"] == "spt-match-backup" and head["revision"] == manifest["revision"]
    assert head["tables"] == [t.name for t in metadata.sorted_tables]
    assert {name: m["rows"] for name, m in manifest["tables"].items()} == summary.rows
    assert all(len(m["sha256"]) == 64 for m in manifest["tables"].values())


def _rewrite(source, target, change) -> None:
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    with gzip.open(target, "wt", encoding="utf-8") as handle:
        handle.writelines(change(lines))


def _cut_table_rows(lines):
    """Cut at a line boundary in the middle, as a full disk or a killed copy does."""
    return lines[: len(lines) * 2 // 3]


def _alter_one_value(lines):
    index = next(i for i, line in enumerate(lines) if "Anouk" in line)
    return lines[:index] + [lines[index].replace("Anouk", "Annie")] + lines[index + 1:]


def _drop_manifest(lines):
    return lines[:-1]


@pytest.mark.parametrize("damage", [_cut_table_rows, _alter_one_value, _drop_manifest, "bytes"])
def test_a_truncated_or_altered_backup_is_refused_and_even_force_changes_nothing(
        full_app, tmp_path, damage):
    good, bad = tmp_path / "good.jsonl.gz", tmp_path / "bad.jsonl.gz"
    _backup(full_app, good)
    if damage == "bytes":  # a gzip stream that stops half way
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    else:
        _rewrite(good, bad, damage)
    before = _contents(full_app.extensions["spt_engine"])
    result = full_app.test_cli_runner().invoke(args=["restore", "--force", str(bad)])
    assert result.exit_code != 0
    assert "onvolledig" in result.output and "niets veranderd" in result.output, result.output
    assert _contents(full_app.extensions["spt_engine"]) == before


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(full_app, tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    runner = full_app.test_cli_runner()
    runner.invoke(args=["backup", str(file)])
    before = _contents(full_app.extensions["spt_engine"])
    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code != 0 and "niet leeg" in refused.output
    forced = runner.invoke(args=["restore", "--force", str(file)])
    assert forced.exit_code == 0, forced.output
    assert _contents(full_app.extensions["spt_engine"]) == before


def test_new_rows_after_a_restore_get_fresh_ids(full_app, empty_database, tmp_path):
    file = tmp_path / "spt-backup.jsonl.gz"
    _backup(full_app, file)
    engine = full_app.config["DATABASE_URL"].split(":")[0].split("+")[0]
    target = create_app({"TESTING": True, "DATABASE_URL": empty_database(engine)})
    target.test_cli_runner().invoke(args=["restore", str(file)])
    with target.app_context():
        db = get_db()
        highest = max(db.exec(select(User.id)).scalars())
        user = accounts.create_user(db, email="nieuw@example.nl", password=PASSWORD,
                                    role="advisor")
        assert user.id > highest
    target.extensions["spt_engine"].dispose()


def test_times_are_written_in_utc_whatever_zone_they_come_in():
    amsterdam = timezone(timedelta(hours=1))
    moment = datetime(2026, 12, 1, 0, 30, tzinfo=amsterdam)
    assert backup._encode(moment) == "2026-11-30T23:30:00+00:00"
    assert backup._encode(datetime(2026, 12, 1, 0, 30)) == "2026-12-01T00:30:00+00:00"
    assert backup._encode(date(2026, 12, 1)) == "2026-12-01"


KILLED_BACKUP = """
import sys, threading
from spt.services import backup
original, written = backup._Writer.line, [0]
def line(self, item):
    written[0] += 1
    if written[0] == 500:  # half way: tell the test, then hang until killed
        open(sys.argv[2], "w").close()
        threading.Event().wait()
    return original(self, item)
backup._Writer.line = line
from spt.cli import main
main(["backup", sys.argv[1]])
"""


def test_a_killed_backup_leaves_no_file_under_the_final_name(app, tmp_path):
    target, marker = tmp_path / "nightly.jsonl.gz", tmp_path / "half-way"
    env = {**os.environ, "SPT_DATABASE_URL": app.config["DATABASE_URL"]}
    log = tmp_path / "backup.log"
    with log.open("wb") as errors, subprocess.Popen(
            [sys.executable, "-c", KILLED_BACKUP, str(target), str(marker)], env=env,
            stdout=subprocess.DEVNULL, stderr=errors) as process:
        try:
            deadline = time.monotonic() + 120  # a bound against a hang, not a speed check
            while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert marker.exists(), log.read_text()
        finally:
            os.kill(process.pid, signal.SIGKILL)
    assert not target.exists()
    partial = list(tmp_path.glob(".nightly.jsonl.gz.partial-*"))
    assert len(partial) == 1  # the unfinished file has a name no restore script would pick
