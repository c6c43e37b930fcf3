"""text analyses

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_cursors",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("position", BIG_ID, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_cursors")),
    )
    op.create_table(
        "text_analyses",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("answer_id", BIG_ID, nullable=True),
        sa.Column("event_id", BIG_ID, nullable=True),
        sa.Column("property", sa.String(length=64), nullable=True),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("touchpoint_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("redacted", sa.Text(), nullable=False),
        sa.Column("pii", JSON_DOC, nullable=False),
        sa.Column("sentiment", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("emotions", JSON_DOC, nullable=False),
        sa.Column("themes", JSON_DOC, nullable=False),
        sa.Column("aspects", JSON_DOC, nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["survey_answers.id"],
            name=op.f("fk_text_analyses_answer_id_survey_answers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_analyses")),
        sa.UniqueConstraint("answer_id", name=op.f("uq_text_analyses_answer_id")),
        sa.UniqueConstraint("event_id", name=op.f("uq_text_analyses_event_id")),
    )
    with op.batch_alter_table("text_analyses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_text_analyses_survey_sentiment", ["survey_id", "sentiment"], unique=False
        )
        batch_op.create_index(
            "ix_text_analyses_touchpoint", ["touchpoint_id", "analyzed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("text_analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_text_analyses_touchpoint")
        batch_op.drop_index("ix_text_analyses_survey_sentiment")
    op.drop_table("text_analyses")
    op.drop_table("job_cursors")
