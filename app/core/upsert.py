"""INSERT ... ON CONFLICT for SQLite and PostgreSQL: the one dialect switch for upserts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def dialect_insert(session: Session, table: Any) -> Any:
    """An INSERT for the session's database (PostgreSQL or SQLite), with `on_conflict_do_*`.

    The one place that switches on the dialect: every upsert in the app starts here.
    """
    target = table if isinstance(table, Table) else table.__table__
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(target)


def insert_ignoring_duplicates(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """Insert one row unless it would violate a unique key; True when the row was inserted.

    Two transactions racing on the same key both run this: the second waits for the first to
    commit and then inserts nothing, instead of failing its whole transaction.
    """
    target = table if isinstance(table, Table) else table.__table__
    statement = (
        dialect_insert(session, target)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(*target.primary_key.columns)
    )
    # RETURNING rather than rowcount, which some drivers leave at -1 for this statement.
    return session.execute(statement).first() is not None
