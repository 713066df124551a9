"""Errors raised by services; one handler per interface maps them to HTTP, CLI or form output."""

from __future__ import annotations


class EntenteError(Exception):
    """Base class: a message fit to show a user, an optional field, a stable code."""

    code = "error"
    http_status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class ValidationError(EntenteError):
    code = "validation_error"
    http_status = 422


class NotFound(EntenteError):
    code = "not_found"
    http_status = 404


class PermissionDenied(EntenteError):
    code = "forbidden"
    http_status = 403


class DuplicateError(EntenteError):
    code = "duplicate"
    http_status = 409


class InvalidTransition(EntenteError):
    code = "invalid_transition"
    http_status = 409


class StaleVersion(EntenteError):
    """Someone else saved first: the caller's copy is out of date."""

    code = "stale_version"
    http_status = 409
