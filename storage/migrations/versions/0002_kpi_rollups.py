"""kpi rollups: appointment_daily, kpi_daily, lead_time_daily, tna_daily, slot_provider_summary,
supply_item_daily, rollup_state (see storage/models/rollups.py)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COUNTS = ("booked", "completed", "no_show", "cancelled", "late_cancelled", "scheduled", "lead_n",
           "same_day", "verified", "verify_known", "auth_required", "authorized")
_INDEXES = {
    "appointment_daily": {"ix_appointment_daily_clinic_date": ["clinic_id", "appointment_date"],
                          "ix_appointment_daily_date": ["appointment_date"],
                          "ix_appointment_daily_provider_date": ["provider_id", "appointment_date"]},
    "kpi_daily": {"ix_kpi_daily_grain_day": ["component", "grain", "day"],
                  "ix_kpi_daily_grain_clinic_day": ["component", "grain", "clinic_id", "day"],
                  "ix_kpi_daily_grain_key_day": ["component", "grain", "key_id", "day"]},
    "lead_time_daily": {"ix_lead_time_daily_clinic_date": ["clinic_id", "appointment_date"]},
    "tna_daily": {"ix_tna_daily_date_clinic": ["measure_date", "clinic_id"],
                  "ix_tna_daily_provider_date": ["provider_id", "measure_date"]},
    "slot_provider_summary": {"ix_slot_provider_summary_clinic": ["clinic_id"]},
    "supply_item_daily": {"ix_supply_item_daily_day_clinic": ["day", "clinic_id"],
                          "ix_supply_item_daily_clinic_day": ["clinic_id", "day"]},
}


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "appointment_daily",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("appointment_date", sa.Date(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS],
        sa.Column("lead_days_sum", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], name=op.f("fk_appointment_daily_clinic_id_clinics")),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"],
                                name=op.f("fk_appointment_daily_provider_id_providers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_daily")),
    )
    op.create_table(
        "kpi_daily",
        _id(),
        sa.Column("component", sa.String(48), nullable=False),
        sa.Column("grain", sa.String(8), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.Float(), nullable=False),
        sa.Column("d", sa.Float(), nullable=False),
        sa.Column("d_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_daily")),
    )
    op.create_table(
        "lead_time_daily",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("appointment_date", sa.Date(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("appointments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_time_daily")),
    )
    op.create_table(
        "tna_daily",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("appointment_type", sa.String(64), nullable=False),
        sa.Column("measure_date", sa.Date(), nullable=False),
        sa.Column("first_free_date", sa.Date(), nullable=True),
        sa.Column("third_free_date", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tna_daily")),
    )
    op.create_table(
        "slot_provider_summary",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("last_created_at", sa.DateTime(), nullable=True),
        sa.Column("last_booked_at", sa.DateTime(), nullable=True),
        sa.Column("covered_from", sa.Date(), nullable=True),
        sa.Column("covered_to", sa.Date(), nullable=True),
        sa.Column("open_before", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_provider_summary")),
    )
    op.create_table(
        "supply_item_daily",
        _id(),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("usage_rows", sa.Integer(), nullable=False),
        sa.Column("usage_window", sa.Float(), nullable=False),
        sa.Column("usage_sq_window", sa.Float(), nullable=False),
        sa.Column("on_hand", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supply_item_daily")),
    )
    op.create_table(
        "rollup_state",
        sa.Column("feed", sa.String(32), nullable=False),
        sa.Column("feed_load_id", sa.Integer(), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("feed", name=op.f("pk_rollup_state")),
    )
    for table, indexes in _INDEXES.items():
        for name, columns in indexes.items():
            op.create_index(name, table, columns)


def downgrade() -> None:
    for table, indexes in reversed(list(_INDEXES.items())):
        for name in indexes:
            op.drop_index(name, table_name=table)
    for table in ("rollup_state", "supply_item_daily", "slot_provider_summary", "tna_daily", "lead_time_daily", "kpi_daily",
                  "appointment_daily"):
        op.drop_table(table)
