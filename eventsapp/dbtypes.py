"""Column types shared by all domains."""
from datetime import timezone

from sqlalchemy import DateTime, Enum
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant, stored in UTC and always returned timezone-aware.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so we store UTC there and
    attach UTC again when reading. Naive datetimes are refused: they are a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)



def enum_type(cls, name: str) -> Enum:
    """An enum stored as its plain string value with a CHECK constraint: portable and readable."""
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=40,
                validate_strings=True, values_callable=lambda c: [m.value for m in c])


class persian_order(ColumnElement):  # noqa: N801 (reads as a SQL function)
    """``ORDER BY`` a text column in Persian alphabetical order: ICU's Persian collation on
    PostgreSQL, the ``fa`` collation registered on every SQLite connection (``persian.compare``)
    elsewhere. Code-point order would put چ, ژ, ک, گ and پ after the other letters."""

    inherit_cache = False

    def __init__(self, column):
        self.column = column
        self.type = column.type


@compiles(persian_order)
def _persian_order_sqlite(element, compiler, **kw):
    return f"{compiler.process(element.column, **kw)} COLLATE fa"


@compiles(persian_order, "postgresql")
def _persian_order_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.column, **kw)} COLLATE "fa-IR-x-icu"'
