"""reports: activity rule settings, attendance facts, indexes for the report queries

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:30:00

"""
from alembic import op
import sqlalchemy as sa

import eventsapp.dbtypes  # noqa: F401  (UTCDateTime columns)


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

STANDING = sa.text("revoked_at IS NULL")


def upgrade():
    op.create_table('report_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('active_min', sa.Integer(), nullable=False),
    sa.Column('semi_min', sa.Integer(), nullable=False),
    sa.Column('updated_at', eventsapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('months BETWEEN 1 AND 120', name=op.f('ck_report_settings_months_range')),
    sa.CheckConstraint('semi_min >= 1 AND active_min > semi_min AND active_min <= 1000', name=op.f('ck_report_settings_thresholds_ordered')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_report_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_settings'))
    )
    op.create_table('report_attendance',
    sa.Column('registration_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('ngo_id', sa.Integer(), nullable=False),
    sa.Column('person', sa.String(length=10), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_report_attendance_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ngo_id'], ['ngos.id'], name=op.f('fk_report_attendance_ngo_id_ngos'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_report_attendance_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_report_attendance'))
    )
    op.create_index('ix_report_attendance_event', 'report_attendance', ['event_id', 'ngo_id', 'person', 'days'], unique=False)
    op.create_index('ix_report_attendance_ngo', 'report_attendance', ['ngo_id', 'event_id', 'days'], unique=False)
    op.create_index('ix_report_attendance_person', 'report_attendance', ['person', 'event_id'], unique=False)
    op.create_table('report_facts_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkin_max_id', sa.Integer(), nullable=False),
    sa.Column('undone_max_at', eventsapp.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checkin_rows', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', eventsapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_facts_state'))
    )
    op.create_index('ix_checkins_undone', 'checkins', ['undone_at'], unique=False,
                    sqlite_where=sa.text("undone_at IS NOT NULL"), postgresql_where=sa.text("undone_at IS NOT NULL"))
    op.create_index('ix_registrations_ngo_event', 'registrations', ['ngo_id', 'event_id'], unique=False)
    op.create_index('ix_awards_event_live', 'awards', ['event_id', 'kind', 'ngo_id'], unique=False,
                    sqlite_where=STANDING, postgresql_where=STANDING)


def downgrade():
    op.drop_index('ix_awards_event_live', table_name='awards')
    op.drop_index('ix_registrations_ngo_event', table_name='registrations')
    op.drop_index('ix_checkins_undone', table_name='checkins')
    op.drop_table('report_facts_state')
    op.drop_index('ix_report_attendance_person', table_name='report_attendance')
    op.drop_index('ix_report_attendance_ngo', table_name='report_attendance')
    op.drop_index('ix_report_attendance_event', table_name='report_attendance')
    op.drop_table('report_attendance')
    op.drop_table('report_settings')
