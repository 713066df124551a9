"""Build a briefing pack for a 40-item agenda with 30 papers (about 300 pages, a third of the
papers Word files) and print the time and the peak memory of the process tree.

    .venv/bin/python bench/packs.py [--items 40] [--papers 30] [--pages 10] [--out pack.pdf]

The papers are generated first, in a child process (python-docx for Word, WeasyPrint for PDF),
so their making counts neither in the time nor in the memory. The build is `build_pack` as
the route and the CLI call it, each paper streamed from its file in 1 MiB chunks; LibreOffice
converts the Word papers in one run. Memory: the resident set of this process plus all its
descendants (LibreOffice included), sampled from /proc every 10 ms during the build, and the
kernel's high-water marks (VmHWM of this process, ru_maxrss of the waited-for children).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from app.agendas.document import build_document
from app.agendas.models import AgendaVersion, ItemVisibility, Purpose, VersionStage
from app.agendas.source import AgendaSource, ItemRow, MeetingHead
from app.meetings.models import Marking
from app.packs.builder import Converter, build_pack
from app.packs.model import PackInput, PackItem, PackPaper
from app.settings import load_settings
from tests.packs.files import DOCX, PDF, docx_bytes, pdf_bytes

CHUNK = 1024 * 1024


def make_files(folder: Path, papers: int, pages: int) -> None:
    """Paper n is Word when n % 3 == 0 (a third), PDF otherwise."""
    for n in range(papers):
        title = f"Paper {n + 1}: options for closer cooperation"
        if n % 3 == 0:
            (folder / f"{n:03d}.docx").write_bytes(docx_bytes(title, pages))
        else:
            (folder / f"{n:03d}.pdf").write_bytes(pdf_bytes(title, pages))


def chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk


def pack_input(folder: Path, items: int) -> PackInput:
    head = MeetingHead(
        meeting_id=1,
        title="UK–EU strategic consultation (Brussels)",
        start_utc=datetime(2027, 3, 16, 8, 0, tzinfo=UTC),
        end_utc=datetime(2027, 3, 16, 17, 0, tzinfo=UTC),
        timezone="Europe/Brussels",
        venue="EEAS Headquarters",
        host_city="Brussels",
        marking=Marking.OFFICIAL,
        language="en",
    )
    rows = tuple(
        ItemRow(
            id=n,
            parent_id=None,
            position=n,
            title=f"Agenda item {n}: cooperation on crisis management and hybrid threats",
            purpose=Purpose.DISCUSSION,
            lead="EEAS",
            duration_minutes=10,
            visibility=ItemVisibility.ALL,
        )
        for n in range(1, items + 1)
    )
    version = AgendaVersion(
        number=1,
        stage=VersionStage.FINAL,
        revision=0,
        circulated_at=datetime(2027, 3, 2, 9, 0, tzinfo=UTC),
        circulated_by="secretariat@example.org",
    )
    doc = build_document(AgendaSource(head, rows), version, side="uk")
    files = sorted(folder.iterdir())
    by_item: dict[int, list[PackPaper]] = {}
    for n, path in enumerate(files):
        by_item.setdefault(n % items + 1, []).append(
            PackPaper(
                citation=f"ENT {n + 1}/27 (OR. en)",
                title=f"Paper {n + 1}",
                marking=Marking.OFFICIAL_SENSITIVE if n == 7 else Marking.OFFICIAL,
                media_type=DOCX if path.suffix == ".docx" else PDF,
                open=lambda path=path: chunks(path),
            )
        )
    return PackInput(
        doc,
        tuple(
            PackItem(row.id, str(row.id), row.title, papers=tuple(by_item.get(row.id, ())))
            for row in rows
        ),
    )


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
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss(os.getpid()))
            time.sleep(0.01)


def high_water_mark() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def build(folder: Path, items: int, out_path: Path) -> None:
    """The measured part, in a process of its own: only the build and LibreOffice count."""
    settings = load_settings(environ={}, env="testing", instance_path=str(folder))
    app = create_app(settings.replace(database_url=f"sqlite:///{folder}/bench.sqlite3"))
    with app.app_context():
        pack = pack_input(folder / "papers", items)
        sampler = Sampler()
        sampler.start()
        started = time.perf_counter()
        with out_path.open("wb") as out:
            result = build_pack(pack, out, converter=Converter(timeout=300))
        elapsed = time.perf_counter() - started
        sampler.running = False
        sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    mib = 1024 * 1024
    words = len([p for p in pack.papers if p.media_type == DOCX])
    print(
        f"items={items} papers={result.papers} (Word {words}) pages={result.pages} "
        f"missing={len(result.missing)} size={out_path.stat().st_size / mib:.1f} MiB"
    )
    print(f"build time: {elapsed:.2f} s")
    print(f"peak memory of the process tree (sampled): {sampler.peak / mib:.0f} MiB")
    print(
        f"high-water marks: builder process {high_water_mark() / mib:.0f} MiB, "
        f"LibreOffice {children / mib:.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--papers", type=int, default=30)
    parser.add_argument("--pages", type=int, default=10, help="pages per paper")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.items, args.out or args.build / "pack.pdf")
        return
    with tempfile.TemporaryDirectory(prefix="entente-bench-packs-") as scratch:
        folder = Path(scratch)
        (folder / "papers").mkdir()
        make_files(folder / "papers", args.papers, args.pages)
        command = [sys.executable, __file__, "--build", scratch, "--items", str(args.items)]
        if args.out:
            command += ["--out", str(args.out.resolve())]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
