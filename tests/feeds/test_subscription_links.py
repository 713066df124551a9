"""Feed and e-mail links use the configured base URL, else the address the request came in on,
never a hard-coded http://127.0.0.1:5000 (issue 17)."""

from __future__ import annotations

import re

from app.auth.models import Role
from app.web.links import NO_REQUEST_FALLBACK, public_base_url
from tests.web.conftest import csrf_from, sign_in

URL_RE = re.compile(r'id="feed-https" type="text" readonly value="([^"]+)"')


def _create(client, base_url):
    token = csrf_from(client, "/feeds/")
    return client.post(
        "/feeds/",
        data={"scope": "topic:russia", "label": "Russia desk", "csrf_token": token},
        base_url=base_url,
    )


def test_without_a_base_url_the_box_shows_the_address_the_request_came_in_on(
    app, client, make, session, monkeypatch
):
    settings = app.extensions["entente.settings"]
    monkeypatch.setitem(app.extensions, "entente.settings", settings.replace(base_url=""))
    sign_in(client, make.user(Role.VIEWER))
    session.commit()
    created = _create(client, "http://localhost:8123")
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    url = URL_RE.search(html).group(1)
    assert url.startswith("http://localhost:8123/feeds/")
    assert "127.0.0.1:5000" not in html
    assert ">Address<" in html  # not "Address (https)" above an http address
    with app.app_context():
        assert public_base_url(settings.replace(base_url="")) == NO_REQUEST_FALLBACK


def test_a_configured_base_url_wins_over_the_request(app, client, make, session):
    sign_in(client, make.user(Role.VIEWER))
    session.commit()
    created = _create(client, "http://localhost:8123")
    url = URL_RE.search(created.get_data(as_text=True)).group(1)
    assert url.startswith("http://entente.test/feeds/")  # config/testing.toml
