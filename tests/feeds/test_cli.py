"""`flask feeds subscribe|list|revoke`."""

from __future__ import annotations

from app.auth.models import Role


def test_subscribe_prints_the_url_last_and_it_serves_the_scope(cli, make, feed):
    user = make.user(Role.VIEWER, email="reader@entente.test")
    meeting = make.meeting(topics=["russia"])
    make.meeting(topics=["east-asia"])
    result = cli.invoke(args=["feeds", "subscribe", user.email, "--scope", "topic:russia"])
    assert result.exit_code == 0, result.output
    url = result.output.strip().splitlines()[-1]
    assert url.startswith("http://entente.test/feeds/")
    assert url.endswith(".ics")
    assert "webcal://entente.test/feeds/" in result.output
    assert feed.get(url.removeprefix("http://entente.test")).uids() == {meeting.uid}

    listed = cli.invoke(args=["feeds", "list", user.email])
    assert "Topic: Russia" in listed.output
    subscription_id = listed.output.split()[0]
    revoked = cli.invoke(args=["feeds", "revoke", subscription_id])
    assert revoked.exit_code == 0, revoked.output
    assert feed.get(url.removeprefix("http://entente.test")).status == 404


def test_subscribe_explains_bad_input(cli, make, session):
    make.user(email="someone@entente.test")
    session.commit()  # each failing command rolls back its own work only
    for scope, message in (
        ("topic:atlantis", "No topic area with slug 'atlantis'"),
        ("planet:mars", "Scope must be one of"),
        ("person:abc", "No person with id 'abc'"),
    ):
        result = cli.invoke(args=["feeds", "subscribe", "someone@entente.test", "--scope", scope])
        assert result.exit_code != 0
        assert message in result.output
    unknown = cli.invoke(args=["feeds", "subscribe", "nobody@entente.test"])
    assert unknown.exit_code != 0
    assert "Traceback" not in unknown.output
