"""Alembic environment of the fleet store (run through fleet.store.migrate.upgrade)."""

from alembic import context

import fleet.console.models  # noqa: F401  (the console's tables are part of the schema)
from fleet.store.migrate import VERSION_TABLE
from fleet.store.models import Base

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through fleet.store.migrate.upgrade(engine)")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
