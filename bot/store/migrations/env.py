"""Alembic's environment for the project tables: bot/store/schema.py hands it a connection in a transaction."""

from alembic import context

from bot.store.schema import metadata

tables = metadata()


def ours(name, kind, _parents) -> bool:
    """Only the project's tables: Rasa's `events` may live in the same database and is not ours to change."""
    return kind != "table" or name in tables.tables


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=tables,
    include_name=ours,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by rebuilding it
    compare_type=True,
)
with context.begin_transaction():  # the caller's transaction: one for the whole upgrade
    context.run_migrations()
