"""kpi_threads: the last reading per Slack thread the bot answered in (issue 18 follow-ups)

Revision ID: 0010_i18
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_i18"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_threads",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("thread_ts", sa.String(length=32), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "thread_ts"),
    )
    op.create_index("ix_kpi_threads_updated_at", "kpi_threads", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_kpi_threads_updated_at", table_name="kpi_threads")
    op.drop_table("kpi_threads")
