"""Identity: signed-in sessions, token expiry, second factors, one account per person.

Existing API tokens had no expiry: each unrevoked one is given 90 days from the upgrade (the
default lifetime), so integrations keep working and get a date to renew by. Two accounts
linked to one person are resolved before the unique constraint: the lowest user id keeps the
link, the others are unlinked (nothing is deleted).

Revision ID: b16a0001
Revises: b14a0001
Create Date: 2026-12-05 07:30:00
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "b16a0001"
down_revision = "b14a0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "second_factor_policies",
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("updated_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("method", name=op.f("pk_second_factor_policies")),
    )
    op.create_table(
        "passkeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.LargeBinary(length=1024), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=2048), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("transports", sa.String(length=200), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_passkeys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkeys")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_passkeys_credential_id")),
    )
    with op.batch_alter_table("passkeys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_passkeys_user_id"), ["user_id"], unique=False)

    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("used_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_recovery_codes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "totp_factors",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_totp_factors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_totp_factors")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("started_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_sessions_key_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", app.core.db.UTCDateTime(timezone=True), nullable=True)
        )
    op.get_bind().execute(
        sa.text("UPDATE api_tokens SET expires_at = :at WHERE expires_at IS NULL").bindparams(
            sa.bindparam("at", type_=app.core.db.UTCDateTime(timezone=True))
        ),
        {"at": datetime.now(UTC) + timedelta(days=90)},
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at", existing_type=app.core.db.UTCDateTime(timezone=True), nullable=False
        )

    op.execute(
        """
        UPDATE users SET person_id = NULL
         WHERE person_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM users AS other
                        WHERE other.person_id = users.person_id AND other.id < users.id)
        """
    )
    op.create_index("uq_users_person_id", "users", ["person_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_users_person_id", table_name="users")

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))

    op.drop_table("user_sessions")
    op.drop_table("totp_factors")
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_codes_user_id"))

    op.drop_table("recovery_codes")
    with op.batch_alter_table("passkeys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_passkeys_user_id"))

    op.drop_table("passkeys")
    op.drop_table("second_factor_policies")
