"""Feed states (ETag and Last-Modified per feed) and a per-subscription "all history" choice.

Revision ID: fe3d0c4e
Revises: fe3d0c4d
Create Date: 2026-12-04 15:00:00
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "fe3d0c4e"
down_revision = "fe3d0c4d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_states",
        sa.Column("feed_key", sa.String(length=40), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("last_modified", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed_key", name=op.f("pk_feed_states")),
    )
    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("all_history", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("feed_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("all_history")
    op.drop_table("feed_states")
