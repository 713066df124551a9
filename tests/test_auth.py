import pytest

from app.auth import services as auth
from app.auth.models import Role
from app.core.errors import DuplicateError, ValidationError
from tests.factories import PASSWORD
from tests.helpers import unchanged


def test_passwords_are_argon2_hashed_and_checked(make, session):
    user = make.user(Role.EDITOR, email="Editor@Entente.test")
    assert user.email == "editor@entente.test"
    assert user.password_hash.startswith("$argon2")
    assert auth.authenticate(session, "EDITOR@entente.test", PASSWORD) is user
    assert auth.authenticate(session, "editor@entente.test", "wrong password") is None
    assert auth.authenticate(session, "nobody@entente.test", PASSWORD) is None


def test_disabled_users_cannot_sign_in_and_their_sessions_end(make, session):
    user = make.user()
    session_id = user.get_id()
    assert auth.user_for_session(session, session_id) is user
    auth.set_active(session, None, user.id, False)
    assert auth.authenticate(session, user.email, PASSWORD) is None
    assert auth.user_for_session(session, session_id) is None
    auth.set_active(session, None, user.id, True)
    assert auth.user_for_session(session, session_id) is None  # the old cookie stays dead


def test_short_password_and_duplicate_email_are_refused(make, session):
    make.user(email="dup@entente.test")
    with unchanged(session), pytest.raises(ValidationError, match="at least 10") as error:
        auth.create_user(session, None, "new@entente.test", "viewer", password="short")
    assert error.value.field == "password"
    with unchanged(session), pytest.raises(DuplicateError):
        auth.create_user(session, None, "dup@entente.test", "viewer", password=PASSWORD)
    with pytest.raises(ValidationError, match="role"):
        auth.create_user(session, None, "x@entente.test", "superuser", password=PASSWORD)


def test_api_tokens_are_stored_hashed_and_revocable(make, session):
    user = make.user(Role.EDITOR)
    token = auth.issue_api_token(session, None, user.id)
    assert len(token) >= 43  # 256 bits, URL-safe base64
    assert all(token not in row.token_hash for row in user.tokens)
    assert auth.user_for_token(session, token) is user
    assert auth.user_for_token(session, token + "x") is None
    assert auth.revoke_api_tokens(session, None, user.id) == 1
    assert auth.user_for_token(session, token) is None


def test_roles_rank(make):
    assert Role.ADMIN.at_least(Role.EDITOR)
    assert Role.EDITOR.at_least(Role.VIEWER)
    assert not Role.VIEWER.at_least(Role.EDITOR)
