"""Requests that change data (POST, PUT, PATCH, DELETE) declare it before their transaction
begins, so that on SQLite they take the write lock up front (see app/core/sqlite.py)."""

from __future__ import annotations

from flask import Flask, request

from app.core.sqlite import reset_write_intent, set_write_intent

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ENVIRON_KEY = "entente.write_intent"


def install_write_intent(app: Flask) -> None:
    @app.before_request
    def _begin_write() -> None:
        if request.method in UNSAFE_METHODS:
            request.environ[_ENVIRON_KEY] = set_write_intent(True)

    @app.teardown_request
    def _end_write(_exc: BaseException | None) -> None:
        token = request.environ.pop(_ENVIRON_KEY, None)
        if token is not None:
            try:
                reset_write_intent(token)
            except ValueError:  # a different context (should not happen): just clear it
                set_write_intent(False)
