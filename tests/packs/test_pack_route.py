"""`/meetings/<id>/pack.pdf` and `flask agendas pack` on a real agenda with uploaded papers:
the side rules (item and paper visibility), the marking a side's pack gets, the readers'
rules (404, 403, sign-in), bad parameters (400) and the CLI. Packs are read back with pypdf
and pdftotext."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from app.agendas import papers, versions
from app.agendas.paper_files import UploadLimits, upload_file
from app.auth.models import Role
from app.meetings.models import Marking
from app.people.models import Side
from tests.packs.files import docx_bytes, outline, pages_text, pdf_bytes
from tests.web.conftest import sign_in

LIMITS = UploadLimits(max_bytes=10 * 1024 * 1024)


def _paper(make, item, reference, content, filename, **details):
    paper = papers.add_paper(make.session, None, item.id, reference, original_language="en")
    if details:
        make.stored_as(paper, **details)
    if content is not None:
        upload_file(make.session, None, paper.id, io.BytesIO(content), filename, LIMITS)
    return paper


@pytest.fixture
def circulated(make, session):
    """Item 1 (both sides): a PDF for all. Item 2 (UK only): a Word paper. Item 3 (both): a
    UK-only OFFICIAL-SENSITIVE PDF, an EU-only PDF and a paper with no file yet."""
    meeting = make.meeting(
        title="UK–EU strategic consultation (Brussels)",
        start=datetime(2027, 3, 16, 10, 0),
        end=datetime(2027, 3, 16, 16, 30),
        timezone="Europe/Brussels",
        venue="EEAS Headquarters",
        host_city="Brussels",
    )
    opening = make.item(meeting, "Opening remarks", duration_minutes=10)
    uk_line = make.item(meeting, "UK line to take", duration_minutes=15, visibility="uk")
    sanctions = make.item(meeting, "Sanctions enforcement", duration_minutes=30)
    _paper(make, opening, "ENT 1/27", pdf_bytes("Paper for both sides"), "both.pdf")
    _paper(make, uk_line, "ENT 2/27", docx_bytes("UK item Word paper"), "uk-item.docx")
    _paper(
        make,
        sanctions,
        "ENT 3/27",
        pdf_bytes("UK only sensitive paper"),
        "uk-only.pdf",
        visibility="uk",
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    _paper(make, sanctions, "ENT 4/27", pdf_bytes("EU only paper"), "eu-only.pdf", visibility="eu")
    _paper(make, sanctions, "ENT 5/27", None, "")
    versions.circulate(session, None, meeting.id)
    return meeting


def _get(client, meeting, **args):
    return client.get(f"/meetings/{meeting.id}/pack.pdf", query_string=args)


def test_uk_pack_holds_the_uk_papers_and_takes_the_highest_marking(as_editor, circulated):
    response = _get(as_editor, circulated, side="uk")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('inline; filename="pack-2027-03-16-uk-eu-strategic')
    assert disposition.endswith('-v1-uk-en.pdf"')
    pdf = response.get_data()
    text = pages_text(pdf)
    joined = "\n".join(text)
    for present in ("Paper for both sides", "UK item Word paper", "UK only sensitive paper"):
        assert present in joined, present
    assert "EU only paper" not in joined
    assert "ENT 4/27" not in joined
    assert len(PdfReader(io.BytesIO(pdf)).pages) == len(text)
    for number, page in enumerate(text, start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert lines[0].strip().split()[-1] == "OFFICIAL-SENSITIVE", number
        assert "OFFICIAL-SENSITIVE" in lines[-1], number
        assert f"Page {number} of {len(text)}" in lines[-1], number
    titles = [title for _depth, title, _page in outline(pdf)]
    assert titles == [
        "Cover",
        "Contents",
        "Agenda",
        "1. Opening remarks",
        "ENT 1/27 (OR. en)",
        "2. UK line to take",
        "ENT 2/27 (OR. en)",
        "3. Sanctions enforcement",
        "ENT 3/27 (OR. en)",
        "ENT 5/27 (OR. en)",
    ]
    at = {title: page for _depth, title, page in outline(pdf)}
    assert "No file has been uploaded" in text[at["ENT 5/27 (OR. en)"] - 1]


def test_eu_pack_holds_no_uk_only_paper(as_editor, circulated):
    response = _get(as_editor, circulated, side="eu")
    assert response.status_code == 200
    text = pages_text(response.get_data())
    joined = "\n".join(text)
    assert "Paper for both sides" in joined
    assert "EU only paper" in joined
    for absent in ("UK item Word paper", "UK only sensitive paper", "UK line to take", "ENT 3/27"):
        assert absent not in joined, absent
    assert "EU side edition" in text[0]
    for page in text:  # the UK-only sensitive paper does not raise the EU pack's marking
        assert page.strip().splitlines()[0].split()[-1] == "OFFICIAL"


def test_a_one_side_delegate_gets_their_side_and_is_refused_the_other(client, make, circulated):
    delegate = make.user(Role.VIEWER)
    delegate.person_id = make.person(make.organisation(Side.EU)).id
    sign_in(client, delegate)
    assert _get(client, circulated, side="uk").status_code == 403
    response = _get(client, circulated)
    assert response.status_code == 200
    joined = "\n".join(pages_text(response.get_data()))
    assert "EU only paper" in joined
    assert "UK only sensitive paper" not in joined


def test_unreadable_meeting_unknown_version_and_bad_parameters(client, as_viewer, make, circulated):
    secret = make.meeting(access="restricted")
    assert client.get(f"/meetings/{secret.id}/pack.pdf").status_code == 404
    assert client.get("/meetings/999999/pack.pdf").status_code == 404
    assert _get(client, circulated, version=9).status_code == 404
    for bad in ({"side": "fr"}, {"lang": "de"}, {"version": "x"}, {"version": "0"}):
        response = _get(client, circulated, **bad)
        assert response.status_code == 400, bad
    uncirculated = make.meeting()
    make.item(uncirculated, "Draft only")
    assert client.get(f"/meetings/{uncirculated.id}/pack.pdf").status_code == 404


def test_signed_out_readers_are_sent_to_sign_in(client, circulated):
    response = _get(client, circulated)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_cli_writes_the_pack(cli, circulated, tmp_path):
    out = tmp_path / "pack.pdf"
    result = cli.invoke(
        args=["agendas", "pack", "--meeting", str(circulated.id), "--side", "eu", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "marked OFFICIAL" in result.output
    assert "Not included (placeholder page): ENT 5/27 (OR. en)" in result.output
    text = pages_text(out.read_bytes())
    assert "EU only paper" in "\n".join(text)
    missing = cli.invoke(args=["agendas", "pack", "--meeting", "999999", "--out", str(out)])
    assert missing.exit_code == 1
    assert "999999" in missing.output
