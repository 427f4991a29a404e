"""Backup and restore: a portable, gzipped JSON-lines dump of every table.

The first line names the format and the Alembic revision; then each table of `spt.models.metadata`
in dependency order (parents first): a header line {"table", "columns", "rows"} and one JSON array
per row. The same file restores into SQLite or PostgreSQL, into an empty database migrated to the
same revision; PostgreSQL sequences are set past the restored ids.
"""

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import Date, DateTime, Table, Time, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from spt.models import metadata
from spt.models._base import utcnow
from spt.services import audit
from spt.services.errors import DomainError

FORMAT = "spt-match-backup"
VERSION = 1
BATCH = 1000


@dataclass(frozen=True)
class Summary:
    """What a backup or restore moved: rows per table and the schema revision."""

    revision: str | None
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None  # never migrated
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _encode(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    raise TypeError(f"cannot back up a {type(value).__name__}")


def _line(handle, item) -> None:
    handle.write(json.dumps(item, default=_encode, ensure_ascii=False, separators=(",", ":")))
    handle.write("\n")


def backup(engine: Engine, path: str | Path) -> Summary:
    """Write every table to a gzipped JSON-lines file.

    On PostgreSQL the whole backup reads one snapshot (REPEATABLE READ), so it may run while the
    app serves requests; SQLite backs up table by table (stop the app, or accept that).
    """
    rows: dict[str, int] = {}
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.begin() as connection, gzip.open(path, "wt", encoding="utf-8") as handle:
        revision = _revision(connection)
        tables = metadata.sorted_tables
        _line(handle, {"format": FORMAT, "version": VERSION, "revision": revision,
                       "created_at": utcnow().isoformat(), "tables": [t.name for t in tables]})
        for table in tables:
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
            columns = [c.name for c in table.columns]
            _line(handle, {"table": table.name, "columns": columns, "rows": count})
            result = connection.execution_options(yield_per=BATCH).execute(
                select(table).order_by(*table.primary_key.columns))
            for row in result:
                _line(handle, list(row))
            rows[table.name] = count
    return Summary(revision=revision, rows=rows)


def _decoder(table: Table, columns: list[str]):
    """Per column: turn the stored JSON value back into what the column type takes."""
    converters = []
    for name in columns:
        column_type = table.columns[name].type
        if isinstance(column_type, DateTime):
            converters.append(_aware if column_type.timezone else datetime.fromisoformat)
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
    moment = datetime.fromisoformat(value)
    # SQLite keeps no zone: its times are UTC (spt stores UTC everywhere).
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_empty(connection: Connection) -> bool:
    """Whether no table of the schema holds a row."""
    return all(connection.execute(select(func.count()).select_from(t)).scalar_one() == 0
               for t in metadata.sorted_tables)


def restore(engine: Engine, path: str | Path, *, force: bool = False) -> Summary:
    """Load a backup into an empty database at the same revision (force empties it first)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle, engine.begin() as connection:
        head = json.loads(handle.readline() or "{}")
        if head.get("format") != FORMAT or head.get("version") != VERSION:
            raise DomainError("Dit is geen back-up van SPT Match (of een onbekende versie).")
        revision = _revision(connection)
        if revision != head["revision"]:
            raise DomainError(f"De back-up hoort bij schema {head['revision']}, de database "
                              f"staat op {revision}. Migreer eerst (spt db upgrade).")
        if not is_empty(connection):
            if not force:
                raise DomainError("De database is niet leeg. Kies een lege database, of gebruik "
                                  "--force om alles eerst te wissen.")
            _empty(connection)
        rows = _load(connection, handle)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return Summary(revision=revision, rows=rows)


def _empty(connection: Connection) -> None:
    # The audit log is append-only for the app; a forced restore replaces it with the backup's.
    with audit.database_bypass(connection):
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


def _load(connection: Connection, handle) -> dict[str, int]:
    rows: dict[str, int] = {}
    table, decode, remaining, batch = None, None, 0, []
    for raw in handle:
        item = json.loads(raw)
        if remaining == 0:  # a table header
            table = metadata.tables[item["table"]]
            decode, remaining = _decoder(table, item["columns"]), item["rows"]
            rows[table.name] = 0
            continue
        batch.append(decode(item))
        remaining -= 1
        if len(batch) >= BATCH or remaining == 0:
            connection.execute(table.insert(), batch)
            rows[table.name] += len(batch)
            batch = []
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
