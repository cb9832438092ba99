"""Iran's provinces and counties (reference data)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

"""
import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / "eventsapp" / "places" / "data" / "divisions.json"

provinces = sa.table("provinces", sa.column("id", sa.Integer), sa.column("code", sa.String),
                     sa.column("name", sa.String), sa.column("name_en", sa.String))
counties = sa.table("counties", sa.column("province_id", sa.Integer), sa.column("name", sa.String))


def upgrade():
    items = json.loads(DATA.read_text(encoding="utf-8"))
    op.bulk_insert(provinces, [
        {"id": i, "code": p["code"], "name": p["name"], "name_en": p.get("name_en", "")}
        for i, p in enumerate(items, start=1)
    ])
    op.bulk_insert(counties, [
        {"province_id": i, "name": name}
        for i, p in enumerate(items, start=1) for name in p["counties"]
    ])
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids were inserted: move the sequence past them.
        op.execute("SELECT setval(pg_get_serial_sequence('provinces', 'id'), (SELECT max(id) FROM provinces))")


def downgrade():
    op.execute(counties.delete())
    op.execute(provinces.delete())
