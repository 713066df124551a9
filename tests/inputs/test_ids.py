"""One rule for reading an id (`core.validation.parse_id`): ASCII digits, 1..MAX_ID.

Before, five places read ids five ways: web pages let 0 through, the API started at 1, form
numbers took '٣' and '1_0' (int() reads both), and two places had no upper bound.
"""

from __future__ import annotations

import pytest

from app.core.validation import MAX_ID, id_in_range, parse_id, parse_whole
from app.web.forms import int_or_none


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (" 7 ", 7),
        (str(MAX_ID), MAX_ID),
        (str(2**31), None),
        ("9" * 40, None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        ("٣", None),
        ("1_0", None),
        ("²", None),
        ("", None),
        (None, None),
        ("x", None),
    ],
)
def test_parse_id_is_ascii_digits_from_1_to_max_id(text, expected):
    assert parse_id(text) == expected


def test_the_path_rule_and_the_text_rule_agree():
    assert [id_in_range(n) for n in (0, 1, MAX_ID, 2**31)] == [False, True, True, False]
    assert parse_id(0) is None
    assert parse_id(2**31) is None
    assert parse_id(True) is None


@pytest.mark.parametrize("text", ["٣", "1_0", "-3", str(2**31)])
def test_form_numbers_refuse_what_is_not_plain_ascii_digits(text):
    assert int_or_none(text) is None
    assert parse_whole(text) is None


def test_form_numbers_keep_zero_for_versions_and_pages():
    assert int_or_none("0") == 0
    assert int_or_none("12") == 12
    assert int_or_none("") is None


@pytest.mark.parametrize("topic", ["1_0", "٣"])
def test_a_meeting_filter_with_an_odd_number_is_no_filter(as_viewer, make, topic):
    make.meeting(title="Listed plainly")
    page = as_viewer.get(f"/meetings?topic={topic}").get_data(as_text=True)
    assert "Listed plainly" in page


@pytest.mark.parametrize("key", [str(2**31), "9" * 30])
def test_agenda_commands_say_not_found_for_ids_past_a_column(cli, key):
    result = cli.invoke(args=["agendas", "circulate", "--meeting", key])
    assert result.exit_code == 1
    assert f"No meeting with id {key}" in result.output


def test_web_pages_treat_id_zero_as_the_api_does(as_viewer):
    assert as_viewer.get("/meetings/0").status_code == 404
