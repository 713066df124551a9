"""Migrations: one head, head equals the models, every revision upgrades and downgrades, and
data written at the first revision survives every upgrade to head."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, Connection, Date, bindparam, inspect, text

from app import create_app
from app.agendas import services as agendas
from app.agendas.models import ItemVisibility
from app.auth import services as auth
from app.auth.models import Role
from app.core.db import Base, UTCDateTime
from app.core.security import hash_token
from app.extensions import db
from app.feeds import services as feeds
from app.invitations import services as invitations
from app.invitations.models import InvitationStatus
from app.meetings import access, queries
from app.meetings.models import Marking, MeetingStatus
from app.settings import PROJECT_ROOT
from tests.conftest import make_settings
from tests.databases import fresh_database

SCRIPTS = ScriptDirectory(str(PROJECT_ROOT / "migrations"))


@pytest.fixture
def empty_app(tmp_path: Path):
    with fresh_database(tmp_path) as url:
        application = create_app(make_settings(url, tmp_path))
        with application.app_context():
            yield application
            db.session.remove()
            db.engine.dispose()


def test_there_is_exactly_one_head():
    assert len(SCRIPTS.get_heads()) == 1


def test_head_matches_the_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_revision_upgrades_and_downgrades(empty_app):
    revisions = list(reversed(list(SCRIPTS.walk_revisions())))
    for revision in revisions:
        upgrade(revision=revision.revision)
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)
    for revision in reversed(revisions):
        downgrade(revision=revision.down_revision or "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)


# --- Data survives: rows written at the first revision, then every step up to head. ---------

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
API_TOKEN = "smoke-api-token-from-the-first-revision"
FEED_TOKEN = "smoke-feed-token-from-the-first-revision"
TYPED_BINDS: dict[type, Any] = {datetime: UTCDateTime(), date: Date(), dict: JSON()}


def _insert(connection: Connection, table: str, returning: bool = True, **values: Any) -> int:
    """One row by plain SQL against the schema of the revision the database is at."""
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 (test names)
    statement = text(sql + (" RETURNING id" if returning else "")).bindparams(
        *(
            bindparam(name, type_=TYPED_BINDS[type(value)])
            for name, value in values.items()
            if type(value) in TYPED_BINDS
        )
    )
    result = connection.execute(statement, values)
    return int(result.scalar_one()) if returning else 0


def _rows_at_the_first_revision(connection: Connection) -> dict[str, int]:
    """Representative rows for the 0001 schema; returns the ids the checks need."""
    ids: dict[str, int] = {}
    ids["kind"] = _insert(
        connection,
        "meeting_kinds",
        slug="political-dialogue",
        name="Political dialogue",
        is_eu_internal=False,
        default_duration_minutes=120,
    )
    ids["uk"] = _insert(connection, "organisations", code="FCDO", name="FCDO", side="uk")
    ids["eu"] = _insert(connection, "organisations", code="EEAS", name="EEAS", side="eu")
    ids["eu_unit"] = _insert(
        connection,
        "organisations",
        code="EEAS-EUR",
        name="EEAS Europe",
        side="eu",
        parent_id=ids["eu"],
    )
    ids["topic"] = _insert(
        connection,
        "topic_areas",
        slug="cyber",
        name="Cyber security",
        description="Cyber threats and resilience",
        is_active=True,
    )
    _insert(connection, "unavailable_dates", day=date(2026, 12, 25), reason="Christmas Day")
    ids["series"] = _insert(
        connection,
        "meeting_series",
        slug="cyber-dialogue",
        name="UK–EU cyber dialogue",
        kind_id=ids["kind"],
        cadence_months=6,
        host_rotation='["London", "Brussels"]',
        starts_on=date(2026, 1, 1),
    )
    ids["chair"] = _insert(
        connection,
        "people",
        full_name="Ann Example",
        honorific="Ms",
        position="Director, Cyber",
        email="ann@fcdo.example",
        organisation_id=ids["uk"],
    )
    ids["guest"] = _insert(
        connection,
        "people",
        full_name="Jean Exemple",
        honorific="M.",
        position="Head of Division",
        email="jean@eeas.example",
        organisation_id=ids["eu_unit"],
    )
    ids["meeting"] = _insert(
        connection,
        "meetings",
        uid="cyber-2026-12@entente",
        title="UK–EU cyber dialogue",
        kind_id=ids["kind"],
        series_id=ids["series"],
        status="confirmed",
        start_utc=datetime(2026, 12, 10, 9, 0, tzinfo=UTC),
        end_utc=datetime(2026, 12, 10, 15, 0, tzinfo=UTC),
        timezone="Europe/London",
        venue="Lancaster House",
        host_city="London",
        host_organisation_id=ids["uk"],
        chair_id=ids["chair"],
        marking="OFFICIAL",
        access="internal",
        language="en",
        description="Second round",
        planned_half="2026-H2",
        sequence=2,
        version=3,
        created_at=NOW,
        updated_at=NOW,
    )
    _insert(
        connection,
        "meeting_topics",
        returning=False,
        meeting_id=ids["meeting"],
        topic_id=ids["topic"],
    )
    ids["admin"] = _insert(
        connection,
        "users",
        email="admin@entente.example",
        name="Admin",
        role="admin",
        password_hash=None,
        is_active=True,
        session_nonce="n0nce",
        person_id=ids["chair"],
        timezone="Europe/London",
        created_at=NOW,
    )
    ids["viewer"] = _insert(
        connection,
        "users",
        email="viewer@entente.example",
        name="Viewer",
        role="viewer",
        password_hash=None,
        is_active=True,
        session_nonce="n0nce2",
        created_at=NOW,
    )
    ids["item"] = _insert(
        connection,
        "agenda_items",
        meeting_id=ids["meeting"],
        position=1,
        title="Threat picture",
        purpose="discussion",
        lead_person_id=ids["chair"],
        lead_text="",
        duration_minutes=45,
        visibility="all",
        topic_id=ids["topic"],
        notes="",
    )
    _insert(
        connection,
        "agenda_items",
        meeting_id=ids["meeting"],
        parent_id=ids["item"],
        position=1,
        title="Ransomware",
        lead_text="EEAS",
        visibility="eu",
        notes="",
    )
    _insert(
        connection,
        "api_tokens",
        user_id=ids["admin"],
        token_hash=hash_token(API_TOKEN),
        label="scripts",
        created_at=NOW,
    )
    _insert(
        connection,
        "audit_entries",
        at=NOW,
        actor_id=ids["admin"],
        actor_label="admin@entente.example",
        action="meeting.create",
        entity_type="meeting",
        entity_id=ids["meeting"],
        summary="Created the cyber dialogue",
        changes={"title": [None, "UK–EU cyber dialogue"]},
    )
    _insert(
        connection,
        "feed_subscriptions",
        user_id=ids["viewer"],
        scope="all",
        scope_ref="",
        label="phone",
        token_hash=hash_token(FEED_TOKEN),
        created_at=NOW,
    )
    ids["invitation"] = _insert(
        connection,
        "invitations",
        meeting_id=ids["meeting"],
        inviter_id=ids["uk"],
        invitee_id=ids["eu"],
        invitee_person_id=ids["guest"],
        scope="items",
        status="accepted",
        reply_deadline=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        message="You are invited",
        reply_note="With pleasure",
        replied_at=NOW,
        created_at=NOW,
        updated_at=NOW,
        version=2,
    )
    _insert(
        connection,
        "invitation_items",
        returning=False,
        invitation_id=ids["invitation"],
        agenda_item_id=ids["item"],
    )
    for order, (person, side, role) in enumerate(
        [("chair", "uk", "principal"), ("guest", "eu", "principal")], start=1
    ):
        _insert(
            connection,
            "participants",
            meeting_id=ids["meeting"],
            person_id=ids[person],
            side=side,
            protocol_order=order,
            role=role,
            attendance="whole",
        )
    return ids


ROW_COUNTS = {
    "meeting_kinds": 1, "organisations": 3, "topic_areas": 1, "unavailable_dates": 1,
    "meeting_series": 1, "people": 2, "meetings": 1, "meeting_topics": 1, "users": 2,
    "agenda_items": 2, "api_tokens": 1, "audit_entries": 1, "feed_subscriptions": 1,
    "invitations": 1, "invitation_items": 1, "participants": 2,
}  # fmt: skip


def test_data_written_at_the_first_revision_survives_every_upgrade(empty_app):
    revisions = list(reversed(list(SCRIPTS.walk_revisions())))
    assert revisions[0].down_revision is None
    upgrade(revision=revisions[0].revision)
    with db.engine.begin() as connection:
        ids = _rows_at_the_first_revision(connection)
    for revision in revisions[1:]:
        upgrade(revision=revision.revision)
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == (
            SCRIPTS.get_current_head()
        )
        counts = {
            table: connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
            for table in ROW_COUNTS
        }
    assert counts == ROW_COUNTS

    session = db.session()
    admin = auth.get_user_by_email(session, "admin@entente.example")
    viewer = auth.get_user_by_email(session, "viewer@entente.example")
    assert admin.role is Role.ADMIN
    assert admin.person_id == ids["chair"]
    assert auth.user_for_token(session, API_TOKEN) == admin
    subscription = feeds.subscription_for_token(session, FEED_TOKEN)
    assert (subscription.user_id, subscription.label) == (viewer.id, "phone")
    assert subscription.all_history is False  # the column a later revision added

    meeting = access.readable_meeting(session, viewer, ids["meeting"])
    assert meeting.title == "UK–EU cyber dialogue"
    assert meeting.start_utc == datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    assert (meeting.status, meeting.marking) == (MeetingStatus.CONFIRMED, Marking.OFFICIAL)
    assert (meeting.sequence, meeting.version) == (2, 3)
    assert [topic.slug for topic in meeting.topics] == ["cyber"]
    rows, total = queries.list_meetings(session, viewer)
    assert total == 1
    assert rows[0].id == ids["meeting"]

    items = {item.title: item for item in agendas.items_of(session, ids["meeting"])}
    assert items.keys() == {"Threat picture", "Ransomware"}
    assert items["Threat picture"].visibility is ItemVisibility.ALL
    assert items["Ransomware"].visibility is ItemVisibility.EU
    assert items["Ransomware"].parent_id == ids["item"]
    assert items["Threat picture"].outcome == ""  # the column a later revision added

    invitation = invitations.get_invitation(session, ids["invitation"])
    assert invitation.status is InvitationStatus.ACCEPTED
    assert [item.id for item in invitation.agenda_items] == [ids["item"]]
    assert invitation.reply_deadline == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)
    session.rollback()
    db.session.remove()
