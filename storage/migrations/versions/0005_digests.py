"""digests: digest_subscriptions (one per channel) and digest_runs (one per channel and local date)

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("clinic_keys", sa.JSON(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("days", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("skip_when_empty", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_subscriptions")),
        sa.UniqueConstraint("channel_id", name=op.f("uq_digest_subscriptions_channel_id")),
    )
    op.create_table(
        "digest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivery_key", sa.String(length=255), nullable=True),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("kpi_values", sa.JSON(), nullable=False),
        sa.Column("last_idea_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["subscription_id"], ["digest_subscriptions.id"], ondelete="SET NULL",
                                name=op.f("fk_digest_runs_subscription_id_digest_subscriptions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint("channel_id", "local_date", name="uq_digest_runs_channel_date"),
    )
    op.create_index(op.f("ix_digest_runs_subscription_id"), "digest_runs", ["subscription_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_digest_runs_subscription_id"), table_name="digest_runs")
    op.drop_table("digest_runs")
    op.drop_table("digest_subscriptions")
