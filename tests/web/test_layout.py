"""The page frame: navigation by role, signed-in user, sign-out form, flashes, assets."""

from __future__ import annotations


def test_login_page_uses_the_layout_without_navigation(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="#main"' in html
    assert "Skip to main content" in html
    assert 'media="print"' in html
    assert "css/print.css" in html
    assert 'aria-label="Main"' not in html  # nobody signed in: no navigation
    assert "<script>" not in html
    assert "style=" not in html


def test_signed_in_page_shows_user_navigation_and_sign_out(as_viewer, viewer):
    html = as_viewer.get("/").get_data(as_text=True)
    assert viewer.email in html
    assert 'aria-label="Main"' in html
    assert 'aria-current="page">Dashboard<' in html
    assert 'action="/logout"' in html
    assert 'name="csrf_token"' in html


def test_static_assets_are_served(client):
    for path in ("/static/css/entente.css", "/static/css/print.css", "/static/js/entente.js"):
        response = client.get(path)
        assert response.status_code == 200
        response.close()


def test_anonymous_dashboard_redirects_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
