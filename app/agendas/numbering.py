"""Numbering (1, 2, 2.1) and approximate start times, for live items and frozen snapshots alike.

Two rules hold for every edition (the whole agenda, the UK one, the EU one):
- Numbers and times are the joint agenda's. A side's edition leaves out the other side's
  items but keeps its number and time in their place (`Withheld`: "3 – EU side only, not in
  this edition"), so "item 4" and "11:15" mean the same in both rooms, and no gap is
  unexplained.
- An item's length: a leaf takes its duration. An item with sub-items is a block: its
  sub-items' durations added up, or its own duration if that is longer (a time box for the
  whole discussion); the next item starts when the block ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar, overload

from app.agendas.models import AgendaItem, AgendaPaper, ItemVisibility
from app.agendas.source import ItemRow, PaperRow, paper_visible

# Live items and frozen rows share the attributes numbering needs.
T = TypeVar("T", AgendaItem, ItemRow)


@dataclass(frozen=True)
class NumberedItem(Generic[T]):
    number: str
    depth: int
    item: T
    starts_at: datetime | None  # local time in the meeting's zone; None once a duration is unknown
    minutes: int | None = None  # how long it takes: a parent's whole block (see the module)
    has_children: bool = False


@dataclass(frozen=True)
class Withheld:
    """The other side's item in a side's edition: its number, time and length, nothing else."""

    number: str
    depth: int
    starts_at: datetime | None
    minutes: int | None
    visibility: ItemVisibility


def visible(item: AgendaItem | ItemRow, side: str | None) -> bool:
    return side is None or item.visibility is ItemVisibility.ALL or item.visibility.value == side


@overload
def papers_for(item: AgendaItem, side: str | None) -> list[AgendaPaper]: ...
@overload
def papers_for(item: ItemRow, side: str | None) -> list[PaperRow]: ...
def papers_for(item: AgendaItem | ItemRow, side: str | None) -> Sequence[AgendaPaper | PaperRow]:
    """The papers under `item` that `side` may read (None: every paper, for the secretariat).
    A UK-only paper under a joint item is cited in the UK edition only."""
    return [paper for paper in item.papers if paper_visible(paper, side)]


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
    """Items in reading order with the joint agenda's numbers and start times counted from
    `start_local`; `visible_to` ("uk" or "eu") leaves out items only the other side may see,
    with their children (their numbers are not reused)."""
    return [
        line
        for line in reading_order(items, start_local, visible_to)
        if isinstance(line, NumberedItem)
    ]


def reading_order(
    items: Sequence[T], start_local: datetime | None, visible_to: str | None = None
) -> list[NumberedItem[T] | Withheld]:
    """`number_items` plus, for a side's edition, a `Withheld` line where each of the other
    side's items was."""
    children: dict[int | None, list[T]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    for group in children.values():
        group.sort(key=lambda item: item.position)
    result: list[NumberedItem[T] | Withheld] = []

    def walk(parent_id: int | None, prefix: str, depth: int, at: datetime | None) -> int | None:
        """Number the children of `parent_id` from `at`; their total minutes (None: unknown)."""
        total: int | None = 0
        for index, item in enumerate(children.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            slot = len(result)
            sub = walk(item.id, f"{number}.", depth + 1, at) if children.get(item.id) else None
            minutes = _length(item.duration_minutes, sub, bool(children.get(item.id)))
            if visible(item, visible_to):
                line = NumberedItem(number, depth, item, at, minutes, bool(children.get(item.id)))
                result.insert(slot, line)
            else:
                del result[slot:]  # nothing under a withheld item is shown
                result.append(Withheld(number, depth, at, minutes, item.visibility))
            at = None if at is None or minutes is None else at + timedelta(minutes=minutes)
            total = None if total is None or minutes is None else total + minutes
        return total

    walk(None, "", 0, start_local)
    return result


def _length(own: int | None, sub_items: int | None, has_children: bool) -> int | None:
    if not has_children:
        return own
    if own is None or sub_items is None:
        return own if sub_items is None else sub_items
    return max(own, sub_items)
