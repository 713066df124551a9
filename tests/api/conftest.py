"""API fixtures: a client that sends a bearer token for a user of a given role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.auth import services as auth
from app.auth.models import Role
from tests import factories


class Api:
    """Calls /api/v1 as one user (or anonymously when token is None)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.token = token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(
            f"/api/v1{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def post(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.post(
            f"/api/v1{path}", json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.patch(
            f"/api/v1{path}", json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def put(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.put(
            f"/api/v1{path}", json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.delete(
            f"/api/v1{path}", headers=self.headers(kwargs.pop("headers", None)), **kwargs
        )


@pytest.fixture
def api_as(
    client: FlaskClient, session: Session, make: factories.Factory
) -> Callable[[Role | None], Api]:
    def build(role: Role | None) -> Api:
        if role is None:
            return Api(client, None)
        user = make.user(role)
        return Api(client, auth.issue_api_token(session, None, user.id, "test"))

    return build


@pytest.fixture
def viewer(api_as: Callable[[Role | None], Api]) -> Api:
    return api_as(Role.VIEWER)


@pytest.fixture
def editor(api_as: Callable[[Role | None], Api]) -> Api:
    return api_as(Role.EDITOR)


@pytest.fixture
def admin(api_as: Callable[[Role | None], Api]) -> Api:
    return api_as(Role.ADMIN)


@pytest.fixture
def anonymous(api_as: Callable[[Role | None], Api]) -> Api:
    return api_as(None)
