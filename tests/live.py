"""A real server for tests that need real concurrency: its own database (SQLite file or a
fresh PostgreSQL database), its own app, werkzeug's threaded server on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from tests.conftest import make_settings
from tests.databases import fresh_database


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class LiveServer:
    app: Flask
    host: str
    port: int

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            payload = None if body is None else json.dumps(body)
            all_headers = {"Content-Type": "application/json", **(headers or {})}
            connection.request(method, path, body=payload, headers=all_headers)
            response = connection.getresponse()
            raw = response.read()
            content = (
                json.loads(raw) if raw and "json" in response.getheader("Content-Type", "") else raw
            )
            return Answer(response.status, dict(response.getheaders()), content)
        finally:
            connection.close()


@contextmanager
def live_server(directory: Path, **settings: Any) -> Iterator[LiveServer]:
    with fresh_database(directory) as url:
        app = create_app(make_settings(url, directory / "instance", **settings))
        with app.app_context():
            upgrade()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield LiveServer(app, "127.0.0.1", server.server_port)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
