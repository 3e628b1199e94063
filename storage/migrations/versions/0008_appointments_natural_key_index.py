"""appointments natural key: a named unique index instead of a unique constraint

Same rule (one row per ``(source, external_id)``), same name. Why: on SQLite a UNIQUE table
constraint becomes an ``sqlite_autoindex`` that cannot be dropped, so a large import paid for
100k random B-tree insertions into it; a named unique index can be dropped for the load and
rebuilt in one sort at the end, like the secondary indexes (``storage.bulk_indexes``), and the
rebuild still refuses a repeated key. Look-ups and ``ON CONFLICT (source, external_id)`` use a
unique index exactly like a constraint (SQLite and PostgreSQL).

SQLite: batch mode (the table is rebuilt). PostgreSQL: the index is built under a temporary name
before the constraint goes, then renamed, inside the migration's transaction.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NAME = "uq_appointments_natural_key"
COLUMNS = ["source", "external_id"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(f"{NAME}_new", "appointments", COLUMNS, unique=True)
        op.drop_constraint(NAME, "appointments", type_="unique")
        op.execute(f'ALTER INDEX "{NAME}_new" RENAME TO "{NAME}"')
        return
    with op.batch_alter_table("appointments", recreate="always") as batch_op:
        batch_op.drop_constraint(NAME, type_="unique")
        batch_op.create_index(NAME, COLUMNS, unique=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(NAME, table_name="appointments")
        op.create_unique_constraint(NAME, "appointments", COLUMNS)
        return
    with op.batch_alter_table("appointments", recreate="always") as batch_op:
        batch_op.drop_index(NAME)
        batch_op.create_unique_constraint(NAME, COLUMNS)
