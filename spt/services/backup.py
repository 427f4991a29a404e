"""Backup and restore: a portable, gzipped JSON-lines dump of every table, with a manifest.

Line 1 names the format and the Alembic revision. Then each table of `spt.models.metadata` in
dependency order (parents first): a header line {"table", "columns", "rows"} and one JSON array
per row. The last line is the manifest: rows and a SHA-256 per table, and one over the whole
file. Values are written in one canonical form whatever the engine (times in UTC, JSON with
sorted keys), so the same data gives the same checksums on SQLite and on PostgreSQL.

A backup is written under a temporary name and renamed when complete: a killed `spt backup`
never leaves a file that looks finished. A restore reads the whole file and checks the manifest
before it touches the database, then loads it in one transaction (checking again as it goes).
"""

import gzip
import hashlib
import json
import os
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import Date, DateTime, Table, Time, TypeDecorator, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from spt.db import without_timeouts
from spt.models import metadata
from spt.models._base import utcnow
from spt.services import audit
from spt.services.errors import DomainError

FORMAT = "spt-match-backup"
VERSION = 2
BATCH = 1000


@dataclass(frozen=True)
class Summary:
    """What a backup or restore moved: rows and checksum per table, and the schema revision."""

    revision: str | None
    rows: dict[str, int]
    checksums: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class BrokenBackup(DomainError):
    """The file is truncated, altered or not a backup: nothing was changed."""


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None  # never migrated
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _base_type(column_type):
    """The SQLAlchemy type under any TypeDecorator (sqlmodel's UTCDateTime is one)."""
    while isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return column_type


def _utc(moment: datetime) -> datetime:
    # SQLite keeps no zone: its times are UTC (spt stores UTC everywhere).
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _encode(value):
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    raise TypeError(f"cannot back up a {type(value).__name__}")


