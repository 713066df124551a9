"""Build a briefing pack for a 40-item agenda with 30 papers (about 300 pages, a third of the
papers Word files) and print the time and the peak memory of the process tree.

    .venv/bin/python bench/packs.py [--items 40] [--papers 30] [--pages 10] [--cold]
                                    [--out pack.pdf]

Set-up (not measured, in this process): a SQLite database with the meeting, its agenda, the
papers uploaded through `upload_file` (python-docx Word files, WeasyPrint PDFs, stored as
database blobs) and the agenda circulated. Then, each measured in a fresh child process: the
scheduler's `paper-renditions` job converting the Word papers to PDF (skipped with `--cold`),
and the build as a web worker does it: `write_pack`, what `/meetings/<id>/pack.pdf` and
`flask agendas pack` call, streaming each paper out of the database (running LibreOffice for
the Word papers only with `--cold`). Memory: the resident set of the child plus all its
descendants (LibreOffice included), sampled from /proc every 10 ms, and the kernel's
high-water marks (VmHWM of the child, ru_maxrss of its waited-for children: LibreOffice).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.agendas import papers, versions
from app.agendas.paper_files import UploadLimits, upload_file
from app.agendas.services import AgendaItemInput, add_item
from app.extensions import db
from app.meetings import catalogue
from app.meetings.services import MeetingInput, create_meeting
from app.packs.renditions import make_renditions, pending
from app.packs.services import PackRequest, write_pack
from app.settings import current_settings, load_settings
from app.topics.services import ensure_default_topics
from tests.packs.files import docx_bytes, pdf_bytes

MIB = 1024 * 1024
T = TypeVar("T")


def application(folder: Path) -> Flask:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    settings = load_settings(environ={}, env="testing", database_url=url, instance_path=str(folder))
    return create_app(settings)


def seed(items: int, paper_count: int, pages: int) -> int:
    """The meeting and its agenda; paper n is a Word file when n % 3 == 0 (a third)."""
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
            topics=["russia"],
        ),
    ).meeting
    added = [
        add_item(
            session,
            None,
            meeting.id,
            AgendaItemInput(
                title=f"Agenda item {n}: cooperation on crisis management and hybrid threats",
                purpose="discussion",
                lead_text="EEAS",
                duration_minutes=10,
            ),
        )
        for n in range(1, items + 1)
    ]
    limits = UploadLimits(max_bytes=50 * MIB)
    for n in range(paper_count):
        paper = papers.add_paper(
            session, None, added[n % items].id, f"ENT {n + 1}/27", title=f"Paper {n + 1}"
        )
        title = f"Paper {n + 1}: options for closer cooperation"
        if n % 3 == 0:
            content, name = docx_bytes(title, pages), f"paper-{n + 1}.docx"
        else:
            content, name = pdf_bytes(title, pages), f"paper-{n + 1}.pdf"
        upload_file(session, None, paper.id, io.BytesIO(content), name, limits)
    versions.circulate(session, None, meeting.id)
    db.session.commit()
    return meeting.id


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants, now."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                rss = next((line for line in status if line.startswith("VmRSS:")), "VmRSS: 0 kB")
            total += int(rss.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


class Sampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.children_seen = False  # LibreOffice ran during the sampling
        self.running = True

    def run(self) -> None:
        while self.running:
            tree = tree_rss(os.getpid())
            self.peak = max(self.peak, tree)
            self.children_seen = self.children_seen or tree > own_rss()
            time.sleep(0.01)


def own_rss() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def cpu_seconds() -> float:
    """User and system CPU of this process and its waited-for children (LibreOffice)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def high_water_mark() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def measured(work: Callable[[], T]) -> tuple[T, Figures]:
    """Run `work` and measure it: wall and CPU time, the process tree's memory."""
    baseline = tree_rss(os.getpid())
    sampler = Sampler()
    sampler.start()
    started, cpu_before = time.perf_counter(), cpu_seconds()
    result = work()
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_before
    sampler.running = False
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if not sampler.children_seen:
        children = 0
    return result, Figures(elapsed, cpu, baseline, sampler.peak, high_water_mark(), children)


@dataclass(frozen=True)
class Figures:
    wall: float
    cpu: float
    baseline: int
    peak: int
    worker_hwm: int
    libreoffice_hwm: int

    def report(self, what: str) -> None:
        print(
            f"{what} time: {self.wall:.2f} s wall, {self.cpu:.2f} s CPU of the process and "
            f"LibreOffice (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        print(
            f"{what} peak memory of the process tree (sampled): {self.peak / MIB:.0f} MiB; "
            f"the app before: {self.baseline / MIB:.0f} MiB; "
            f"its own: {(self.peak - self.baseline) / MIB:.0f} MiB"
        )
        print(
            f"{what} high-water marks: the process {self.worker_hwm / MIB:.0f} MiB, "
            f"LibreOffice {self.libreoffice_hwm / MIB:.0f} MiB"
            + ("" if self.libreoffice_hwm else " (not started)")
        )


def convert_ahead(folder: Path) -> None:
    """The scheduler's `paper-renditions` job, run until nothing is pending."""
    app = application(folder)
    settings = current_settings(app)
    with app.app_context(), app.test_request_context():

        def every_run() -> int:
            made = 0
            while pending(db.session()):
                made += make_renditions(db.session(), settings, datetime.now(UTC), "bench")
            return made

        made, figures = measured(every_run)
    print(f"renditions: {made} office papers converted to PDF by the job")
    figures.report("renditions")


def build(folder: Path, meeting_id: int, out_path: Path) -> None:
    """The pack, in a process of its own: the app as a worker has it, then one pack."""
    app = application(folder)
    with app.app_context(), app.test_request_context(), out_path.open("wb") as out:
        built, figures = measured(
            lambda: write_pack(db.session(), None, meeting_id, PackRequest(side="uk"), out)
        )
    result = built.result
    print(
        f"pack: {result.pages} pages, {result.papers} papers, {len(result.missing)} missing, "
        f"{out_path.stat().st_size / MIB:.1f} MiB"
    )
    figures.report("build")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--pages", type=int, default=10, help="pages per paper")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="skip the renditions job: the build converts the Word papers itself",
    )
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--convert", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--meeting", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.convert:
        convert_ahead(args.convert)
        return
    if args.build:
        build(args.build, args.meeting, args.out or args.build / "pack.pdf")
        return
    with tempfile.TemporaryDirectory(prefix="entente-bench-packs-") as scratch:
        folder = Path(scratch)
        app = application(folder)
        with app.app_context(), app.test_request_context():
            upgrade()
            meeting_id = seed(args.items, args.papers, args.pages)
            db.session.remove()
            db.engine.dispose()
        print(f"{args.items}-item agenda, {args.papers} papers of {args.pages} pages")
        if not args.cold:
            subprocess.run([sys.executable, __file__, "--convert", scratch], check=True)
        command = [sys.executable, __file__, "--build", scratch, "--meeting", str(meeting_id)]
        if args.out:
            command += ["--out", str(args.out.resolve())]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
