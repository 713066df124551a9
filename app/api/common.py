"""What every API resource shares: the error body, ETag / If-Match, pagination, blueprints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

from apiflask import APIBlueprint, HTTPError, Schema
from apiflask.fields import Date, DateTime, Integer, List, Nested, String
from apiflask.validators import Range, Regexp
from flask import Flask, Response, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import ValidationError as MarshmallowValidationError
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import StaleVersion
from app.core.paging import MAX_PER_PAGE
from app.core.timezones import RULE as ZONE_RULE
from app.core.timezones import known_zones
from app.core.validation import MAX_ID, MAX_YEAR, MIN_YEAR, id_in_range, years_message
from app.extensions import csrf, db

API_PREFIX = "/api/v1"
T = TypeVar("T")


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=_Versioned)

# The body of every error under /api: a stable code, a message, the offending field or null.
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": ["string", "null"]},
    },
    "required": ["code", "message", "field"],
}
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "request_entity_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    428: "precondition_required",
    429: "too_many_requests",
}


def api_blueprint(name: str, import_name: str, prefix: str, tag: str) -> APIBlueprint:
    bp = APIBlueprint(name, import_name, url_prefix=f"{API_PREFIX}{prefix}", tag=tag)
    csrf.exempt(bp)  # bearer tokens only, never cookies: nothing for CSRF to ride on
    bp.url_value_preprocessor(check_path_ids)
    bp.before_request(refuse_too_deep_json)

    @bp.errorhandler(StaleVersion)
    def _stale(error: StaleVersion) -> ResponseReturnValue:
        db.session.rollback()
        return error_body("precondition_failed", error.message, None), 412

    @bp.errorhandler(StaleDataError)
    def _lost_race(_error: StaleDataError) -> ResponseReturnValue:
        # Two saves passed the If-Match check at once; the database let only one through.
        db.session.rollback()
        message = _("Someone else changed this first; read it again and retry")
        return error_body("precondition_failed", message, None), 412

    return bp


def error_body(code: str, message: str, field: str | None) -> dict[str, Any]:
    return {"code": code, "message": message, "field": field}


def process_http_error(error: HTTPError) -> ResponseReturnValue:
    """APIFlask's errors (schema validation, abort) in the house shape."""
    if error.status_code == 422 and isinstance(error.detail, dict) and error.detail:
        field, message = _first_problem(error.detail)
        body = error_body("validation_error", message, field)
    else:
        code = STATUS_CODES.get(error.status_code, "error")
        body = error_body(code, error.message or code.replace("_", " "), None)
    return body, error.status_code, error.headers


def _first_problem(detail: dict[str, Any]) -> tuple[str | None, str]:
    """The first offending field of a marshmallow error tree ({location: {field: [msgs]}})."""
    node: Any = detail
    path: list[str] = []
    while isinstance(node, dict) and node:
        key = sorted(node, key=str)[0]
        node = node[key]
        path.append(str(key))
    if path and path[0] in {"json", "query", "headers", "path", "view_args", "form"}:
        path = path[1:]
    message = node[0] if isinstance(node, list) and node else str(node)
    field = ".".join(path) or None
    if field in {"_schema", "_root"}:
        field = None
    return field, f"{field}: {message}" if field else str(message)


def install_error_processor(app: Flask) -> None:
    app.config["HTTP_ERROR_SCHEMA"] = ERROR_SCHEMA
    app.config["VALIDATION_ERROR_SCHEMA"] = ERROR_SCHEMA
    app.error_processor(process_http_error)  # type: ignore[attr-defined]


# --- versions: ETag on reads, If-Match on writes -------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(payload: Any, version: int, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return payload, status, {"ETag": etag(version)}


def check_if_match(current: str, *, required: bool) -> None:
    """Compare If-Match with the current (unquoted) ETag: 428 when required and missing, 412
    when it names another state. `If-Match: *` means "whatever is current"."""
    if not request.headers.get("If-Match"):
        if required:
            raise HTTPError(
                428, "Send If-Match with the ETag you last read, so no edit is overwritten"
            )
        return
    if request.if_match.star_tag or current in request.if_match.as_set():
        return
    raise HTTPError(412, "Someone else changed this first; read it again and retry")


def if_match_write(
    current_etag: Callable[[], str],
    write: Callable[[], T],
    *,
    required: bool,
    new_etag: Callable[[T], str] | None = None,
    status: int = 200,
) -> tuple[T, int, dict[str, str]]:
    """Every conditional write of the API: compare If-Match with the current ETag (428 when
    `required` and missing, 412 when it names another state), make the change, commit it, and
    answer with the new ETag (`new_etag` of what `write` returned; none without it).

    `current_etag` is called first, so it may take a lock before reading the state."""
    check_if_match(current_etag().strip('"'), required=required)
    saved = write()
    db.session.commit()
    return saved, status, ({"ETag": new_etag(saved)} if new_etag is not None else {})


def versioned_write(
    current: int, write: Callable[[int], V], *, status: int = 200
) -> tuple[V, int, dict[str, str]]:
    """A write to a record with a version column (ETag = version; If-Match required). The
    version is passed on to the service as expected_version, so a save that got past the
    check at the same moment as another still fails (412) instead of overwriting it."""
    return if_match_write(
        lambda: str(current),
        lambda: write(current),
        required=True,
        new_etag=lambda saved: etag(saved.version),
        status=status,
    )


class IfMatchHeader(Schema):
    """Documents If-Match; `check_if_match` reads it (RFC 9110 list syntax)."""

    if_match = String(
        data_key="If-Match", metadata={"description": 'The ETag last read, e.g. "3" (or *)'}
    )


