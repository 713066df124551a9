"""Inbound calendar e-mail: the log keyed by Message-ID, the quarantine, replies by e-mail.

Revision ID: b14a0001
Revises: b16b0002
Create Date: 2026-12-05 07:21:18.286743
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "b14a0001"
down_revision = "b16b0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "imap",
                "upload",
                "api",
                name="inbound_source",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "applied",
                "recorded",
                "duplicate",
                "quarantined",
                "released",
                "deleted",
                name="inbound_outcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("received_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("processed_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_inbound_messages_message_id")),
    )
    op.create_table(
        "quarantined_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("received_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_quarantined_messages_inbound_message_id_inbound_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantined_messages")),
        sa.UniqueConstraint(
            "inbound_message_id", name=op.f("uq_quarantined_messages_inbound_message_id")
        ),
    )
    with op.batch_alter_table("quarantined_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quarantined_messages_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "email_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reply",
                "counter",
                name="email_reply_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("dedup_key", sa.String(length=64), nullable=False),
        sa.Column("attendee", sa.String(length=254), nullable=False),
        sa.Column("attendee_name", sa.String(length=200), nullable=False),
        sa.Column("partstat", sa.String(length=32), nullable=False),
        sa.Column("delegated_to", sa.String(length=254), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("current_sequence", sa.Integer(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("proposed_start_utc", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("proposed_end_utc", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"],
            ["inbound_messages.id"],
            name=op.f("fk_email_replies_inbound_message_id_inbound_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_email_replies_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_replies")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_email_replies_dedup_key")),
    )
    with op.batch_alter_table("email_replies", schema=None) as batch_op:
        batch_op.create_index("ix_email_replies_invitation", ["invitation_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("email_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_email_replies_invitation")

    op.drop_table("email_replies")
    with op.batch_alter_table("quarantined_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quarantined_messages_received_at"))

    op.drop_table("quarantined_messages")
    op.drop_table("inbound_messages")
