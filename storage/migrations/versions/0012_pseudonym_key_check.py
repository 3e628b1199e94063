"""pseudonym_key_checks: a fingerprint of the key the stored patient pseudonyms were made with, so an
import under another key is refused instead of silently breaking the link between a patient's
visits

Revision ID: 0012_key_check
Revises: 0011_i20_fields
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_key_check"
down_revision = "0011_i20_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pseudonym_key_checks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("first_used_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pseudonym_key_checks")
