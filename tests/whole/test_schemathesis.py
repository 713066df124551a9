"""Schemathesis against /api/v1/openapi.json, in-process: every operation, as every role.

Positive and negative (schema-breaking) inputs; no answer may be a 5xx, and every answer must
match the document (status code documented, body valid against its schema, content type).
Bounded by max_examples per operation so the suite stays fast; the count of cases and their
statuses is printed at the end (pytest -s).

The stateful phase (`test_api_workflows_stay_within_the_document`) follows the document's
links (app/api/links.py): an answer's id and ETag go into the next call's path and If-Match,
so edits reach the write paths instead of stopping at 428/412.
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
from hypothesis.stateful import run_state_machine_as_test
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
from app.extensions import db, limiter
from app.settings import load_settings
from tests import factories

MAX_EXAMPLES = 5
FULL = os.environ.get("ENTENTE_SCHEMATHESIS") == "full"
TALLY: collections.Counter[str] = collections.Counter()
STATEFUL: collections.Counter[str] = collections.Counter()
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


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
schema.config.phases.coverage.enabled = FULL
schema.config.phases.coverage.unexpected_methods = set()
# Response bodies are checked against their formats too: a date-time without an offset fails.
schema.config.checks.response_schema_conformance.validate_formats = True


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
    if STATEFUL:
        print(f"schemathesis stateful: {dict(sorted(STATEFUL.items()))}")


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
        checks=CHECKS,
    )
    TALLY[f"status:{response.status_code}"] += 1


# Left out of the workflows: signing in (rate-limited), and what would end the admin's own
# access mid-scenario (revoking its tokens, demoting or deactivating it). The phase above
# covers them.
workflow_schema = schema.exclude(path_regex=r"/tokens$").exclude(
    method="PATCH", path="/api/v1/users/{user_id}"
)
# Only the document's own links: the inferred ones (hundreds, by parameter names) leave the
# If-Match links too rare to be followed in a bounded run.
workflow_schema.config.phases.stateful.inference.algorithms = []


class Workflows(workflow_schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls along the document's links, as an admin (who may do everything)."""

    app: Flask
    token: str

    def setup(self) -> None:
        # Every scenario starts from the fixture's data (a SAVEPOINT on the test's connection,
        # rolled back at the end), so Hypothesis can replay and shrink one exactly.
        limiter.reset()
        db.session.commit()  # releases only the session's SAVEPOINT (create_savepoint mode)
        db.session.remove()
        self._scenario = db.engines[None].begin_nested()  # type: ignore[attr-defined]

    def teardown(self) -> None:
        db.session.remove()
        if self._scenario.is_active:
            self._scenario.rollback()

    def before_call(self, case: Any) -> None:
        # The generated Authorization header (the bearer scheme's) gives way to the real token.
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {self.token}"}

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"app": self.app}

    def after_call(self, response: Any, case: Any) -> None:
        method = case.method.upper()
        STATEFUL["calls"] += 1
        STATEFUL[f"status:{response.status_code}"] += 1
        if method in WRITES and 200 <= response.status_code < 300:
            STATEFUL["write 2xx"] += 1
            STATEFUL[f"write 2xx: {method} {case.path}"] += 1
        if method in WRITES and response.status_code in {412, 428}:
            STATEFUL["write 412/428"] += 1

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, checks=CHECKS)


def test_api_workflows_stay_within_the_document(app: Flask, tokens: dict[Role, str]) -> None:
    Workflows.app = app
    Workflows.token = tokens[Role.ADMIN]
    limiter.reset()
    before = STATEFUL["write 2xx"]
    run_state_machine_as_test(
        Workflows,
        settings=settings(
            max_examples=150 if FULL else 30,
            stateful_step_count=15 if FULL else 10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
    assert STATEFUL["write 2xx"] - before > 0, "the stateful phase never reached a write path"
