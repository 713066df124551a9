"""INSERT ... ON CONFLICT DO NOTHING for SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_duplicates(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """Insert one row unless it would violate a unique key; True when the row was inserted.

    Two transactions racing on the same key both run this: the second waits for the first to
    commit and then inserts nothing, instead of failing its whole transaction.
    """
    target = table if isinstance(table, Table) else table.__table__
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = (
        module.insert(target)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(*target.primary_key.columns)
    )
    # RETURNING rather than rowcount, which some drivers leave at -1 for this statement.
    return session.execute(statement).first() is not None
