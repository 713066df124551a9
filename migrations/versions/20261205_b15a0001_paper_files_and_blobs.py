"""Papers as documents: blobs in chunks, paper file versions, and a paper's own metadata.

`blobs` and `blob_chunks` hold uploaded files in the database (content-addressed by SHA-256,
1 MiB chunks), so every worker sees them and a database backup holds them. `paper_files` are
the uploaded versions of a paper. Existing papers get the marking OFFICIAL, visibility "all",
no owner and the default due date (none stored).

Revision ID: b15a0001
Revises: b17a0001
Create Date: 2026-12-05 07:18:12
"""

import sqlalchemy as sa
from alembic import op

import app.core.db

revision = "b15a0001"
down_revision = "b17a0001"
branch_labels = None
depends_on = None

MARKINGS = ("PUBLIC", "OFFICIAL", "OFFICIAL-SENSITIVE", "LIMITE")
VISIBILITIES = ("all", "uk", "eu")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_blobs_sha256_length")),
        sa.CheckConstraint("size >= 0", name=op.f("ck_blobs_size_not_negative")),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "blob_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("seq >= 0", name=op.f("ck_blob_chunks_seq_not_negative")),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["blobs.sha256"],
            name=op.f("fk_blob_chunks_sha256_blobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "seq", name=op.f("pk_blob_chunks")),
    )
    op.create_table(
        "paper_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", app.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_paper_files_size_positive")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_paper_files_version_positive")),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["agenda_papers.id"],
            name=op.f("fk_paper_files_paper_id_agenda_papers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_paper_files_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_paper_files_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_files")),
        sa.UniqueConstraint("paper_id", "version", name=op.f("uq_paper_files_paper_id_version")),
    )
    with op.batch_alter_table("paper_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_files_sha256"), ["sha256"], unique=False)

    with op.batch_alter_table("agenda_papers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "marking", _enum(MARKINGS, "marking"), server_default="OFFICIAL", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "visibility",
                _enum(VISIBILITIES, "item_visibility"),
                server_default="all",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_agenda_papers_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_agenda_papers_owner_id_people"),
            "people",
            ["owner_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_papers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_agenda_papers_owner_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_agenda_papers_owner_id"))
        batch_op.drop_constraint(batch_op.f("ck_agenda_papers_item_visibility"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_agenda_papers_marking"), type_="check")
        batch_op.drop_column("due_on")
        batch_op.drop_column("owner_id")
        batch_op.drop_column("visibility")
        batch_op.drop_column("marking")

    with op.batch_alter_table("paper_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_files_sha256"))

    op.drop_table("paper_files")
    op.drop_table("blob_chunks")
    op.drop_table("blobs")
