"""Feed event cache: serialised VEVENTs per meeting and variant, and feed versions.

Revision ID: fe3d0c4c
Revises: 5f115cd48545
Create Date: 2026-11-26 23:43:57.968621
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "fe3d0c4c"
down_revision = "5f115cd48545"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_event_cache",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=8), nullable=False),
        sa.Column("fingerprint", sa.String(length=100), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("variant IN ('full', 'busy')", name=op.f("ck_feed_event_cache_variant")),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_feed_event_cache_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "variant", name=op.f("pk_feed_event_cache")),
    )
    op.create_table(
        "feed_event_versions",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_feed_event_versions_version_positive")),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_feed_event_versions_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_feed_event_versions")),
    )


def downgrade() -> None:
    op.drop_table("feed_event_versions")
    op.drop_table("feed_event_cache")
