"""forecast_models: trained look-ahead models (no-show risk) with their data window; appointments
indexed by patient pseudonym and date for day scoring (issue 20)

Revision ID: 0010_i20
Revises: 0010_i18
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_i20"
down_revision = "0010_i14a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecast_models",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("trained_at", sa.DateTime(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=True),
        sa.Column("window_end", sa.Date(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("shown", sa.Boolean(), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_forecast_models_kind_trained", "forecast_models", ["kind", "trained_at"])
    # scoring a day reads only that day's patients' history (storage.forecast_queries.day_frame)
    op.create_index("ix_appointments_patient_date", "appointments", ["patient_pseudonym", "appointment_date"])


def downgrade() -> None:
    op.drop_index("ix_appointments_patient_date", table_name="appointments")
    op.drop_index("ix_forecast_models_kind_trained", table_name="forecast_models")
    op.drop_table("forecast_models")
