"""Numbering (1, 2, 2.1) and approximate start times, for live items and frozen snapshots alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from app.agendas.models import AgendaItem, ItemVisibility
from app.agendas.source import ItemRow

# Live items and frozen rows share the attributes numbering needs.
T = TypeVar("T", AgendaItem, ItemRow)


@dataclass(frozen=True)
class NumberedItem(Generic[T]):
    number: str
    depth: int
    item: T
    starts_at: datetime | None  # local time in the meeting's zone; None once a duration is unknown


def visible(item: AgendaItem | ItemRow, side: str | None) -> bool:
    return side is None or item.visibility is ItemVisibility.ALL or item.visibility.value == side


def visible_to(item: AgendaItem, side: str | None) -> bool:
    """True when `item` and every item above it may be seen by `side` (None: both sides)."""
    if side is None:
        return True  # the secretariat: no need to load the items above
    node: AgendaItem | None = item
    while node is not None:
        if not visible(node, side):
            return False
        node = node.parent
    return True


def number_items(
    items: Sequence[T], start_local: datetime | None, visible_to: str | None = None
) -> list[NumberedItem[T]]:
    """Items in reading order with numbers and start times counted from `start_local`.

    `visible_to` ("uk" or "eu") drops items only the other side may see, with their children,
    and numbers what is left, so a reader never sees a gap where a hidden item was. Hidden
    items still take their time: both sides' editions give the same time for the same item.
    """
    children: dict[int | None, list[T]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    for group in children.values():
        group.sort(key=lambda item: item.position)
    result: list[NumberedItem[T]] = []
    clock_at = start_local

    def walk(parent_id: int | None, prefix: str, depth: int, shown: bool) -> None:
        nonlocal clock_at
        index = 0
        for item in children.get(parent_id, []):
            show = shown and visible(item, visible_to)
            number = prefix
            if show:
                index += 1
                number = f"{prefix}{index}"
                result.append(NumberedItem(number, depth, item, clock_at))
            if children.get(item.id):
                walk(item.id, f"{number}.", depth + 1, show)
            elif clock_at is not None:
                clock_at = (
                    None
                    if item.duration_minutes is None
                    else clock_at + timedelta(minutes=item.duration_minutes)
                )

    walk(None, "", 0, True)
    return result
