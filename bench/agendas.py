"""Time exporting a circulated 40-item agenda to PDF and to Word; print the medians.

    .venv/bin/python bench/agendas.py [--items 40] [--runs 15]

Each run loads the version from the database, builds the document and renders it, as the
export route does. The first PDF of a process also loads the fonts; it is reported apart.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.agendas import papers, versions
from app.agendas.export import export
from app.agendas.overview import document_for
from app.agendas.services import AgendaItemInput, add_item
from app.extensions import db
from app.meetings import catalogue
from app.meetings.services import MeetingInput, create_meeting
from app.settings import load_settings
from app.topics.services import ensure_default_topics


def seed(items: int) -> int:
    session = db.session()
    catalogue.ensure_default_kinds(session)
    ensure_default_topics(session)
    meeting = create_meeting(
        session,
        None,
        MeetingInput(
            title="UK–EU strategic consultation (Brussels)",
            kind="strategic-consultation",
            start=datetime(2027, 3, 16, 9, 0),
            end=datetime(2027, 3, 16, 18, 0),
            timezone="Europe/Brussels",
            venue="EEAS Headquarters",
            host_city="Brussels",
            marking="OFFICIAL-SENSITIVE",
            topics=["russia"],
        ),
    ).meeting
    parent = None
    for n in range(1, items + 1):
        nested = parent is not None and n % 4 != 1
        item = add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title=f"Agenda item {n}: cooperation on crisis management and hybrid threats",
                purpose=("decision", "discussion", "information")[n % 3],
                lead_text="EEAS" if n % 2 else "FCDO",
                duration_minutes=10,
                visibility=("all", "all", "uk", "eu")[n % 4],
                notes="Background: see the paper." if n % 5 == 0 else "",
            ),
            parent_id=parent if nested else None,
        )
        if not nested:
            parent = item.id
        if n % 3 == 0:
            papers.add_paper(session, None, item.id, f"ENT {n}/27", revision=n % 2)
    versions.circulate(session, None, meeting.id)
    db.session.commit()
    return meeting.id


def timed(meeting_id: int, fmt: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds per export (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        doc = document_for(db.session(), meeting_id)
        export(doc, fmt)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        db.session.remove()
    return wall, cpu


def report(label: str, figures: tuple[list[float], list[float]]) -> None:
    wall, cpu = figures
    print(
        f"{label} median {statistics.median(wall):.3f} s wall, {statistics.median(cpu):.3f} s CPU"
        f"  (wall min {min(wall):.3f}, max {max(wall):.3f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        settings = load_settings(environ={}, env="testing", database_url=url, instance_path=folder)
        app = create_app(settings)
        with app.app_context(), app.test_request_context():
            upgrade()
            meeting_id = seed(args.items)
            first = timed(meeting_id, "pdf", 1)[0][0]
            pdf = timed(meeting_id, "pdf", args.runs)
            docx = timed(meeting_id, "docx", args.runs)
            db.session.remove()
            db.engine.dispose()
    print(f"{args.items}-item agenda, {args.runs} runs each")
    report("PDF ", pdf)
    report("Word", docx)
    print(f"first PDF in a process (loads the fonts): {first:.3f} s wall")


if __name__ == "__main__":
    main()
