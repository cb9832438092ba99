"""venue location (latitude, longitude)

Revision ID: 0012
Revises: 0011

Columns are added and dropped in place (SQLite 3.35+ drops a column itself): copying the venues
table, as Alembic's batch mode does on SQLite, would trip over the events that refer to it.
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('venues', sa.Column('latitude', sa.Float(), nullable=True))
    op.add_column('venues', sa.Column('longitude', sa.Float(), nullable=True))


def downgrade():
    op.execute('ALTER TABLE venues DROP COLUMN longitude')
    op.execute('ALTER TABLE venues DROP COLUMN latitude')
