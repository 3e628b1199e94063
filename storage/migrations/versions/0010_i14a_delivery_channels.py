"""delivery_channels: per-channel pacing shared by every sender (issue 13 finding 11, issue 14);
deliveries.checks: history searches in a row that could not answer

Revision ID: 0010_i14a
Revises: 0010_i18
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_i14a"
down_revision = "0010_i14b_replies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_channels",
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("channel"),
    )
    op.add_column("deliveries", sa.Column("checks", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("checks")
    op.drop_table("delivery_channels")
