"""venue location (latitude, longitude)

Revision ID: 0012
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('venues') as batch:
        batch.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch.add_column(sa.Column('longitude', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('venues') as batch:
        batch.drop_column('longitude')
        batch.drop_column('latitude')
