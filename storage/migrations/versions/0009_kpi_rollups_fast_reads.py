"""kpi roll-ups for fast reads: lead_time_monthly, kpi_measure_daily, kpi_daily grain
network_payer and component net-ar, index ix_stock_counts_date_item (see
storage/models/rollups.py)

Backfills what can be derived in SQL from existing rows (``network_payer`` from the per-clinic
``payer`` rows, ``lead_time_monthly`` from ``lead_time_daily`` and the appointments), and clears
the roll-up state of the slot, inventory and A/R feeds: ``kpi_measure_daily`` and the ``net-ar``
rows are built in Python by their next refresh (next load of the feed, ``opsbot seed``, or
``bot.kpi.rollup_refresh.refresh_all_rollups``); until then the engine reads the finer tables or raw
rows (same answers, slower).

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _month(column: str) -> str:
    """SQL for the first day of ``column``'s month."""
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # SQLite does not enforce VARCHAR lengths
        op.alter_column("kpi_daily", "grain", type_=sa.String(16), existing_type=sa.String(8),
                        existing_nullable=False)
    op.create_table(
        "lead_time_monthly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("appointments", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_time_monthly")),
    )
    op.create_index("ix_lead_time_monthly_clinic_provider_month", "lead_time_monthly",
                    ["clinic_id", "provider_id", "month"])
    op.create_index("ix_lead_time_monthly_provider_month", "lead_time_monthly", ["provider_id", "month"])
    op.create_table(
        "kpi_measure_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component", sa.String(48), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("n", sa.Float(), nullable=False),
        sa.Column("d", sa.Float(), nullable=False),
        sa.Column("basis", sa.String(1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_measure_daily")),
    )
    op.create_index("ix_kpi_measure_daily_component_clinic_day", "kpi_measure_daily",
                    ["component", "clinic_id", "day"])

    op.execute("INSERT INTO kpi_daily (component, grain, clinic_id, key_id, day, n, d, d_rows) "
               "SELECT component, 'network_payer', NULL, key_id, day, SUM(n), SUM(d), SUM(d_rows) "
               "FROM kpi_daily WHERE grain = 'payer' GROUP BY component, key_id, day")
    month = _month("appointment_date")
    op.execute("INSERT INTO lead_time_monthly (clinic_id, provider_id, month, lead_days, appointments, first_day, "
               f"last_day) SELECT clinic_id, NULL, {month}, lead_days, SUM(appointments), MIN(appointment_date), "
               f"MAX(appointment_date) FROM lead_time_daily GROUP BY clinic_id, {month}, lead_days")
    op.execute("INSERT INTO lead_time_monthly (clinic_id, provider_id, month, lead_days, appointments, first_day, "
               f"last_day) SELECT clinic_id, provider_id, {month}, lead_days, COUNT(*), MIN(appointment_date), "
               "MAX(appointment_date) FROM appointments WHERE status <> 'cancelled' AND lead_days IS NOT NULL "
               f"AND lead_days >= 0 AND provider_id IS NOT NULL GROUP BY clinic_id, provider_id, {month}, lead_days")
    op.create_index("ix_stock_counts_date_item", "stock_counts", ["count_date", "item_id", "on_hand"])
    op.execute("DELETE FROM rollup_state WHERE feed IN ('slots', 'inventory', 'supply', 'lots', 'ar')")


def downgrade() -> None:
    op.drop_index("ix_stock_counts_date_item", table_name="stock_counts")
    op.execute("DELETE FROM kpi_daily WHERE component = 'net-ar'")
    op.drop_index("ix_kpi_measure_daily_component_clinic_day", table_name="kpi_measure_daily")
    op.drop_table("kpi_measure_daily")
    op.drop_index("ix_lead_time_monthly_provider_month", table_name="lead_time_monthly")
    op.drop_index("ix_lead_time_monthly_clinic_provider_month", table_name="lead_time_monthly")
    op.drop_table("lead_time_monthly")
    op.execute("DELETE FROM kpi_daily WHERE grain = 'network_payer'")
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("kpi_daily", "grain", type_=sa.String(8), existing_type=sa.String(16),
                        existing_nullable=False)
