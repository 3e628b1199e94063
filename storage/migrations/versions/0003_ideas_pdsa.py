"""ideas and PDSA cycles: ideas, votes, comments, state changes, cycles, updates

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ideas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("title_folded", sa.String(length=150), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("proposed_change", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("kpi_id", sa.String(length=64), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("submitter_user_id", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("owner_user_id", sa.String(length=32), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=True),
        sa.Column("created_date", sa.Date(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], name="fk_ideas_clinic_id_clinics"),
        sa.PrimaryKeyConstraint("id", name="pk_ideas"),
    )
    op.create_index("ix_ideas_clinic_id", "ideas", ["clinic_id"])
    op.create_index("ix_ideas_clinic_state", "ideas", ["clinic_id", "state"])
    op.create_index("ix_ideas_submitter_user_id", "ideas", ["submitter_user_id"])
    op.create_index("ix_ideas_owner_user_id", "ideas", ["owner_user_id"])

    op.create_table(
        "idea_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name="fk_idea_votes_idea_id_ideas",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_idea_votes"),
        sa.UniqueConstraint("idea_id", "user_id", name="uq_idea_votes_idea_user"),
    )
    op.create_index("ix_idea_votes_idea_id", "idea_votes", ["idea_id"])

    op.create_table(
        "idea_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.String(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name="fk_idea_comments_idea_id_ideas",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_idea_comments"),
    )
    op.create_index("ix_idea_comments_idea_id", "idea_comments", ["idea_id"])

    op.create_table(
        "idea_state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("actor_user_id", sa.String(length=32), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.Column("changed_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"],
                                name="fk_idea_state_changes_idea_id_ideas", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_idea_state_changes"),
    )
    op.create_index("ix_idea_state_changes_idea_id", "idea_state_changes", ["idea_id"])

    op.create_table(
        "pdsa_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("cycle_number", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.String(length=32), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("questions", sa.Text(), nullable=False),
        sa.Column("predictions", sa.Text(), nullable=False),
        sa.Column("plan_who", sa.Text(), nullable=False),
        sa.Column("plan_what", sa.Text(), nullable=False),
        sa.Column("plan_when", sa.Text(), nullable=False),
        sa.Column("plan_where", sa.Text(), nullable=False),
        sa.Column("kpi_id", sa.String(length=64), nullable=True),
        sa.Column("data_plan", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("act", sa.String(length=16), nullable=True),
        sa.Column("started_date", sa.Date(), nullable=False),
        sa.Column("ended_date", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name="fk_pdsa_cycles_idea_id_ideas",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"], name="fk_pdsa_cycles_clinic_id_clinics"),
        sa.ForeignKeyConstraint(["parent_id"], ["pdsa_cycles.id"],
                                name="fk_pdsa_cycles_parent_id_pdsa_cycles"),
        sa.PrimaryKeyConstraint("id", name="pk_pdsa_cycles"),
        sa.UniqueConstraint("idea_id", "cycle_number", name="uq_pdsa_cycles_idea_number"),
    )
    op.create_index("ix_pdsa_cycles_idea_id", "pdsa_cycles", ["idea_id"])
    op.create_index("ix_pdsa_cycles_owner_user_id", "pdsa_cycles", ["owner_user_id"])
    op.create_index("ix_pdsa_cycles_kpi_clinic", "pdsa_cycles", ["kpi_id", "clinic_id"])

    op.create_table(
        "pdsa_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("observations", sa.Text(), nullable=False),
        sa.Column("study", sa.Text(), nullable=False),
        sa.Column("act", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["cycle_id"], ["pdsa_cycles.id"],
                                name="fk_pdsa_updates_cycle_id_pdsa_cycles", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_pdsa_updates"),
    )
    op.create_index("ix_pdsa_updates_cycle_id", "pdsa_updates", ["cycle_id"])



def downgrade() -> None:
    for table in ("pdsa_updates", "pdsa_cycles", "idea_state_changes",
                  "idea_comments", "idea_votes", "ideas"):
        op.drop_table(table)
