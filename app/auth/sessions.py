"""Signed-in sessions: one row per browser, found by the hash of a random key in its cookie.

Each request checks the key (app.auth.web), so ending a row signs that browser out at once.
"Last seen" is written at most once a minute, after a safe request, in its own short
transaction (see `touch`): writing it inside every request would make readers queue for
SQLite's write lock.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.auth.models import User, UserSession
from app.core import clock, security
from app.core.errors import NotFound

TOUCH_EVERY = timedelta(minutes=1)
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
_SYSTEMS = (
    ("Windows", "Windows"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def start(
    session: Session, user: User, *, method: str, user_agent: str, factor: str | None = None
) -> str:
    """Record a new signed-in session and return its key (for the cookie; only its hash is
    stored); audited with the sign-in method and the second factor used, if any."""
    key = security.new_token()
    now = clock.now()
    session.add(
        UserSession(
            user_id=user.id,
            key_hash=security.hash_token(key),
            method=method[:20],
            user_agent=(user_agent or "")[:300],
            started_at=now,
            last_seen_at=now,
        )
    )
    user.last_login_at = now
    session.flush()
    browser = browser_label(user_agent)
    audit.record(
        session,
        user,
        "session.started",
        "user",
        user.id,
        f"{user.email} signed in ({method}{f' + {factor}' if factor else ''}, {browser})",
        {"method": method, "factor": factor, "browser": browser},
    )
    return key


@dataclass(frozen=True)
class Lifetime:
    """How long a session lives: `idle` since it was last seen, `most` since sign-in."""

    idle: timedelta
    most: timedelta


def resolve(session: Session, user: User, key: str | None, life: Lifetime) -> UserSession | None:
    """The user's live session with this key: not ended, seen within the idle time, and
    younger than the absolute limit."""
    if not key:
        return None
    row = session.scalar(
        select(UserSession).where(UserSession.key_hash == security.hash_token(key))
    )
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return None
    now = clock.now()
    if now - row.last_seen_at > life.idle or now - row.started_at > life.most:
        return None
    return row


def due_for_touch(row: UserSession) -> bool:
    return clock.now() - row.last_seen_at >= TOUCH_EVERY


def touch(session: Session, session_id: int) -> None:
    """Note that the session was seen now (the caller commits at once, in a transaction of
    its own; a concurrent touch that got there first makes this one a no-op)."""
    now = clock.now()
    session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.last_seen_at <= now - TOUCH_EVERY)
        .values(last_seen_at=now)
    )


def live_sessions(session: Session, user: User, life: Lifetime) -> Sequence[UserSession]:
    """The user's sessions that have not ended or timed out, most recently seen first."""
    now = clock.now()
    return session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at > now - life.idle,
            UserSession.started_at > now - life.most,
        )
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()


def end_own(session: Session, user: User, session_id: int) -> UserSession:
    """End one of the user's own sessions (NotFound for anyone else's)."""
    row = session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("No session with id %(session_id)s", session_id=session_id))
    if row.ended_at is None:
        row.ended_at = clock.now()
        session.flush()
        audit.record(
            session,
            user,
            "session.ended",
            "user",
            user.id,
            f"Session {row.id} ({browser_label(row.user_agent)}) of {user.email} ended",
        )
    return row


def end_this(session: Session, row: UserSession) -> None:
    """Sign-out: end only this browser's session."""
    if row.ended_at is None:
        row.ended_at = clock.now()
        session.flush()


def end_all_by_admin(session: Session, actor: User | None, user: User) -> int:
    """An administrator signs a user out everywhere (audited)."""
    count = end_all(session, user)
    audit.record(
        session,
        actor,
        "session.ended_all",
        "user",
        user.id,
        f"Every session of {user.email} ended ({count} live)",
        {"sessions": count},
    )
    return count


def end_all(session: Session, user: User, *, keep: UserSession | None = None) -> int:
    """End every live session of the user except `keep`; a new nonce also ends any cookie
    from before session records existed. Returns how many rows ended."""
    now = clock.now()
    count = 0
    for row in user.sessions:
        if row.ended_at is None and row is not keep:
            row.ended_at = now
            count += 1
    if keep is None:
        user.session_nonce = secrets.token_hex(16)
    session.flush()
    return count


def browser_label(user_agent: str) -> str:
    """ "Firefox on Windows", from a User-Agent header, for people to recognise a session."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    if not browser and "Safari/" in agent:
        browser = "Safari"
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _first_product(agent)


def _first_product(agent: str) -> str:
    found = re.match(r"[\w.-]{1,40}", agent.strip())
    return found.group(0) if found else _("Unknown browser")
