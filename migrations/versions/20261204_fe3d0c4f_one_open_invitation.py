"""At most one standing invitation (invited, tentative or accepted) per organisation and meeting.

Until now only a check in Python (which two simultaneous requests both pass) kept an
organisation from holding two open invitations to one meeting. Existing duplicates are resolved
before the index is created: for each meeting and invitee the oldest standing invitation (lowest
id) is kept and every newer one is marked withdrawn (its version bumped, its reply note saying
why), so nothing is deleted and the upgrade never fails on old data. The downgrade drops the
index only; withdrawn duplicates stay withdrawn.

Revision ID: fe3d0c4f
Revises: fe3d0c4e
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "fe3d0c4f"
down_revision = "fe3d0c4e"
branch_labels = None
depends_on = None

STANDING = "status IN ('invited', 'tentative', 'accepted')"
NOTE = "Withdrawn by the upgrade: a duplicate of an older open invitation to the same meeting."


def upgrade() -> None:
    op.execute(
        sa.text(
            """
            UPDATE invitations
               SET status = 'withdrawn', version = version + 1, updated_at = CURRENT_TIMESTAMP,
                   reply_note = :note
             WHERE status IN ('invited', 'tentative', 'accepted')
               AND EXISTS (
                   SELECT 1 FROM invitations AS older
                    WHERE older.meeting_id = invitations.meeting_id
                      AND older.invitee_id = invitations.invitee_id
                      AND older.status IN ('invited', 'tentative', 'accepted')
                      AND older.id < invitations.id)
            """
        ).bindparams(note=NOTE)
    )
    op.create_index(
        "uq_invitations_open",
        "invitations",
        ["meeting_id", "invitee_id"],
        unique=True,
        postgresql_where=sa.text(STANDING),
        sqlite_where=sa.text(STANDING),
    )


def downgrade() -> None:
    op.drop_index("uq_invitations_open", table_name="invitations")
