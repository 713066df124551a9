"""One page of a long list: the rows plus what the pagination links need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(session: Session, query: Select[Any], number: int, per_page: int) -> Page[Any]:
    """Rows of page `number` (1-based; out-of-range numbers give the nearest page)."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    last = max(1, -(-total // per_page))
    number = max(1, min(number, last))
    rows = session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(rows, number, per_page, total)