def _dumps(item) -> bytes:
    return json.dumps(item, default=_encode, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8") + b"\n"


class _Writer:
    """Writes lines and keeps the checksums of the manifest."""

    def __init__(self, handle):
        self.handle, self.whole, self.table = handle, hashlib.sha256(), None

    def line(self, item) -> None:
        raw = _dumps(item)
        self.handle.write(raw)
        self.whole.update(raw)
        if self.table is not None:
            self.table.update(raw)


def backup(engine: Engine, path: str | Path) -> Summary:
    """Write every table to a gzipped JSON-lines file with a manifest (atomically).

    On PostgreSQL the whole backup reads one snapshot (REPEATABLE READ), so it may run while the
    app serves requests; SQLite backs up table by table (stop the app, or accept that).
    """
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    try:
        with engine.begin() as connection, gzip.open(partial, "wb") as handle:
            without_timeouts(connection)
            summary = _write(connection, _Writer(handle))
        with partial.open("rb") as finished:
            os.fsync(finished.fileno())
        os.replace(partial, path)  # complete, or not there at all
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _write(connection: Connection, out: _Writer) -> Summary:
    revision, tables = _revision(connection), metadata.sorted_tables
    out.line({"format": FORMAT, "version": VERSION, "revision": revision,
              "created_at": utcnow().isoformat(), "tables": [t.name for t in tables]})
    rows, checksums = {}, {}
    for table in tables:
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        out.table = hashlib.sha256()
        out.line({"table": table.name, "columns": [c.name for c in table.columns],
                  "rows": count})
        result = connection.execution_options(yield_per=BATCH).execute(
            select(table).order_by(*table.primary_key.columns))
        for row in result:
            out.line(list(row))
        rows[table.name], checksums[table.name] = count, out.table.hexdigest()
        out.table = None
    out.line({"manifest": {"revision": revision, "tables": {
        name: {"rows": rows[name], "sha256": checksums[name]} for name in rows},
        "sha256": out.whole.hexdigest()}})
    return Summary(revision=revision, rows=rows, checksums=checksums)


def _decoder(table: Table, columns: list[str]):
    """Per column: turn the stored JSON value back into what the column type takes."""
    converters = []
    for name in columns:
        if name not in table.columns:
            raise BrokenBackup(_("De back-up noemt kolom %(column)s die tabel %(table)s niet "
                                 "heeft.", column=name, table=table.name))
        column_type = _base_type(table.columns[name].type)
        if isinstance(column_type, DateTime):
            converters.append(_aware if column_type.timezone else _naive_utc)
        elif isinstance(column_type, Date):
            converters.append(date.fromisoformat)
        elif isinstance(column_type, Time):
            converters.append(time.fromisoformat)
        else:
            converters.append(None)

    def decode(values: list) -> dict:
        return {name: (convert(value) if convert and value is not None else value)
                for name, convert, value in zip(columns, converters, values, strict=True)}

    return decode


def _aware(value: str) -> datetime:
    return _utc(datetime.fromisoformat(value))


def _naive_utc(value: str) -> datetime:
    return _aware(value).replace(tzinfo=None)


def _lines(path: Path):
    """The file's lines as (raw bytes, parsed JSON); a broken file raises BrokenBackup."""
    try:
        with gzip.open(path, "rb") as handle:
            for raw in handle:
                yield raw, json.loads(raw)
    except (OSError, EOFError, zlib.error, ValueError) as error:  # gzip and JSON errors
        raise BrokenBackup(_("De back-up is onvolledig of beschadigd (%(detail)s). Er is niets "
                             "veranderd.", detail=type(error).__name__)) from error


class _Reader:
    """Walks a backup file, checking every count and checksum against its manifest."""

    def __init__(self, path: Path):
        self.path = path

    def head(self) -> dict:
        for _raw, item in _lines(self.path):
            return item if isinstance(item, dict) else {}
        return {}

    def tables(self):
        """Yield (table name, columns, batch of rows) as read, then verify the manifest.

        The caller sees every batch before the manifest is checked at the end: loading inside a
        transaction that the final check can still roll back, verifying by reading to the end.
        """
        whole, seen, lines = hashlib.sha256(), {}, _lines(self.path)
        for raw, _item in lines:  # the head line
            whole.update(raw)
            break
        manifest = None
        for raw, item in lines:
            if isinstance(item, dict) and "manifest" in item:
                manifest = item["manifest"]
                break
            if not isinstance(item, dict) or not isinstance(item.get("rows"), int):
                raise self._broken()
            whole.update(raw)
            table_hash, count, batch = hashlib.sha256(raw), 0, []
            for _n in range(item["rows"]):
                row_raw, row = next(lines, (None, None))
                if row_raw is None or not isinstance(row, list):
                    raise self._broken()
                whole.update(row_raw)
                table_hash.update(row_raw)
                batch.append(row)
                count += 1
                if len(batch) == BATCH:
                    yield item["table"], item["columns"], batch
                    batch = []
            yield item["table"], item["columns"], batch
            seen[item["table"]] = {"rows": count, "sha256": table_hash.hexdigest()}
        if (manifest is None or next(lines, None) is not None or manifest.get("tables") != seen
                or manifest.get("sha256") != whole.hexdigest()):
            raise self._broken()

    def verify(self) -> dict[str, int]:
        """Read the whole file: rows per table, or BrokenBackup."""
        rows: dict[str, int] = {}
        for name, _columns, batch in self.tables():
            rows[name] = rows.get(name, 0) + len(batch)
        return rows

    @staticmethod
    def _broken() -> BrokenBackup:
        return BrokenBackup(_("De back-up is onvolledig of veranderd: de inhoud klopt niet met "
                              "het manifest (aantallen en controlegetallen). Er is niets "
                              "veranderd."))


def is_empty(connection: Connection) -> bool:
    """Whether no table of the schema holds a row."""
    return all(connection.execute(select(func.count()).select_from(t)).scalar_one() == 0
               for t in metadata.sorted_tables)


def restore(engine: Engine, path: str | Path, *, force: bool = False) -> Summary:
    """Load a verified backup into an empty database at the same revision (force empties it)."""
    reader = _Reader(Path(path))
    head = reader.head()
    if head.get("format") != FORMAT or head.get("version") != VERSION:
        raise BrokenBackup(_("Dit is geen back-up van SPT Match (of een onbekende versie)."))
    expected = reader.verify()  # the whole file, before anything is touched
    if sorted(expected) != sorted(t.name for t in metadata.sorted_tables):
        raise BrokenBackup(_("De back-up mist tabellen of heeft er te veel. Er is niets "
                             "veranderd."))
    with engine.begin() as connection:
        without_timeouts(connection)
        revision = _revision(connection)
        if revision != head["revision"]:
            raise DomainError(_("De back-up hoort bij schema %(backup)s, de database staat op "
                                "%(current)s. Migreer eerst (spt db upgrade).",
                                backup=head["revision"], current=revision))
        if not is_empty(connection):
            if not force:
                raise DomainError(_("De database is niet leeg. Kies een lege database, of "
                                    "gebruik --force om alles eerst te wissen."))
            _empty(connection)
        rows = _load(connection, reader)  # checks the manifest again: a change rolls back
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return Summary(revision=revision, rows=rows)


def _empty(connection: Connection) -> None:
    # The audit log is append-only for the app; a forced restore replaces it with the backup's.
    with audit.database_bypass(connection):
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


def _load(connection: Connection, reader: _Reader) -> dict[str, int]:
    rows: dict[str, int] = {}
    decoders: dict[str, object] = {}
    for name, columns, batch in reader.tables():
        table = metadata.tables[name]
        decode = decoders.get(name) or decoders.setdefault(name, _decoder(table, columns))
        if batch:
            connection.execute(table.insert(), [decode(v) for v in batch])
        rows[name] = rows.get(name, 0) + len(batch)
    return rows


def _reset_sequences(connection: Connection) -> None:
    """Set each serial id sequence past the restored rows, so new rows get fresh ids."""
    quote = connection.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        column = table.columns.get("id")
        if column is None or not column.primary_key or not column.autoincrement:
            continue
        name = quote(table.name)
        sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                      {"t": name}).scalar()
        if sequence:
            connection.execute(text(f"SELECT setval(:s, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)"
                                    f" FROM {name}"), {"s": sequence})
