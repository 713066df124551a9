"""French titles beside the English ones: topic areas, meetings and agenda items.

Nullable columns: content written in one language stays as it is (no French title means the
English one is used in French documents too).

Revision ID: b17b0001
Revises: b16a0001
Create Date: 2026-12-05 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b17b0001"
down_revision = "b16a0001"
branch_labels = None
depends_on = None

COLUMNS = (
    ("topic_areas", "name_fr", 120),
    ("meetings", "title_fr", 300),
    ("agenda_items", "title_fr", 500),
)


def upgrade() -> None:
    for table, column, length in COLUMNS:
        op.add_column(table, sa.Column(column, sa.String(length), nullable=True))


def downgrade() -> None:
    for table, column, _length in reversed(COLUMNS):
        op.drop_column(table, column)  # SQLite 3.35+ drops a column in place
