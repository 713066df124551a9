"""What an edit-conflict page shows (409): the kernel's half, so that the unit of work can
answer a stale version without knowing the audit log; app/audit/conflicts.py fills it in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

CONFLICT_STATUS = 409


@dataclass(frozen=True)
class Conflict:
    """The message and the newest changes to the record (audit entries)."""

    message: str = ""
    changes: Sequence[Any] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.message)
