"""Schema migrations with Alembic, driven from code (`spt db upgrade`)."""

import io
import re
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from spt.db import without_timeouts
from spt.models import metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or update the schema to the given revision."""
    with engine.begin() as connection:
        without_timeouts(connection)
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to the given revision."""
    with engine.begin() as connection:
        without_timeouts(connection)
        command.downgrade(_config(connection), revision)


_DROP_TABLE = re.compile(r'DROP TABLE "?(\w+)"?', re.I)
_DROP_COLUMN = re.compile(r'ALTER TABLE "?(\w+)"? DROP COLUMN "?(\w+)"?', re.I)


@dataclass(frozen=True)
class DowngradePlan:
    """What undoing migrations down to a revision would drop, with the rows that hold data."""

    current: str | None
    target: str
    tables: list[tuple[str, int]]  # table, rows
    columns: list[tuple[str, str, int]]  # table, column, rows with a value


def downgrade_plan(engine: Engine, revision: str) -> DowngradePlan:
    """Read the downgrade's SQL (offline, nothing runs) and count what it would remove."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        buffer, config = io.StringIO(), Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["buffer"] = buffer
        if current and current != revision:
            command.downgrade(config, f"{current}:{revision}", sql=True)
        sql, existing = buffer.getvalue(), set(inspect(connection).get_table_names())
        quote = connection.dialect.identifier_preparer.quote

        def count(table: str, where: str = "") -> int:
            return connection.execute(text(f"SELECT count(*) FROM {quote(table)} {where}")
                                      ).scalar() if table in existing else 0

        tables = [(t, count(t)) for t in dict.fromkeys(_DROP_TABLE.findall(sql))]
        columns = [(t, c, count(t, f"WHERE {quote(c)} IS NOT NULL"))
                   for t, c in dict.fromkeys(_DROP_COLUMN.findall(sql))
                   if t not in dict(tables)]
    return DowngradePlan(current=current, target=revision, tables=tables, columns=columns)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the difference between models and database."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


def differences(engine: Engine) -> list:
    """Differences between the migrated database and the models (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)
