"""Office papers to PDF with LibreOffice, headless: all of a pack's papers in one run.

Each run gets a throwaway profile (two packs at once never share one, and nothing a document
did survives the run) with macros off, links to other files or servers never updated and
linked pictures never fetched; a wall-clock timeout after which the whole process group is
killed; and a HOME of its own. A file LibreOffice cannot read is simply missing from the
result: the pack shows a placeholder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
{items}
</oor:items>
"""
LOCKED_DOWN = (
    ("/org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "3"),
    ("/org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "true"),
    # Without it a paper's linked picture is fetched from its URL while converting: any
    # address the server reaches (tests/packs/test_convert.py).
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "2"),  # 2: never update links
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "2"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
)


class Conversion:
    """One LibreOffice run converting `sources` (distinct file names) into `outdir`, started
    at once so that the caller can lay out other pages meanwhile; `finish` waits for it.

    Nothing raises for a bad document, a missing converter or a timeout: the papers
    concerned are just not in the result."""

    def __init__(
        self, sources: Sequence[Path], outdir: Path, *, command: str = "soffice", timeout: float
    ) -> None:
        self.sources = list(sources)
        self.outdir = outdir
        self.deadline = time.monotonic() + timeout
        self.home = tempfile.TemporaryDirectory(prefix="entente-soffice-")
        self.process = self._start(command) if self.sources else None

    @property
    def started(self) -> bool:
        """Whether LibreOffice ran at all (False: not installed, or nothing to convert)."""
        return self.process is not None

    def _start(self, command: str) -> subprocess.Popen[bytes] | None:
        home = Path(self.home.name)
        _write_profile(home)
        args = [
            command,
            f"-env:UserInstallation={home.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf",
            "--outdir",
            str(self.outdir),
            *map(str, self.sources),
        ]
        try:
            return subprocess.Popen(  # noqa: S603 - a fixed command, no shell
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "HOME": str(home), "TMPDIR": str(home)},
                cwd=home,
                start_new_session=True,  # its own process group, killed whole on timeout
            )
        except OSError:
            return None  # no LibreOffice: every office paper gets its placeholder

    def finish(self) -> dict[Path, Path]:
        """{source: pdf} for the sources that converted."""
        try:
            if self.process is None or not self._wait(self.process):
                return {}
        finally:
            self.home.cleanup()
        result = {}
        for source in self.sources:
            pdf = self.outdir / f"{source.stem}.pdf"
            if pdf.is_file() and pdf.stat().st_size > 0:
                result[source] = pdf
        return result

    def cancel(self) -> None:
        """Stop the run (the pack failed elsewhere) and remove its profile."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.home.cleanup()

    def _wait(self, process: subprocess.Popen[bytes]) -> bool:
        """True when LibreOffice finished in time; killed (with its children) otherwise, and
        then nothing it wrote is used: a file may be cut short."""
        try:
            process.wait(timeout=max(self.deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return False
        return True


def to_pdf(
    sources: Sequence[Path], outdir: Path, *, command: str = "soffice", timeout: float = 120
) -> dict[Path, Path]:
    """Convert `sources` into `outdir` and wait: see `Conversion`."""
    return Conversion(sources, outdir, command=command, timeout=timeout).finish()


def _write_profile(home: Path) -> None:
    user = home / "user"
    user.mkdir()
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, value in LOCKED_DOWN
    )
    (user / "registrymodifications.xcu").write_text(PROFILE.format(items=items))
