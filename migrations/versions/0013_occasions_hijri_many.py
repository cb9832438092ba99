"""lunar (Hijri) occasions; an event may mark more occasions than its main one

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CALENDARS = ('jalali', 'gregorian', 'hijri')


def _calendar(values):
    return sa.Enum(*values, name='occasion_calendar', native_enum=False, create_constraint=True, length=40)


def upgrade():
    with op.batch_alter_table('occasions') as batch:
        batch.drop_constraint(op.f('ck_occasions_occasion_calendar'), type_='check')
        batch.alter_column('calendar', type_=_calendar(CALENDARS), existing_type=_calendar(CALENDARS[:2]),
                           existing_nullable=False)
    op.create_table(
        'event_occasions',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('occasion_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_occasions_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['occasion_id'], ['occasions.id'],
                                name=op.f('fk_event_occasions_occasion_id_occasions')),
        sa.PrimaryKeyConstraint('event_id', 'occasion_id', name=op.f('pk_event_occasions')),
    )
    op.create_index(op.f('ix_event_occasions_occasion_id'), 'event_occasions', ['occasion_id'])


def downgrade():
    op.drop_index(op.f('ix_event_occasions_occasion_id'), table_name='event_occasions')
    op.drop_table('event_occasions')
    op.execute("UPDATE events SET occasion_id = NULL WHERE occasion_id IN "
               "(SELECT id FROM occasions WHERE calendar = 'hijri')")
    op.execute("DELETE FROM occasions WHERE calendar = 'hijri'")
    with op.batch_alter_table('occasions') as batch:
        batch.drop_constraint(op.f('ck_occasions_occasion_calendar'), type_='check')
        batch.alter_column('calendar', type_=_calendar(CALENDARS[:2]), existing_type=_calendar(CALENDARS),
                           existing_nullable=False)
