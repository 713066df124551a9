"""Received invitations: invitations that came in as the EU organiser's calendar REQUEST.

One row per invitation created from an iTIP REQUEST (issue 14): the organiser's UID (unique,
so a later REQUEST or CANCEL finds the same meeting) and the last SEQUENCE applied, the
organiser, the sending address, and what the last update changed.

Revision ID: b14b0001
Revises: b15a0001
Create Date: 2026-12-05 07:17:35.897389
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "b14b0001"
down_revision = "b15a0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "received_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("organiser_uid", sa.String(length=255), nullable=False),
        sa.Column("organiser_sequence", sa.Integer(), nullable=False),
        sa.Column("organiser_email", sa.String(length=254), nullable=False),
        sa.Column("organiser_name", sa.String(length=200), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("received_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", app.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "organiser_sequence >= 0", name=op.f("ck_received_invitations_sequence_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_received_invitations_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_invitations")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_received_invitations_invitation_id")),
        sa.UniqueConstraint("organiser_uid", name=op.f("uq_received_invitations_organiser_uid")),
    )


def downgrade() -> None:
    op.drop_table("received_invitations")
