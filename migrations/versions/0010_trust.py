"""trust: calendar feed tokens stored hashed; organizing bodies' contact address; search keys
folded anew (hamza forms, ezafe yeh, digits)

Revision ID: 0010
Revises: 0009

The clear ``token`` column goes; each row keeps the SHA-256 of its secret (``token_hash``) and,
for new rows, a nonce from which the app derives the secret with SECRET_KEY. Existing tokens are
hashed in place, so their URLs keep working (they can no longer be shown; nonce stays NULL).
Downgrade cannot bring secrets back: the rows are deleted (owners get new URLs on their next
visit to the calendars page).
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (SQLite adds and drops columns in place; a batch copy of this table
    # would trip the foreign keys that point at it).
    op.add_column("organizing_bodies", sa.Column("contact_email", sa.String(length=254),
                                                 server_default="", nullable=False))
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("nonce", sa.String(length=64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, token FROM feed_tokens")).all()
    for row_id, token in rows:
        conn.execute(sa.text("UPDATE feed_tokens SET token_hash = :h WHERE id = :id"),
                     {"h": hashlib.sha256(token.encode()).hexdigest(), "id": row_id})
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.alter_column("token_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint("uq_feed_tokens_token", type_="unique")
        batch_op.drop_column("token")
        batch_op.create_unique_constraint(batch_op.f("uq_feed_tokens_token_hash"), ["token_hash"])
        batch_op.create_unique_constraint(batch_op.f("uq_feed_tokens_nonce"), ["nonce"])
    for table, source in (("ngos", "name"), ("registrations", "full_name")):
        _rekey(conn, table, source)


def _rekey(conn, table, source):
    """Work each row's name_key out again with today's search_key (hamza forms, ۀ/هٔ/ه‌ی…).
    Venues keep theirs: their keys are unique per county, and two venues typed differently
    could now fold to one key."""
    from eventsapp.persian import search_key

    rows = conn.execute(sa.text(f"SELECT id, {source}, name_key FROM {table}")).all()
    changes = [{"id": r[0], "k": search_key(r[1])[:250]} for r in rows
               if search_key(r[1])[:250] != r[2]]
    for start in range(0, len(changes), 1000):
        conn.execute(sa.text(f"UPDATE {table} SET name_key = :k WHERE id = :id"),
                     changes[start:start + 1000])


def downgrade():
    op.execute("DELETE FROM feed_tokens")
    with op.batch_alter_table("feed_tokens", schema=None) as batch_op:
        batch_op.drop_constraint("uq_feed_tokens_nonce", type_="unique")
        batch_op.drop_constraint("uq_feed_tokens_token_hash", type_="unique")
        batch_op.drop_column("nonce")
        batch_op.drop_column("token_hash")
        batch_op.add_column(sa.Column("token", sa.String(length=64), nullable=False))
        batch_op.create_unique_constraint(batch_op.f("uq_feed_tokens_token"), ["token"])
    op.drop_column("organizing_bodies", "contact_email")
