"""The single sign-on provider (OpenID Connect) an admin connects from the Users area.

One row at most (CHECK id = 1). The client secret is stored sealed with a key derived from
the app's secret key, never in clear.

Revision ID: b16b0001
Revises: b14b0001
Create Date: 2026-12-05 07:40:00
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "b16b0001"
down_revision = "b14b0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sso_providers",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("discovery_url", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret_sealed", sa.Text(), nullable=False),
        sa.Column("role_claim", sa.String(length=100), nullable=False),
        sa.Column("group_roles", sa.JSON(), nullable=False),
        sa.Column("verified_claim", sa.String(length=100), nullable=False),
        sa.Column("just_in_time", sa.Boolean(), nullable=False),
        sa.Column(
            "default_role",
            sa.Enum(
                "admin",
                "editor",
                "viewer",
                name="sso_default_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("password_off_roles", sa.String(length=50), nullable=False),
        sa.Column("provider_logout", sa.Boolean(), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_sso_providers_single_provider")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_providers")),
    )


def downgrade() -> None:
    op.drop_table("sso_providers")
