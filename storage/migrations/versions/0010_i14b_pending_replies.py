"""pending_replies: work promised by an acknowledgement, recorded before the ack (issue 14)

Revision ID: 0010_i14b_replies
Revises: 0010_i14b
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_i14b_replies"
down_revision = "0010_i14b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_replies")),
    )
    op.create_index("ix_pending_replies_claimed_until", "pending_replies", ["claimed_until"])


def downgrade() -> None:
    op.drop_index("ix_pending_replies_claimed_until", table_name="pending_replies")
    op.drop_table("pending_replies")
