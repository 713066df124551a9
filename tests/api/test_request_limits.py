"""405 answers name the allowed methods; requests past the line and header limits get the
house error (JSON for the API), from the app, before gunicorn's own limits are reached."""

from __future__ import annotations

import http.client
import json
import os
import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.web import request_limits

ROOT = Path(__file__).resolve().parents[2]
HOUSE = {"code", "message", "field"}


def test_a_405_from_the_api_names_the_allowed_methods(viewer):
    response = viewer.delete("/topics")
    assert response.status_code == 405
    assert set(response.get_json()) == HOUSE
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_405_from_a_page_names_the_allowed_methods(client):
    response = client.delete("/login")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"].split(", ")


def test_a_request_line_past_the_limit_is_a_414_in_the_house_shape(viewer):
    long_query = "x" * request_limits.MAX_REQUEST_LINE
    response = viewer.get(f"/meetings?topic={long_query}")
    assert response.status_code == 414
    body = response.get_json()
    assert set(body) == HOUSE
    assert str(request_limits.MAX_REQUEST_LINE) in body["message"].replace(",", "")


def test_a_line_just_within_the_limit_is_served(viewer):
    padding = "x" * (request_limits.MAX_REQUEST_LINE - 200)
    assert viewer.get(f"/meetings?unused={padding}").status_code == 200


def test_a_header_past_the_limit_is_a_431_naming_it(viewer):
    big = "y" * request_limits.MAX_HEADER_FIELD_SIZE
    response = viewer.get("/topics", headers={"X-Trace": big})
    assert response.status_code == 431
    body = response.get_json()
    assert set(body) == HOUSE
    assert body["field"] == "X-Trace"


def test_too_many_headers_is_a_431(viewer):
    many = {f"X-Extra-{n}": "1" for n in range(request_limits.MAX_HEADER_FIELDS)}
    response = viewer.get("/topics", headers=many)
    assert response.status_code == 431
    assert set(response.get_json()) == HOUSE


def test_a_page_past_the_limit_gets_the_error_page(client):
    response = client.get("/?q=" + "x" * request_limits.MAX_REQUEST_LINE)
    assert response.status_code == 414
    assert response.mimetype == "text/html"


def test_gunicorn_limits_sit_above_the_apps():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["limit_request_line"] > request_limits.MAX_REQUEST_LINE
    assert config["limit_request_fields"] > request_limits.MAX_HEADER_FIELDS
    assert config["limit_request_field_size"] > request_limits.MAX_HEADER_FIELD_SIZE


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[int]:
    """gunicorn with the project's config (one worker); no database is touched."""
    port = _free_port()
    environ = {
        **os.environ,
        "ENTENTE_ENV": "testing",
        "ENTENTE_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
        "ENTENTE_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "app:create_app()"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _raw_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read().decode()
    finally:
        connection.close()


def test_under_gunicorn_the_limits_answer_in_json(gunicorn):
    status, content_type, body = _raw_get(gunicorn, "/api/v1/topics?q=" + "x" * 5000)
    assert (status, content_type) == (414, "application/json")
    assert set(json.loads(body)) == HOUSE
    status, content_type, body = _raw_get(gunicorn, "/api/v1/topics", {"X-Trace": "y" * 9000})
    assert (status, content_type) == (431, "application/json")
    assert json.loads(body)["field"] == "X-Trace"
