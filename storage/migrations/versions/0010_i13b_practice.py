"""practice operations: slack_revocations (app_uninstalled / tokens_revoked received) and
drop_files (files taken from the drop folder), see storage/models/practice.py

Revision ID: 0010_i13b
Revises: 0010_i18
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_i13b"
down_revision = "0010_i18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_revocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=True),
        sa.Column("enterprise_id", sa.String(32), nullable=True),
        sa.Column("detail", sa.String(300), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "drop_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("feed", sa.String(32), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("feed_load_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("moved_to", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_drop_files_at", "drop_files", ["at"])


def downgrade() -> None:
    op.drop_index("ix_drop_files_at", table_name="drop_files")
    op.drop_table("drop_files")
    op.drop_table("slack_revocations")
