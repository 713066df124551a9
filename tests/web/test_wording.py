"""Wording a new user found misleading (issue 17, part 9)."""

from __future__ import annotations

from app.auth.models import Role
from tests.web.conftest import csrf_from, sign_in


def test_the_viewer_role_is_described_as_need_to_know(client, make, session):
    sign_in(client, make.user(Role.ADMIN))
    session.commit()
    html = client.get("/admin/users/new").get_data(as_text=True)
    assert "reads everything" not in html
    assert "Viewer: reads public and internal meetings; restricted ones need to know" in html


def test_sign_out_says_it_signs_you_out_of_this_browser(client, make, session):
    sign_in(client, make.user(Role.VIEWER))
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'title="Signs you out of this browser"' in html
    signed_out = client.post(
        "/logout", data={"csrf_token": csrf_from(client, "/")}, follow_redirects=True
    )
    assert "You have signed out of this browser." in signed_out.get_data(as_text=True)
