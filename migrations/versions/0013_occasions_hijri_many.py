"""lunar (Hijri) occasions; an event may mark more occasions than its main one

Revision ID: 0013
Revises: 0012

The occasion calendar's CHECK constraint takes 'hijri' too. PostgreSQL drops and adds it;
SQLite cannot alter a CHECK constraint, and copying the occasions table (Alembic's batch mode)
would trip over the events that refer to it, so the constraint's text is changed in the schema
itself, as SQLite's documentation describes for changes that leave the stored rows as they are.
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OLD = "calendar IN ('jalali', 'gregorian')"
NEW = "calendar IN ('jalali', 'gregorian', 'hijri')"


def _check(before: str, after: str):
    if op.get_bind().dialect.name == 'sqlite':
        version = op.get_bind().exec_driver_sql('PRAGMA schema_version').scalar()
        op.execute('PRAGMA writable_schema = ON')
        op.get_bind().exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'occasions'",
            (before, after))
        op.execute(f'PRAGMA schema_version = {version + 1}')
        op.execute('PRAGMA writable_schema = OFF')
    else:
        op.drop_constraint(op.f('ck_occasions_occasion_calendar'), 'occasions', type_='check')
        op.create_check_constraint(op.f('ck_occasions_occasion_calendar'), 'occasions', after)


def upgrade():
    _check(OLD, NEW)
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
    _check(NEW, OLD)
