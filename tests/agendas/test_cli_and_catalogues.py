"""`flask agendas ...` commands, and the French catalogue kept in step with the templates."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime
from pathlib import Path

import time_machine
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.agendas import versions
from app.settings import PROJECT_ROOT
from tests.agendas.conftest import pdf_pages

CATALOGUE = PROJECT_ROOT / "app" / "translations" / "fr" / "LC_MESSAGES"


def test_export_command_writes_the_next_consultation(cli, make, session, tmp_path: Path):
    series = make.series(slug="strategic-consultations")
    meeting = make.meeting(
        title="Next consultation",
        series=series.id,
        start=datetime(2027, 3, 16, 10),
        end=datetime(2027, 3, 16, 13),
    )
    make.meeting(title="Later one", start=datetime(2027, 9, 16, 10), end=datetime(2027, 9, 16, 13))
    make.item(meeting, "Opening", duration_minutes=10)
    out = tmp_path / "sample.pdf"
    with time_machine.travel(datetime(2027, 1, 5, tzinfo=UTC), tick=False):
        result = cli.invoke(
            args=["agendas", "export", "--meeting", "next-consultation", "--out", str(out)]
        )
        assert result.exit_code == 1
        assert "No agenda has been circulated" in result.output
        result = cli.invoke(args=["agendas", "circulate", "--meeting", "next-consultation"])
        assert result.exit_code == 0, result.output
        result = cli.invoke(
            args=[
                "agendas",
                "export",
                "--meeting",
                "next-consultation",
                "--format",
                "pdf",
                "--out",
                str(out),
            ]
        )
    assert result.exit_code == 0, result.output
    assert "Next consultation, version 1" in result.output
    assert "Opening" in pdf_pages(out.read_bytes())[0]
    assert versions.latest_version(session, meeting.id).number == 1
    result = cli.invoke(args=["agendas", "export", "--meeting", "soon", "--out", str(out)])
    assert result.exit_code == 1
    assert "next-consultation" in result.output


def test_every_document_label_has_a_french_translation_in_the_compiled_catalogue():
    with (CATALOGUE / "messages.po").open("rb") as handle:
        catalogue = read_po(handle)
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    method_map = [("app/agendas/**.py", "python"), ("templates/agendas/export/**", "jinja2")]
    used = {
        message[2]
        for message in extract_from_dir(str(PROJECT_ROOT), method_map)
        if isinstance(message[2], str)
    }
    assert len(used) > 20
    for msgid in used:
        entry = catalogue.get(msgid)
        assert entry is not None, f"{msgid!r} is missing from messages.po"
        assert entry.string, f"no French for {msgid!r}"
        assert compiled.gettext(msgid) == entry.string, f"messages.mo is stale for {msgid!r}"
