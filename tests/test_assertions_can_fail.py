"""A test whose assertion cannot fail is a defect: find every such assert in the suite.

Caught once by hand (`assert "..." in html or True`); this walks every test module so the
whole class is found: asserts of a constant, `or` with a true constant, and tuples (always
true)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _always_true(test: ast.expr) -> bool:
    if isinstance(test, ast.Constant):
        return bool(test.value)
    if isinstance(test, ast.Tuple):
        return bool(test.elts)
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_always_true(value) for value in test.values)
    return False


def hollow_asserts(source: str, name: str) -> list[str]:
    return [
        f"{name}:{node.lineno}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assert) and _always_true(node.test)
    ]


def test_the_check_finds_each_kind_of_hollow_assert():
    source = "assert True\nassert (x, 'y')\nassert x in y or True\nassert x or y\n"
    assert hollow_asserts(source, "t") == ["t:1", "t:2", "t:3"]


def test_no_assert_in_the_suite_is_always_true():
    found = [
        where
        for path in sorted(TESTS.rglob("*.py"))
        if "node_modules" not in path.parts
        for where in hollow_asserts(path.read_text(encoding="utf-8"), str(path.relative_to(TESTS)))
    ]
    assert found == []
