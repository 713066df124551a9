"""A unique key the database refuses, turned into the service's own clear error.

A check such as "is there already one?" made before an insert cannot stop two transactions
that both check before either inserts; only a unique key (or a row lock) in the database can.
Services keep their friendly check for the common case and flush through `flush_unique`, so
the loser of a race gets the same `DuplicateError` (409, naming the field) instead of a 500.
The transaction is unusable after the refusal: the caller rolls back, as for any service error.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.errors import DuplicateError

UNIQUE_VIOLATION = "23505"  # PostgreSQL SQLSTATE


def refused_key(error: IntegrityError) -> str | None:
    """The unique key that refused a row: its name on PostgreSQL, "" on SQLite (which names
    columns, not constraints); None when `error` is not a unique key's refusal."""
    original = error.orig
    if getattr(original, "sqlstate", None) == UNIQUE_VIOLATION:
        diag = getattr(original, "diag", None)
        return getattr(diag, "constraint_name", None) or ""
    if "UNIQUE constraint failed" in str(original):
        return ""
    return None


def flush_unique(session: Session, refusals: Mapping[str, DuplicateError]) -> None:
    """Flush; a unique key named in `refusals` refusing the pending rows raises its error.

    On SQLite, whose write transactions run one at a time (app/core/sqlite.py) so that the
    services' own checks already see every committed row, any unique refusal raises the first
    error of `refusals`.
    """
    try:
        session.flush()
    except IntegrityError as error:
        key = refused_key(error)
        if key is None or (key and key not in refusals):
            raise
        raise refusals.get(key) or next(iter(refusals.values())) from error
