"""Schemathesis against /api/v1/openapi.json, in-process: every operation, as every role.

Positive and negative (schema-breaking) inputs; no answer may be a 5xx, and every answer must
match the document (status code documented, body valid against its schema, content type).
Bounded by max_examples per operation so the suite stays fast; the count of cases and their
statuses is printed at the end (pytest -s).
"""

from __future__ import annotations

import collections
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.orm import Session

from app import create_app
from app.agendas import outcomes, papers
from app.auth import services as auth
from app.auth.models import Role
from app.extensions import limiter
from app.settings import load_settings
from tests import factories

MAX_EXAMPLES = 5
TALLY: collections.Counter[str] = collections.Counter()


def _document_app() -> Flask:
    """An app (no database needed) to read the document from at collection time; the cases
    are sent to the test's own app, inside its rolled-back transaction."""
    instance = Path(tempfile.gettempdir()) / "entente-openapi"
    return create_app(
        load_settings(
            environ={}, env="testing", database_url="sqlite://", instance_path=str(instance)
        )
    )


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document_app())
schema.config.generation.update(modes=["positive", "negative"], max_examples=MAX_EXAMPLES)
# The coverage phase (boundary values of every parameter, ~8,000 cases, ~40 s) runs when
# ENTENTE_SCHEMATHESIS=full; by default examples and fuzzing (~830 cases, ~10 s) keep the suite
# fast. Probing undocumented methods (a 405 on every path) is left out either way.
schema.config.phases.coverage.enabled = os.environ.get("ENTENTE_SCHEMATHESIS") == "full"
schema.config.phases.coverage.unexpected_methods = set()


@pytest.fixture
def tokens(session: Session, make: factories.Factory) -> dict[Role, str]:
    """A token per role, and some data for the operations to find: a meeting with a later
    round, an item with a paper and a follow-up action."""
    series = make.series(slug="schemathesis-rounds")
    meeting = make.meeting(series=series.id)
    make.meeting(series=series.id, start=datetime(2027, 9, 14, 10), end=datetime(2027, 9, 14, 13))
    item = make.item(meeting, "Opening")
    papers.add_paper(session, None, item.id, "ENT 1/27")
    outcomes.add_action(session, None, item.id, "Report back")
    make.invitation(meeting)
    make.person()
    tokens = {}
    for role in Role:  # no password: argon2 hashing would dominate the run
        user = auth.create_user(session, None, f"schemathesis-{role}@entente.test", role)
        tokens[role] = auth.issue_api_token(session, None, user.id, "schemathesis")
    return tokens


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()
    total = sum(value for key, value in TALLY.items() if key.startswith("status:"))
    print(f"\nschemathesis: {total} cases; by status {dict(sorted(TALLY.items()))}")


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_api_answers_within_its_document(case: Any, app: Flask, tokens: dict[Role, str]) -> None:
    for role in Role:
        _check(case, app, tokens[role])


def _check(case: Any, app: Flask, token: str) -> None:
    response = case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    TALLY[f"status:{response.status_code}"] += 1
