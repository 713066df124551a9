"""Where a page lands on its sheet: a paper of any size and origin clears the stamp's bands,
centred and never enlarged; the pack's own A4 pages stay as they are."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.packs.sheets import A4, PAPER_BAND, PAPER_SIDE, placement

sizes = st.floats(min_value=20, max_value=5000)
origins = st.floats(min_value=-2000, max_value=2000)


@given(x=origins, y=origins, width=sizes, height=sizes)
def test_a_paper_page_clears_the_bands_and_is_centred(x, y, width, height):
    sheet_w, sheet_h, scale, dx, dy = placement((x, y, x + width, y + height), fit=True)
    width, height = (x + width) - x, (y + height) - y  # as the box says, after rounding
    assert (sheet_w > sheet_h) == (width > height)
    assert 0 < scale <= 1
    left, bottom = x * scale + dx, y * scale + dy
    right, top = left + width * scale, bottom + height * scale
    tolerance = 1e-6 * max(abs(x), abs(y), width, height)
    assert left >= PAPER_SIDE - tolerance
    assert right <= sheet_w - PAPER_SIDE + tolerance
    assert bottom >= PAPER_BAND - tolerance
    assert top <= sheet_h - PAPER_BAND + tolerance
    assert abs((left + right) / 2 - sheet_w / 2) < 1e-3 + tolerance
    assert abs((bottom + top) / 2 - sheet_h / 2) < 1e-3 + tolerance


@given(x=origins, y=origins, width=sizes, height=sizes)
def test_a_box_given_corner_to_corner_either_way_lands_the_same(x, y, width, height):
    box = (x, y, x + width, y + height)
    flipped = (x + width, y + height, x, y)
    assert placement(box, fit=True) == placement(flipped, fit=True)


def test_the_packs_own_a4_pages_keep_their_size():
    assert placement((0, 0, A4[0], A4[1]), fit=False) == (A4[0], A4[1], 1.0, 0, 0)
    assert placement((0, 0, 595.28, 841.89), fit=False)[2] == 1.0  # WeasyPrint's rounding
    # A page of another size is fitted even when it is the pack's own.
    assert placement((0, 0, 612, 792), fit=False)[2] < 1.0
