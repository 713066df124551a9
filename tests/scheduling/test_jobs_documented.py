"""Every scheduled job is in docs/notifications.md's table, and the table names no job that
does not exist, so the operators' page says what the scheduler really runs."""

from __future__ import annotations

import re
from pathlib import Path

from app.scheduling.jobs import JOBS

DOC = Path(__file__).resolve().parents[2] / "docs" / "notifications.md"


def test_the_jobs_table_lists_exactly_the_scheduled_jobs() -> None:
    section = DOC.read_text().split("## Jobs and defaults", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.MULTILINE))
    assert documented == {job.id for job in JOBS}
