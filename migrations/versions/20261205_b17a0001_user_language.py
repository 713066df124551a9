"""Each user's interface and e-mail language (None: the browser's, else the service default).

Revision ID: b17a0001
Revises: fe3d0c4f
Create Date: 2026-12-05 07:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b17a0001"
down_revision = "fe3d0c4f"
branch_labels = None
depends_on = None


CHECK = "language IN ('en', 'fr')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not batch mode: rebuilding `users` would trip the foreign keys that point at it.
        op.execute(
            "ALTER TABLE users ADD COLUMN language VARCHAR(8) "
            f"CONSTRAINT ck_users_language_known CHECK ({CHECK})"
        )
        return
    op.add_column("users", sa.Column("language", sa.String(length=8), nullable=True))
    op.create_check_constraint("ck_users_language_known", "users", CHECK)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("ck_users_language_known", "users", type_="check")
    op.drop_column("users", "language")
