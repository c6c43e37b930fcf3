from alembic import context
from sqlalchemy import Connection

from kokemus.store import models  # noqa: F401  (registers every table)
from kokemus.store.base import Base


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only alter tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through kokemus.store.migrate")
run(connection)
