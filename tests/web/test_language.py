"""The interface language: the account's choice, else Accept-Language, else the setting;
e-mails in the recipient's language, feeds in the subscriber's; dates by locale."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_babel import refresh
from sqlalchemy import select

from app.agendas.versions import circulate
from app.auth import services as auth
from app.auth.models import Role
from app.feeds.cache import forget_memory
from app.invitations.tasks import send_invitations
from app.meetings.models import Access, MeetingStatus
from app.meetings.services import change_status
from app.notifications.models import OutboxMessage
from app.people.models import Side
from app.settings import EXTENSION_KEY
from app.web.i18n import number
from tests.feeds.conftest import FeedHelper
from tests.web.conftest import csrf_from, sign_in


@pytest.fixture
def feed(session, client, make) -> FeedHelper:
    return FeedHelper(session, client, make)


FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def _page(client, path="/login", **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_browser_language_is_used_when_the_user_chose_none(client):
    french = _page(client, **FRENCH)
    assert '<html lang="fr"' in french
    assert "Se connecter" in french
    assert "Sign in" not in french
    english = _page(client, **ENGLISH)
    assert '<html lang="en"' in english
    assert "Sign in" in english
    assert client.get("/login", headers=FRENCH).headers["Vary"].count("Accept-Language") == 1


def test_the_setting_decides_when_the_browser_names_no_language_we_speak(app, client, monkeypatch):
    assert "Sign in" in _page(client, **{"Accept-Language": "de-DE"})
    french_default = app.extensions[EXTENSION_KEY].replace(default_language="fr")
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, french_default)
    assert "Se connecter" in _page(client, **{"Accept-Language": "de-DE"})
    assert "Se connecter" in _page(client)


def test_the_account_choice_beats_the_browser(client, make, session):
    user = make.user(Role.VIEWER)
    sign_in(client, user)
    response = client.post(
        "/account",
        data={"language": "fr", "timezone": "", "csrf_token": csrf_from(client, "/account")},
        headers=ENGLISH,
    )
    assert response.status_code == 302
    assert auth.get_user(session, user.id).language == "fr"
    dashboard = _page(client, "/", **ENGLISH)
    assert "Tableau de bord" in dashboard
    assert "Se déconnecter" in dashboard
    client.post(
        "/account",
        data={"language": "", "timezone": "", "csrf_token": csrf_from(client, "/account")},
    )
    assert auth.get_user(session, user.id).language is None
    assert "Dashboard" in _page(client, "/", **ENGLISH)


def test_an_unknown_language_is_a_form_error_not_a_500(client, make, session):
    user = make.user(Role.VIEWER)
    sign_in(client, user)
    response = client.post(
        "/account",
        data={"language": "de", "timezone": "", "csrf_token": csrf_from(client, "/account")},
    )
    assert "error-summary" in response.get_data(as_text=True)
    assert auth.get_user(session, user.id).language is None


def test_the_switcher_remembers_a_signed_out_choice_and_stays_on_the_site(client):
    token = csrf_from(client, "/login")
    moved = client.post(
        "/language", data={"language": "fr", "next": "/login?next=/x", "csrf_token": token}
    )
    assert (moved.status_code, moved.headers["Location"]) == (303, "/login?next=/x")
    assert "Se connecter" in _page(client, **ENGLISH)
    for hostile in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        away = client.post(
            "/language", data={"language": "en", "next": hostile, "csrf_token": token}
        )
        assert away.headers["Location"] == "/"
    assert "Sign in" in _page(client, **FRENCH)


def test_the_switcher_needs_a_csrf_token(client):
    assert client.post("/language", data={"language": "fr", "next": "/"}).status_code == 400


def test_dates_and_weekdays_follow_the_language(client, make):
    meeting = make.meeting(start=datetime(2027, 3, 16, 10, 0), end=datetime(2027, 3, 16, 13, 0))
    sign_in(client, make.user(Role.VIEWER))
    french = _page(client, f"/meetings/{meeting.id}", **FRENCH)
    assert "mar. 16 mars 2027, 10:00–13:00 GMT" in french
    english = _page(client, f"/meetings/{meeting.id}", **ENGLISH)
    assert "Tue 16 Mar 2027, 10:00–13:00 GMT" in english


def test_standard_meeting_kinds_read_in_french_and_a_renamed_one_as_written(client, make, session):
    meeting = make.meeting()
    sign_in(client, make.user(Role.VIEWER))
    french = _page(client, f"/meetings/{meeting.id}", **FRENCH)
    assert '<span class="caption">Consultation stratégique</span>' in french
    assert "Comité politique et de sécurité" in _page(client, "/meetings", **FRENCH)  # filter
    assert '<span class="caption">Strategic consultation</span>' in _page(
        client, f"/meetings/{meeting.id}", **ENGLISH
    )
    meeting.kind.name = "Strategic consultation (ministerial)"
    session.flush()
    renamed = _page(client, f"/meetings/{meeting.id}", **FRENCH)
    assert '<span class="caption">Strategic consultation (ministerial)</span>' in renamed


def test_topic_areas_read_in_french_where_they_have_a_french_name(client, make):
    meeting = make.meeting(topics=["russia", make.topic("cyber", "Cyber security").slug])
    sign_in(client, make.user(Role.VIEWER))
    french = _page(client, f"/meetings/{meeting.id}", **FRENCH)
    assert "Russie, Cyber security" in french or "Cyber security, Russie" in french
    assert "Balkans occidentaux" in _page(client, "/meetings", **FRENCH)  # the filter
    english = _page(client, f"/meetings/{meeting.id}", **ENGLISH)
    assert "Russie" not in english


def test_what_the_system_did_is_said_in_the_readers_language(client, make, session):
    meeting = make.meeting()
    make.item(meeting, "Opening")
    circulate(session, None, meeting.id)  # a command or job: no account
    sign_in(client, make.user(Role.EDITOR))
    french = _page(client, f"/meetings/{meeting.id}/agenda/versions/1", **FRENCH)
    assert "par le système" in french
    assert "par system" not in french
    english = _page(client, f"/meetings/{meeting.id}/agenda/versions/1", **ENGLISH)
    assert "by the system" in english


def test_each_recipient_gets_the_invitation_in_their_language(app, make, session):
    organisation = make.organisation(Side.UK)
    meeting = make.meeting(start=datetime(2027, 3, 16, 10, 0), end=datetime(2027, 3, 16, 13, 0))
    keys = {}
    for language in ("fr", "en"):
        person = make.person(organisation, email=f"{language}@uk.example")
        user = make.user(Role.VIEWER, email=f"{language}@uk.example")
        auth.set_preferences(session, None, user.id, zone_name=None, language=language)
        invitation = make.invitation(
            meeting,
            invitee_id=organisation.id if language == "fr" else make.organisation(Side.UK).id,
            invitee_person_id=person.id,
            reply_deadline=datetime(2027, 3, 1, 17, 0, tzinfo=UTC),
        )
        keys[language] = f"invitation:{invitation.id}"
    now = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
    assert send_invitations(session, app.extensions[EXTENSION_KEY], now, "test") == 2
    french, english = (
        session.scalar(select(OutboxMessage).where(OutboxMessage.key == keys[language]))
        for language in ("fr", "en")
    )
    assert french.subject.replace("\u00a0", " ") == f"Invitation : {meeting.title}"
    assert "Bonjour" in french.body_text
    assert "lun. 1 mars 2027 17:00" in french.body_text
    assert '<html lang="fr">' in french.body_html
    assert english.subject == f"Invitation: {meeting.title}"
    assert "Dear" in english.body_text
    assert "Mon 01 Mar 2027 17:00" in english.body_text


@pytest.mark.parametrize(
    ("language", "summary"),
    [("fr", "Annulée\u00a0: "), ("en", "Cancelled: "), (None, "Cancelled: ")],
)
def test_a_feed_speaks_its_subscribers_language(feed: FeedHelper, make, session, language, summary):
    meeting = make.meeting(title="Round")
    change_status(session, None, meeting.id, MeetingStatus.CANCELLED)
    user = make.user(Role.EDITOR)
    auth.set_preferences(session, None, user.id, zone_name=None, language=language)
    _user, path = feed.subscribe(user)
    forget_memory()
    body = feed.get(path).body.decode()
    unfolded = body.replace("\r\n ", "")
    assert f"SUMMARY:{summary}Round" in unfolded
    assert ("Page de la réunion" in unfolded) is (language == "fr")


def test_a_restricted_meeting_is_a_busy_block_named_in_the_subscribers_language(
    feed: FeedHelper, make, session
):
    meeting = make.meeting(title="Sanctions: next package", access=Access.RESTRICTED)
    outsider = make.user(Role.VIEWER)
    auth.set_preferences(session, None, outsider.id, zone_name=None, language="fr")
    _user, path = feed.subscribe(outsider)
    forget_memory()
    event = feed.get(path).event(meeting.uid)
    assert str(event["summary"]) == "Détails restreints"
    assert "Sanctions" not in feed.get(path).body.decode()


def test_numbers_take_the_languages_separators(app):
    for headers, expected in ((FRENCH, "1\u202f234,5"), (ENGLISH, "1,234.5")):
        with app.test_request_context("/", headers=headers):
            refresh()  # the locale is cached on the app context's g
            assert number(1234.5) == expected


def test_api_messages_follow_accept_language_and_codes_stay_english(client, make, session):
    user = make.user(Role.VIEWER)
    token = auth.issue_api_token(session, None, user.id, "test")
    headers = {"Authorization": f"Bearer {token}", **FRENCH}
    body = client.get("/api/v1/meetings/999999", headers=headers).get_json()
    assert body["code"] == "not_found"
    assert body["message"] == "Aucune réunion n'a l'identifiant 999999"
    english = client.get("/api/v1/meetings/999999", headers={**headers, **ENGLISH}).get_json()
    assert english["message"] == "No meeting with id 999999"


def test_the_command_line_speaks_the_default_language(app, cli, make, monkeypatch):
    refresh()
    make.user(Role.VIEWER, email="cli@entente.test")
    assert (
        "API token for cli@entente.test"
        in cli.invoke(args=["users", "token", "cli@entente.test"]).output
    )
    french_default = app.extensions[EXTENSION_KEY].replace(default_language="fr")
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, french_default)
    refresh()  # a command is a process of its own: it picks its language afresh
    output = cli.invoke(args=["users", "token", "cli@entente.test"]).output
    assert "Jeton d'API pour cli@entente.test" in output
    refresh()
