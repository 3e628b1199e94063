"""appointments: model inputs the no-show file carries (SMS reminder, age band, condition flags),
stored without identifying the patient (issue 20)

Revision ID: 0011_i20_fields
Revises: 0010_i20
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_i20_fields"
down_revision = "0010_i20"
branch_labels = None
depends_on = None

FLAGS = ("sms_reminder", "scholarship", "hypertension", "diabetes", "alcoholism", "handicap")


def upgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        for name in FLAGS:
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("age_band", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch:
        batch.drop_column("age_band")
        for name in reversed(FLAGS):
            batch.drop_column(name)
