"""Accounts linked to people: the Users page, the person's page, the CLI and the API; audited,
ending the user's sessions and re-issuing the feed entries whose access it switches."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth import linking
from app.auth.models import Role
from app.feeds.models import FeedEventVersion
from app.meetings.delegations import add_participant
from app.meetings.models import Access
from tests.identity.conftest import csrf_from, sign_in


def _audit(session, action):
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_admin_links_an_account_on_the_user_page_and_their_session_ends(
    app, make, session, as_admin
):
    person = make.person(full_name="Tom Aldridge")
    user = make.user(Role.VIEWER)
    other = app.test_client()
    sign_in(other, user)
    assert other.get("/").status_code == 200

    page = as_admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Tom Aldridge" in page  # offered: he has no account
    response = as_admin.post(
        f"/admin/users/{user.id}/person",
        data={"person_id": str(person.id), "csrf_token": csrf_from(as_admin, "/admin/users")},
    )
    assert response.status_code == 302
    assert user.person_id == person.id
    assert other.get("/").status_code == 302  # signed out: their access changed
    [entry] = _audit(session, "user.linked")
    assert entry.entity_id == user.id
    assert entry.changes == {"person_id": [None, person.id]}
    users_page = as_admin.get("/admin/users").get_data(as_text=True)
    assert "Tom Aldridge" in users_page.split("People with no account")[0]


def test_a_person_has_at_most_one_account(make, session, as_admin):
    person = make.person(full_name="Single Person")
    first, second = make.user(), make.user()
    linking.link_person(session, None, first.id, person.id)
    response = as_admin.post(
        f"/admin/users/{second.id}/person",
        data={"person_id": str(person.id), "csrf_token": csrf_from(as_admin, "/admin/users")},
        follow_redirects=True,
    )
    # He is no longer offered, so the form refuses him; the service would too (API test).
    assert "Choose a person from the list" in response.get_data(as_text=True)
    assert second.person_id is None


def test_people_without_account_are_listed_and_unlinking_lists_them_again(make, session):
    person = make.person(full_name="Zed Unlinked")
    user = make.user()
    assert person in linking.people_without_account(session)
    linking.link_person(session, None, user.id, person.id)
    assert person not in linking.people_without_account(session)
    linking.link_person(session, None, user.id, None)
    assert person in linking.people_without_account(session)
    assert [e.changes for e in _audit(session, "user.unlinked")] == [
        {"person_id": [person.id, None]}
    ]


def test_linking_a_delegate_reissues_the_restricted_meeting_in_their_feeds(make, session):
    delegate = make.person(full_name="Feed Delegate")
    meeting = make.meeting(access=Access.RESTRICTED)
    add_participant(session, None, meeting.id, delegate.id)
    user = make.user(Role.VIEWER)
    session.flush()

    def feed_version():
        row = session.get(FeedEventVersion, meeting.id)
        session.refresh(row) if row is not None else None
        return row.version if row is not None else 0

    before = feed_version()
    linking.link_person(session, None, user.id, delegate.id)
    assert feed_version() == before + 1  # now read in full: a client must take the new copy
    linking.link_person(session, None, user.id, None)
    assert feed_version() == before + 2


def test_cli_links_and_unlinks(cli, make, session):
    person = make.person(full_name="Cli Person")
    user = make.user()
    session.commit()
    result = cli.invoke(args=["users", "link", user.email, str(person.id)])
    assert result.exit_code == 0, result.output
    assert f"{user.email} is now Cli Person" in result.output
    assert user.person_id == person.id
    assert cli.invoke(args=["users", "link", user.email, "999999"]).exit_code != 0
    result = cli.invoke(args=["users", "unlink", user.email])
    assert result.exit_code == 0, result.output
    session.refresh(user)
    assert user.person_id is None


def test_api_patch_links_and_a_taken_person_is_409(api_admin, make, session):
    admin = api_admin
    person = make.person(full_name="Api Person")
    user, other = make.user(), make.user()
    response = admin.patch(f"/users/{user.id}", json={"person_id": person.id})
    assert response.status_code == 200, response.json
    assert response.json["person_id"] == person.id
    taken = admin.patch(f"/users/{other.id}", json={"person_id": person.id})
    assert taken.status_code == 409
    assert taken.json["field"] == "person_id"
    assert admin.patch(f"/users/{user.id}", json={"person_id": 987654}).status_code == 404
    assert admin.patch(f"/users/{user.id}", json={"person_id": None}).json["person_id"] is None


def test_viewer_cannot_link(api_viewer, make):
    viewer = api_viewer
    person = make.person()
    user = make.user()
    assert viewer.patch(f"/users/{user.id}", json={"person_id": person.id}).status_code == 403


def test_person_page_offers_to_create_and_link_an_account(make, session, as_admin):
    person = make.person(full_name="Nadia New", email="nadia.new@entente.test")
    page = as_admin.get(f"/people/{person.id}").get_data(as_text=True)
    assert "No account" in page
    response = as_admin.post(
        f"/people/{person.id}/account", data={"csrf_token": csrf_from(as_admin, "/admin/users")}
    )
    assert response.status_code == 302
    account = linking.account_of(session, person.id)
    assert account is not None
    assert (account.email, account.role) == ("nadia.new@entente.test", Role.VIEWER)
    assert "nadia.new@entente.test" in as_admin.get(f"/people/{person.id}").get_data(as_text=True)


def _delegation_form(client, meeting, person, **extra):
    path = f"/meetings/{meeting.id}/participants/new"
    data = {
        "person_id": str(person.id),
        "role": "adviser",
        "attendance": "whole",
        "csrf_token": csrf_from(client, path),
        **extra,
    }
    return client.post(path, data=data)


def test_adding_a_delegate_can_create_and_link_their_account(make, session, as_admin):
    meeting = make.meeting()
    person = make.person(full_name="Delia Delegate", email="delia@entente.test")
    form = as_admin.get(f"/meetings/{meeting.id}/participants/new").get_data(as_text=True)
    assert "Also give them an account" in form
    response = _delegation_form(as_admin, meeting, person, create_account="y")
    assert response.status_code == 302, response.get_data(as_text=True)
    account = linking.account_of(session, person.id)
    assert account is not None
    assert account.email == "delia@entente.test"
    assert _audit(session, "user.linked")


def test_an_editor_is_not_offered_accounts_and_cannot_create_one(app, make, session, client):
    editor = make.user(Role.EDITOR)
    sign_in(client, editor)
    meeting = make.meeting()
    person = make.person(email="ed.person@entente.test")
    session.commit()
    path = f"/meetings/{meeting.id}/participants/new"
    assert "Also give them an account" not in client.get(path).get_data(as_text=True)
    response = _delegation_form(client, meeting, person, create_account="y")
    assert response.status_code == 403
    assert linking.account_of(session, person.id) is None
    assert not meeting.participants


def test_person_page_links_an_existing_account(make, session, as_admin):
    person = make.person(full_name="Paula Page")
    user = make.user()
    page = as_admin.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Link an existing account" in page
    assert user.email in page
    response = as_admin.post(
        f"/people/{person.id}/account/link",
        data={"user_id": str(user.id), "csrf_token": csrf_from(as_admin, "/admin/users")},
    )
    assert response.status_code == 302
    assert user.person_id == person.id
    page = as_admin.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Link an existing account" not in page
