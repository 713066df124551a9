"""Office papers are converted to PDF once, by the `paper-renditions` job, so that a pack is
built from PDFs alone: the pack then starts no LibreOffice (it is told of one that does not
exist and still holds the Word paper's text). Real LibreOffice, real pypdf and pdftotext."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.agendas import papers, versions
from app.agendas.models import AgendaPaper
from app.agendas.paper_files import UploadLimits, delete_file, latest_file, upload_file
from app.files.inspection import DOCX
from app.files.models import Blob, PdfRendition
from app.packs.renditions import make_renditions, pending
from app.packs.services import PackRequest, write_pack
from app.scheduling.jobs import JOBS_BY_ID
from app.settings import Settings, current_settings
from tests.packs.files import docx_bytes, pages_text, pdf_bytes

LIMITS = UploadLimits(max_bytes=10 * 1024 * 1024)
NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _upload(make, item, reference: str, content: bytes, filename: str) -> AgendaPaper:
    paper = papers.add_paper(make.session, None, item.id, reference, original_language="en")
    upload_file(make.session, None, paper.id, io.BytesIO(content), filename, LIMITS)
    return paper


def _without_libreoffice(app: Flask, tmp_path: Path) -> Settings:
    return replace(current_settings(app), pack_soffice=str(tmp_path / "no-such-soffice"))


def _pack_text(session, meeting_id: int, settings: Settings) -> tuple[str, tuple[str, ...]]:
    out = io.BytesIO()
    built = write_pack(session, None, meeting_id, PackRequest(side="uk"), out, settings)
    return "\n".join(pages_text(out.getvalue())), built.result.missing


@pytest.fixture
def meeting_with_papers(make):
    """A Word paper cited twice (two papers, one file), a second Word paper and a PDF."""
    meeting = make.meeting()
    item = make.item(meeting, "Hybrid threats")
    word = docx_bytes("Word paper converted ahead")
    _upload(make, item, "ENT 1/27", word, "one.docx")
    _upload(make, item, "ENT 2/27", word, "same-file.docx")
    _upload(make, item, "ENT 3/27", docx_bytes("Another Word paper"), "other.docx")
    _upload(make, item, "ENT 4/27", pdf_bytes("A PDF paper"), "paper.pdf")
    return meeting


def test_each_office_file_is_converted_once_and_the_pack_needs_no_libreoffice(
    app, session, meeting_with_papers, tmp_path
):
    settings = current_settings(app)
    assert [media for _sha, media in pending(session)] == [DOCX, DOCX]  # the same file once
    assert make_renditions(session, settings, NOW, "test") == 2
    assert make_renditions(session, settings, NOW, "test") == 0
    assert pending(session) == []
    versions.circulate(session, None, meeting_with_papers.id)

    text, missing = _pack_text(session, meeting_with_papers.id, _without_libreoffice(app, tmp_path))
    assert missing == ()
    assert text.count("Word paper converted ahead") >= 2  # both papers citing the file
    assert "Another Word paper" in text
    assert "A PDF paper" in text


def test_without_libreoffice_nothing_is_recorded_and_the_pack_converts_as_before(
    app, session, meeting_with_papers, tmp_path
):
    assert make_renditions(session, _without_libreoffice(app, tmp_path), NOW, "test") == 0
    assert len(pending(session)) == 2  # tried again on the next run
    versions.circulate(session, None, meeting_with_papers.id)
    text, missing = _pack_text(session, meeting_with_papers.id, current_settings(app))
    assert missing == ()
    assert "Word paper converted ahead" in text


def test_a_file_libreoffice_cannot_convert_is_tried_once_then_left_to_the_pack(
    app, session, make, tmp_path
):
    meeting = make.meeting()
    _upload(make, make.item(meeting, "Opening"), "ENT 9/27", docx_bytes("Unlucky"), "x.docx")
    silent = tmp_path / "soffice"
    silent.write_text("#!/bin/sh\nexit 0\n")  # runs, writes nothing
    silent.chmod(0o755)
    settings = replace(current_settings(app), pack_soffice=str(silent))
    assert make_renditions(session, settings, NOW, "test") == 0
    assert session.scalars(select(PdfRendition.pdf_sha256)).all() == [None]
    assert pending(session) == []  # not tried again on every run
    versions.circulate(session, None, meeting.id)
    text, missing = _pack_text(session, meeting.id, current_settings(app))
    assert missing == ()  # the pack converts it itself
    assert "Unlucky" in text


def test_deleting_the_last_version_deletes_its_rendition_and_the_pdf(app, session, make):
    meeting = make.meeting()
    paper = _upload(make, make.item(meeting, "Opening"), "ENT 1/27", docx_bytes("Gone"), "a.docx")
    assert make_renditions(session, current_settings(app), NOW, "test") == 1
    assert session.scalar(select(func.count()).select_from(Blob)) == 2
    upload = latest_file(session, paper.id)
    assert upload is not None
    delete_file(session, None, paper.id, upload.id)
    assert session.scalar(select(func.count()).select_from(PdfRendition)) == 0
    assert session.scalar(select(func.count()).select_from(Blob)) == 0


def test_the_scheduler_runs_the_conversion_every_minute():
    job = JOBS_BY_ID["paper-renditions"]
    assert job.task is make_renditions
    assert job.every == timedelta(minutes=1)
