"""The Flask extensions, created once and bound to the app in ``create_app``."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session

from . import persian

# Constraint names are spelled out so that migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: WAL, foreign keys, a busy timeout, and transactions that SQLAlchemy begins.

    pysqlite's own transaction handling starts transactions late and ignores BEGIN
    IMMEDIATE; we switch it off and emit BEGIN ourselves (see ``_sqlite_begin``).
    """
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.isolation_level = None
    dbapi_connection.create_collation("fa", persian.compare)  # dbtypes.persian_order
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        # A writer that counts before it writes asks for the write lock up front (begin_write).
        mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def begin_write(session) -> None:
    """Start the transaction of a request that counts and then writes (seats, check-ins).

    SQLite: end any read-only transaction the request opened and BEGIN IMMEDIATE, so the
    write lock is held from the first read: writers queue on the busy timeout instead of
    failing with "database is locked" when a read transaction tries to become a write one.
    PostgreSQL: nothing here; the service locks the rows it counts (SELECT … FOR UPDATE).
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        session.rollback()
    session.connection(execution_options={"sqlite_write": True})

