"""Secrets kept in the database, sealed with a key derived from the app's secret key.

Fernet (AES-128-CBC with HMAC-SHA256) under an HKDF-SHA256 key of its own, so the value is
unreadable in a backup or a database dump without ENTENTE_SECRET_KEY, and a tampered value is
refused rather than decrypted. Rotating the secret key makes sealed values unreadable: they
must be entered again (the admin page says so).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"entente sealed settings v1"


class Unreadable(Exception):
    """The sealed value was made with another secret key, or was altered."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, plain: str) -> str:
    """`plain`, encrypted and authenticated under `secret_key`."""
    return _fernet(secret_key).encrypt(plain.encode()).decode("ascii")


def unseal(secret_key: str, sealed: str) -> str:
    """The text `seal` was given; Unreadable for another key or an altered value."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError, UnicodeError) as error:
        raise Unreadable("the sealed value cannot be read with this secret key") from error
