"""Alembic environment: runs on the connection that spt.migrate hands over.

Offline (`sql=True`) it writes PostgreSQL SQL into the buffer spt.migrate gives it, without a
database: that is how `spt db downgrade` learns what a downgrade would drop before it runs.
"""

from alembic import context

from spt.models import metadata

if context.is_offline_mode():
    context.configure(dialect_name="postgresql", target_metadata=metadata, literal_binds=True,
                      output_buffer=context.config.attributes["buffer"])
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
