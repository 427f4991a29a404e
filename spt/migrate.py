"""Schema migrations with Alembic, driven from code (`spt db upgrade`)."""

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

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
        command.upgrade(_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to the given revision."""
    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the difference between models and database."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


def differences(engine: Engine) -> list:
    """Differences between the migrated database and the models (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)
