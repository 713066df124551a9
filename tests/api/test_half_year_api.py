"""Half-years in the API are read by the one rule, consultations' HalfYear.parse (issue 13).

The regular expression in the OpenAPI document only describes that rule to clients.
Where the two used to disagree, the parser wins: spaces around a half-year (which the
regular expression refused) are ignored, as on the planning page.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from app.api.common import HALF_YEAR_PATTERN
from app.consultations.services import HalfYear
from app.core.errors import ValidationError

SAMPLES = ("2027-H1", "2200-H2", "1900-H1", "1899-H2", "2201-H1", "2027-H3", "27-H1", "2027H1")


def _parses(label: str) -> bool:
    try:
        HalfYear.parse(label)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("label", SAMPLES)
def test_the_documented_pattern_describes_the_parser(label):
    assert bool(re.fullmatch(HALF_YEAR_PATTERN, label)) is _parses(label)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2027-H3", "A half-year looks like 2026-H1"),
        ("2201-H1", "1900"),
        ("19\u0662\u0666-H1", "A half-year looks like 2026-H1"),  # Arabic-Indic digits
        ("", "A half-year looks like 2026-H1"),
    ],
)
def test_a_bad_half_year_is_a_422_naming_the_field(viewer, value, message):
    response = viewer.get(f"/consultations/plan?from=2027-H1&to={quote(value)}")
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == "to"
    assert message in str(body)


def test_spaces_around_a_half_year_are_ignored_as_on_the_pages(make, viewer):
    series = make.series(slug="half-year-spaces")
    plan = f"/consultations/plan?series={series.slug}"
    spaced = viewer.get(f"{plan}&from={quote(' 2027-H1 ')}&to=2027-H2")
    plain = viewer.get(f"{plan}&from=2027-H1&to=2027-H2")
    assert spaced.status_code == plain.status_code == 200
    assert [h["half"] for h in spaced.get_json()] == ["2027-H1", "2027-H2"]
    assert spaced.get_json() == plain.get_json()
