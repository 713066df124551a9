"""Covering index on meetings (updated_at, version) for the calendar feed ETag summary.

Revision ID: fe3d0c4d
Revises: f52bc2da70eb
Create Date: 2026-11-27 00:12:00
"""

from alembic import op

revision = "fe3d0c4d"
down_revision = "f52bc2da70eb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_feed_state", ["updated_at", "version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_feed_state")
