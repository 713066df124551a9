"""ENTENTE_INBOUND_IMAP_* settings are read from the environment and validated."""

from __future__ import annotations

import pytest

from app.settings import SettingsError, load_settings


def _load(**environ: str):
    return load_settings(environ={"ENTENTE_ENV": "testing", **environ})


def test_the_mailbox_settings_come_from_the_environment():
    settings = _load(
        ENTENTE_INBOUND_IMAP_HOST="imap.example.org",
        ENTENTE_INBOUND_IMAP_PORT="993",
        ENTENTE_INBOUND_IMAP_USER="secretariat",
        ENTENTE_INBOUND_IMAP_PASSWORD="not-logged",
        ENTENTE_INBOUND_IMAP_ALLOWED_SENDER_DOMAINS="eeas.europa.eu, Consilium.Europa.eu",
        ENTENTE_INBOUND_IMAP_POLL_MINUTES="2",
    )
    assert settings.inbound_imap_allowed_sender_domains == (
        "eeas.europa.eu",
        "consilium.europa.eu",
    )
    assert settings.inbound_imap_tls is True
    assert settings.inbound_imap_poll_minutes == 2
    assert "not-logged" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {
                "ENTENTE_INBOUND_IMAP_HOST": "imap.example.org",
                "ENTENTE_INBOUND_IMAP_USER": "u",
                "ENTENTE_INBOUND_IMAP_TLS": "false",
            },
            "loopback",
        ),
        ({"ENTENTE_INBOUND_IMAP_HOST": "imap.example.org"}, "inbound_imap_user"),
        ({"ENTENTE_INBOUND_IMAP_PORT": "0"}, "inbound_imap_port"),
        ({"ENTENTE_INBOUND_IMAP_POLL_MINUTES": "0"}, "inbound_imap_poll_minutes"),
        ({"ENTENTE_INBOUND_IMAP_MAX_MESSAGE_BYTES": "10"}, "inbound_imap_max_message_bytes"),
        ({"ENTENTE_INBOUND_IMAP_ALLOWED_SENDER_DOMAINS": "a@b.example"}, "is no domain"),
        ({"ENTENTE_INBOUND_IMAP_MAILBOX": 'IN"BOX'}, "plain mailbox name"),
    ],
)
def test_bad_mailbox_settings_stop_the_start(environ, message):
    with pytest.raises(SettingsError, match=message):
        _load(**environ)


def test_plain_imap_is_allowed_on_loopback():
    settings = _load(
        ENTENTE_INBOUND_IMAP_HOST="127.0.0.1",
        ENTENTE_INBOUND_IMAP_USER="u",
        ENTENTE_INBOUND_IMAP_TLS="false",
    )
    assert settings.inbound_imap_tls is False
