"""Whatever bytes arrive, the inspection answers "this kind" or a refusal with its message:
never another exception (a 500), and never a walk over the whole file line by line.

Documents of each accepted kind are damaged the ways uploads are: cut short, bytes changed,
junk appended or inserted. `ENTENTE_HYPOTHESIS_PROFILE=long` tries many more.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.files.inspection import EXTENSIONS, document_type
from tests.files import documents

EXAMPLES = {"ci": 40, "long": 1500}[os.environ.get("ENTENTE_HYPOTHESIS_PROFILE", "ci")]
# Each refusal a damaged document may meet, by a phrase of its message.
REFUSALS = ("damaged", "not a document Entente accepts", "older Office format", "zip bomb")
ORIGINALS = {
    "pdf": documents.pdf(2),
    "docx": documents.docx("A paper"),
    "odt": documents.odt(),
}


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    content = bytearray(ORIGINALS[draw(st.sampled_from(sorted(ORIGINALS)))])
    for _ in range(draw(st.integers(0, 4))):
        how = draw(st.sampled_from(["cut", "flip", "append", "insert"]))
        at = draw(st.integers(0, max(0, len(content) - 1)))
        junk = draw(st.binary(min_size=1, max_size=64)) * draw(st.integers(1, 200))
        if how == "cut":
            del content[at:]
        elif how == "flip" and content:
            content[at] ^= draw(st.integers(1, 255))
        elif how == "append":
            content += junk
        else:
            content[at:at] = junk
    return bytes(content)


# A failing example is a large byte string: let Hypothesis print it rather than fail on its size.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(content=damaged())
def test_damaged_documents_are_judged_or_refused_with_a_message(app, content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(content)
        assert _judged(path) in {*EXTENSIONS, *REFUSALS}


def _judged(path: Path) -> str:
    """The kind found, or the refusal's message."""
    try:
        return document_type(path)
    except ValidationError as refusal:
        return _refusal_kind(refusal.message)


def _refusal_kind(message: str) -> str:
    return next((kind for kind in REFUSALS if kind in message), message)


@st.composite
def padding(draw: st.DrawFn) -> bytes:
    """What writers leave after %%EOF: PDF whitespace (NUL included), up to megabytes."""
    unit = bytes(draw(st.lists(st.sampled_from(list(b"\0\t\n\x0c\r ")), min_size=1, max_size=8)))
    return unit * draw(st.integers(1, 300_000))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(pad=padding())
def test_an_intact_pdf_stays_a_pdf_whatever_padding_follows(app, pad):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(ORIGINALS["pdf"] + pad)
        assert _judged(path) == "application/pdf"
