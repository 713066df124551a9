"""Security headers, HSTS behind TLS, Vary: Cookie, Cache-Control, request size limits."""

from __future__ import annotations

from flask import Flask

from app import create_app
from app.feeds import services as feeds
from tests.conftest import make_settings


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/login", "/healthz", "/api/v1/openapi.json", "/api/v1/meetings", "/nope"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP


def test_html_pages_vary_on_cookie_and_api_answers_are_private(client):
    assert "Cookie" in client.get("/login").headers.get("Vary", "")
    api = client.get("/api/v1/meetings")
    assert api.headers["Cache-Control"] == "private, no-cache"


def test_pages_and_exports_are_never_stored_by_caches(as_editor, make):
    meeting = make.meeting()
    for path in ("/", "/feeds/", f"/meetings/{meeting.id}", "/login", "/nope"):
        response = as_editor.get(path)
        assert response.headers["Cache-Control"] == "private, no-store", path
        assert "Cookie" in response.headers["Vary"], path
    for fmt in ("html", "pdf", "docx", "md"):
        export = as_editor.get(f"/meetings/{meeting.id}/agenda.{fmt}?draft=1")
        assert export.status_code == 200
        assert export.headers["Cache-Control"] == "private, no-store", fmt


def test_feeds_with_a_token_stay_out_of_shared_caches(client, make, session):
    _subscription, token = feeds.create_subscription(session, make.user(), "all")
    private = client.get(f"/feeds/{token}.ics")
    assert private.status_code == 200
    assert private.headers["Cache-Control"] == "private, no-cache"
    assert client.get("/feeds/public.ics").headers["Cache-Control"] == "public, no-cache"


def test_hsts_only_over_https(client):
    secure = client.get("/healthz", base_url="https://entente.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_proto_is_trusted_only_with_a_configured_proxy(app: Flask, tmp_path):
    forged = app.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers
    behind_proxy = create_app(
        make_settings(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, proxy_count=1)
    )
    proxied = behind_proxy.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in proxied.headers
    with behind_proxy.app_context():
        from app.extensions import db

        db.engine.dispose()


def test_oversized_api_body_is_413_json(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/api/v1/topics",
        data=b"{" + b" " * (limit + 10) + b"}",
        headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
    )
    assert response.status_code == 413
    assert response.get_json()["code"] == "request_entity_too_large"
    assert set(response.get_json()) == {"code", "message", "field"}
