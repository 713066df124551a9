"""The provider subject (iss, sub) each account is bound to at its first single sign-on.

Revision ID: b16b0002
Revises: b16b0001
Create Date: 2026-12-05 08:00:00
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "b16b0002"
down_revision = "b16b0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sso_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_sso_identities_issuer_subject")),
        sa.UniqueConstraint("user_id", name=op.f("uq_sso_identities_user_id")),
    )


def downgrade() -> None:
    op.drop_table("sso_identities")
