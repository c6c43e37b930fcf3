"""text corrections

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "text_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analysis_id", BIG_ID, nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("before", JSON_DOC, nullable=False),
        sa.Column("after", JSON_DOC, nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("redacted", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["text_analyses.id"],
            name=op.f("fk_text_corrections_analysis_id_text_analyses"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_text_corrections_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_corrections")),
    )
    with op.batch_alter_table("text_corrections", schema=None) as batch_op:
        batch_op.create_index("ix_text_corrections_analysis", ["analysis_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("text_corrections", schema=None) as batch_op:
        batch_op.drop_index("ix_text_corrections_analysis")
    op.drop_table("text_corrections")
