"""scan log: a client nonce per scan (unique per event) and the answer it got

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scan_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nonce', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=True))
        batch_op.create_index('uq_scan_log_event_nonce', ['event_id', 'nonce'], unique=True,
                              sqlite_where=sa.text('nonce IS NOT NULL'),
                              postgresql_where=sa.text('nonce IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('scan_log', schema=None) as batch_op:
        batch_op.drop_index('uq_scan_log_event_nonce', sqlite_where=sa.text('nonce IS NOT NULL'),
                            postgresql_where=sa.text('nonce IS NOT NULL'))
        batch_op.drop_column('answer')
        batch_op.drop_column('nonce')