VERSIONED_RESPONSES = {
    412: "The If-Match version is no longer current",
    428: "If-Match is required",
}


# --- pagination ----------------------------------------------------------------------------


class PageQuery(Schema):
    page = Integer(load_default=1, validate=Range(min=1, max=1_000_000))
    per_page = Integer(load_default=50, validate=Range(min=1, max=MAX_PER_PAGE))


def page_of(schema: type[Schema]) -> type[Schema]:
    """A page of `schema` items with the totals a client needs to fetch the next page."""
    # A subclass, so that the spec does not meet `schema` both nested and on its own.
    item = type(f"{schema.__name__}Item", (schema,), {})
    fields = {
        "items": List(Nested(item), required=True),
        "page": Integer(required=True),
        "per_page": Integer(required=True),
        "total": Integer(required=True),
    }
    return type(f"{schema.__name__.removesuffix('Out')}Page", (Schema,), fields)


def page_payload(items: Any, total: int, query: dict[str, Any]) -> dict[str, Any]:
    return {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}


class WithWarnings:
    """A saved object with the warnings its change raised, for an output schema to read."""

    def __init__(self, saved: Any, warnings: list[Any]) -> None:
        self._saved = saved
        self.warnings = warnings

    def __getattr__(self, name: str) -> Any:
        return getattr(self._saved, name)


def no_content() -> Response:
    return Response(status=204)


# --- fields that keep bad input at the door (never a 500 from the database) ---------------


def _no_unencodable(value: str) -> bool:
    """No NUL (PostgreSQL refuses it) and no lone surrogates (not encodable as UTF-8)."""
    return "\x00" not in value and not any(0xD800 <= ord(char) <= 0xDFFF for char in value)


# What the fields below refuse in code, stated in the document for clients (JSON Schema
# patterns are ECMA-262 regular expressions; Python's `re` reads these the same way).
NO_NUL = r"^[^\u0000]*$"
_YEARS = r"(19\d\d|2[01]\d\d|2200)"
assert (MIN_YEAR, MAX_YEAR) == (1900, 2200), "update _YEARS with the range"
YEARS_PATTERN = rf"^{_YEARS}-"
# Documents consultations.services.HalfYear.parse (the rule) for clients; a test keeps them
# in step.
HALF_YEAR_PATTERN = rf"^{_YEARS}-H[12]$"
YEARS_NOTE = f"Years {MIN_YEAR} to {MAX_YEAR}."


class Text(String):
    """A string the database can store (documented: no NUL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any(isinstance(rule, Regexp) for rule in self.validators):
            self.metadata = {"pattern": NO_NUL, **self.metadata}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _no_unencodable(text):
            raise MarshmallowValidationError("Text must not contain NUL or unpaired surrogates")
        return text


def Id(**kwargs: Any) -> Integer:
    """A database id: a positive integer that fits the column."""
    return Integer(validate=Range(min=1, max=MAX_ID), **kwargs)


def _years_documented(metadata: dict[str, Any]) -> dict[str, Any]:
    description = metadata.get("description")
    note = f"{description} {YEARS_NOTE}" if description else YEARS_NOTE
    return {"pattern": YEARS_PATTERN, **metadata, "description": note}


class Moment(DateTime):
    """An ISO 8601 date-time in the years every entry point accepts (app.core.validation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metadata = _years_documented(dict(self.metadata))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise MarshmallowValidationError(years_message())
        return moment


class UtcMoment(Moment):
    """A date-time where one without a UTC offset is read as UTC (for filters)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class Day(Date):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.metadata = _years_documented(dict(self.metadata))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise MarshmallowValidationError(years_message())
        return day


def refuse_too_deep_json() -> None:
    """A JSON body nested deeper than Python's parser recurses (100,000 '[') is a 400 in the
    house shape, not a RecursionError and a 500. The parsed body is cached for the schema."""
    if not request.is_json:
        return
    try:
        request.get_json(silent=True, cache=True)
    except RecursionError:
        raise HTTPError(400, "The JSON body is nested too deeply") from None


def check_path_ids(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Ids in the path beyond what a column holds are simply not found."""
    for value in (values or {}).values():
        if isinstance(value, int) and not id_in_range(value):
            raise HTTPError(404, "Not found")


def Zone(**kwargs: Any) -> Text:
    """A time zone name a client sends; documented as the zones app.core.timezones accepts
    (the service checks it, with a message naming the rule)."""
    metadata = {"enum": sorted(known_zones()), "description": f"An IANA zone: {ZONE_RULE}"}
    return Text(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)


def document_what_code_enforces(spec: dict[str, Any]) -> dict[str, Any]:
    """What the views enforce beyond the schemas APIFlask documents: a body with required
    fields is itself required (without one, those fields are missing: 422; a body of only
    optional fields may be left out, and reads as {}); If-Match is required where 428 is
    answered without it; integer path ids are bounded as `check_path_ids` bounds them."""
    schemas = spec.get("components", {}).get("schemas", {})
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if "requestBody" in operation:
                # JSON bodies, and the multipart uploads (POST /inbound, paper files)
                content = next(iter(operation["requestBody"]["content"].values()))
                body = content["schema"]
                body = schemas.get(body.get("$ref", "").rpartition("/")[2], body)
                operation["requestBody"]["required"] = bool(body.get("required"))
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"].update({"minimum": 1, "maximum": MAX_ID})
                if parameter.get("name") == "If-Match" and "428" in operation["responses"]:
                    parameter["required"] = True
    return spec
