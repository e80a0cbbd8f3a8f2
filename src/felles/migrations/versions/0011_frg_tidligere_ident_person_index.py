"""Index frg_tidligere_ident by person: the data distributor finds every number of a person

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_frg_tidligere_ident_person", "frg_tidligere_ident", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_frg_tidligere_ident_person", table_name="frg_tidligere_ident")
