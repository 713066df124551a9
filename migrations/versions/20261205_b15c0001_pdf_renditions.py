"""PDF renditions: the PDF LibreOffice made of each office paper, made once by a job so that a
briefing pack is built from PDFs alone (no LibreOffice while a reader waits).

Revision ID: b15c0001
Revises: b17b0001
Create Date: 2026-12-05 16:30:00
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "b15c0001"
down_revision = "b17b0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pdf_renditions",
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_sha256"],
            ["blobs.sha256"],
            name=op.f("fk_pdf_renditions_source_sha256_blobs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pdf_sha256"], ["blobs.sha256"], name=op.f("fk_pdf_renditions_pdf_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("source_sha256", name=op.f("pk_pdf_renditions")),
    )
    op.create_index(
        op.f("ix_pdf_renditions_pdf_sha256"), "pdf_renditions", ["pdf_sha256"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pdf_renditions_pdf_sha256"), table_name="pdf_renditions")
    op.drop_table("pdf_renditions")
