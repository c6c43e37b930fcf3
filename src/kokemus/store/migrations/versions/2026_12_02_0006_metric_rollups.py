"""metric rollups and goals

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY_COLUMNS = (
    "cube",
    "grain",
    "question_type",
    "kind",
    "theme",
    "period_start",
    "survey_id",
    "question_key",
    "touchpoint_id",
    "unit_id",
    "channel",
    "language",
)


def upgrade() -> None:
    op.create_table(
        "metric_rollups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cube", sa.String(length=4), nullable=False),
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("question_type", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("theme", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        *(sa.Column(f"c{score}", sa.Integer(), nullable=False) for score in range(11)),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_rollups")),
    )
    with op.batch_alter_table("metric_rollups", schema=None) as batch_op:
        batch_op.create_index("ux_metric_rollups_key", list(KEY_COLUMNS), unique=True)
    op.create_table(
        "metric_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("touchpoint_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoints.id"],
            name=op.f("fk_metric_goals_touchpoint_id_touchpoints"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_metric_goals_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_goals")),
    )
    with op.batch_alter_table("metric_goals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_goals_period", ["period_start", "period_end"], unique=False
        )
    # Answers stored before this revision are counted into the new rollups.
    from kokemus.metrics.rollups import rebuild

    rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    with op.batch_alter_table("metric_goals", schema=None) as batch_op:
        batch_op.drop_index("ix_metric_goals_period")
    op.drop_table("metric_goals")
    with op.batch_alter_table("metric_rollups", schema=None) as batch_op:
        batch_op.drop_index("ux_metric_rollups_key")
    op.drop_table("metric_rollups")
