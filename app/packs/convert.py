"""Office papers to PDF with LibreOffice, headless: all of a pack's papers in one run.

Each run gets a throwaway profile (two packs at once never share one, and nothing a document
did survives the run) with macros off and links to other files or servers never updated, a
wall-clock timeout after which the whole process group is killed, and a HOME of its own. A
file LibreOffice cannot read is simply missing from the result: the pack shows a placeholder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
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
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "2"),  # 2: never update links
    ("/org.openoffice.Office.Calc/Content/Update", "Link", "2"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
)


def to_pdf(
    sources: Sequence[Path], outdir: Path, *, command: str = "soffice", timeout: float = 120
) -> dict[Path, Path]:
    """Convert `sources` (distinct file names) into `outdir`; {source: pdf} for those that
    converted. Nothing raises for a bad document, a missing converter or a timeout: the
    papers concerned are just not in the result."""
    if not sources:
        return {}
    with tempfile.TemporaryDirectory(prefix="entente-soffice-") as home:
        _write_profile(Path(home))
        args = [
            command,
            f"-env:UserInstallation={Path(home).as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, sources),
        ]
        if not _run(args, home, timeout):
            return {}  # killed: a file it was writing may be cut short
    result = {}
    for source in sources:
        pdf = outdir / f"{source.stem}.pdf"
        if pdf.is_file() and pdf.stat().st_size > 0:
            result[source] = pdf
    return result


def _write_profile(home: Path) -> None:
    user = home / "user"
    user.mkdir()
    items = "\n".join(
        f'<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse">'
        f"<value>{value}</value></prop></item>"
        for path, name, value in LOCKED_DOWN
    )
    (user / "registrymodifications.xcu").write_text(PROFILE.format(items=items))


def _run(args: list[str], home: str, timeout: float) -> bool:
    """True when LibreOffice ran and finished in time."""
    env = {**os.environ, "HOME": home, "TMPDIR": home}
    try:
        process = subprocess.Popen(  # noqa: S603 - a fixed command, no shell
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=home,
            start_new_session=True,  # its own process group, killed whole on timeout
        )
    except OSError:
        return False  # no LibreOffice: every office paper gets its placeholder
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False
    return True
