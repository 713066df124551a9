"""Messages about stored files and the papers that hold them, in the reader's language.

Kept here rather than in app/agendas, whose catalogue entries are the agenda documents'
wording (every one of them translated, tests/agendas/test_cli_and_catalogues.py).
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.errors import NotFound, PermissionDenied


def no_file() -> NotFound:
    return NotFound(_("No such file"), field="file")


def nothing_uploaded() -> NotFound:
    return NotFound(_("No file has been uploaded for this paper"), field="file")


def no_paper(paper_id: int) -> NotFound:
    return NotFound(_("No paper with id %(id)s", id=paper_id), field="paper")


def editors_only() -> PermissionDenied:
    return PermissionDenied(_("Only editors may change a paper's files"), field="paper")
