"""The "My calendar subscriptions" page: create, list, rotate, revoke, with CSRF."""

from __future__ import annotations

import re

from app.auth.models import Role
from tests.web.conftest import csrf_from, sign_in

URL_RE = re.compile(r'id="feed-https" type="text" readonly value="([^"]+)"')


def test_viewer_creates_lists_rotates_and_revokes(client, make, feed):
    user = make.user(Role.VIEWER)
    meeting = make.meeting(topics=["russia"])
    sign_in(client, user)
    page = client.get("/feeds/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "My calendar subscriptions" in html
    assert 'value="topic:russia"' in html
    assert "<script>" not in html
    assert 'style="' not in html

    token = csrf_from(client, "/feeds/")
    created = client.post(
        "/feeds/", data={"scope": "topic:russia", "label": "Russia desk", "csrf_token": token}
    )
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    url = URL_RE.search(html).group(1)
    assert f'value="{url.replace("http://", "webcal://")}"' in html
    path = url.removeprefix("http://entente.test")
    assert feed.get(path).uids() == {meeting.uid}
    assert "Russia desk" in html
    assert "Topic: Russia" in html

    subscription_id = re.search(r"/feeds/(\d+)/rotate", html).group(1)
    rotated = client.post(
        f"/feeds/{subscription_id}/rotate", data={"csrf_token": csrf_from(client, "/feeds/")}
    )
    new_url = URL_RE.search(rotated.get_data(as_text=True)).group(1)
    assert new_url != url
    assert feed.get(path).status == 404
    new_path = new_url.removeprefix("http://entente.test")
    assert feed.get(new_path).status == 200

    client.post(
        f"/feeds/{subscription_id}/revoke", data={"csrf_token": csrf_from(client, "/feeds/")}
    )
    assert feed.get(new_path).status == 404
    assert "Russia desk" not in client.get("/feeds/").get_data(as_text=True)


def test_forms_refuse_missing_csrf_and_unknown_scopes(client, make):
    user = make.user(Role.VIEWER)
    sign_in(client, user)
    assert client.post("/feeds/", data={"scope": "all"}).status_code == 400
    token = csrf_from(client, "/feeds/")
    bad = client.post("/feeds/", data={"scope": "topic:atlantis", "csrf_token": token})
    assert bad.status_code == 422
    assert "There is a problem" in bad.get_data(as_text=True)
    long_label = {"scope": "all", "label": "x" * 201, "csrf_token": token}
    assert client.post("/feeds/", data=long_label).status_code == 422
    assert client.post("/feeds/1/revoke", data={}).status_code == 400


def test_someone_else_s_subscription_cannot_be_revoked(client, make, feed):
    owner_user, path = feed.subscribe(make.user(Role.VIEWER))
    sign_in(client, make.user(Role.VIEWER))
    from app.feeds import services as feeds

    subscription = feeds.list_subscriptions(feed.session, owner_user)[0]
    response = client.post(
        f"/feeds/{subscription.id}/revoke", data={"csrf_token": csrf_from(client, "/feeds/")}
    )
    assert response.status_code == 404
    assert feed.get(path).status == 200
