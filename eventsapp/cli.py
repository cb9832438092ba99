"""Command-line tasks: ``flask create-admin``, ``flask api-token``, ``flask demo-data``,
``flask backup``, ``flask restore``, ``flask send-outbox``, ``flask send-reminders``."""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from .accounts import services as accounts
from .accounts.models import Role, User
from .extensions import db
from .jalali import utcnow


def register(app):
    app.cli.add_command(create_admin)
    app.cli.add_command(api_token)
    app.cli.add_command(demo_data)
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    app.cli.add_command(reports_refresh)
    app.cli.add_command(send_outbox)
    app.cli.add_command(send_reminders)


def _fail(message):
    raise click.ClickException(message)


@click.command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--full-name", default="مدیر سامانه", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="asked for when not given")
def create_admin(username, full_name, password):
    """Create an administrator (or reset an existing admin's password)."""
    user = db.session.scalar(select(User).where(User.username == accounts.normalize_username(username)))
    try:
        if user is None:
            user = accounts.create_user(db.session, username=username, password=password,
                                        role=Role.admin, full_name=full_name)
            verb = "created"
        elif user.role != Role.admin:
            _fail(f"user {user.username} exists and is not an admin")
        else:
            accounts.set_password(user, password)
            user.active = True
            verb = "updated"
    except accounts.AccountError as refusal:
        _fail(refusal.message)
    db.session.commit()
    click.echo(f"admin {user.username} {verb}")


@click.command("api-token")
@click.argument("username")
@click.option("--name", default="خط فرمان", show_default=True, help="label shown on the tokens page")
def api_token(username, name):
    """Print a new API token for USERNAME."""
    user = db.session.scalar(select(User).where(User.username == accounts.normalize_username(username)))
    if user is None:
        _fail(f"no user named {username}")
    if not user.active:
        _fail(f"user {username} is deactivated")
    _, raw = accounts.create_api_token(db.session, user, name)
    db.session.commit()
    click.echo(raw)


@click.command("demo-data")
@click.option("--password", default=None,
              help="set every demo user's password to this (default: a random one, printed)")
@click.option("--scale", type=click.Choice(["demo", "national"]), default="demo", show_default=True,
              help="national: also 19,000 NGOs, 2,000 events and 200,000 registrations (benchmarks)")
def demo_data(password, scale):
    """Load demo organizing bodies, NGOs, users, events and registrations (safe to run again)."""
    from . import demo, demo_scale

    password = password or accounts.generate_password()
    report = demo.load(db.session, password=password)
    if scale == "national":
        report += demo_scale.generate(db.session)
    db.session.commit()
    from .reports import facts  # the reports' attendance facts, so that the first report is quick

    facts.refresh(db.session)
    db.session.commit()
    for line in report:
        click.echo(line)
    click.echo(f"demo users: {', '.join(demo.USERNAMES)}; password: {password}")


@click.command("reports-refresh")
@click.option("--rebuild", is_flag=True, help="rebuild the attendance facts from every check-in")
def reports_refresh(rebuild):
    """Bring the reports' attendance facts up to date with the check-ins (reports do this by
    themselves; run it after restoring a backup or loading check-ins by hand)."""
    from .reports import facts
    from .reports.models import FactsState

    if rebuild:
        db.session.query(FactsState).delete()
        db.session.commit()
    click.echo(facts.refresh(db.session))
    db.session.commit()


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="file to write (default: BACKUP_DIR/eventsapp-<UTC time>.db or .dump)")
def backup(output):
    """Write a consistent copy of the database (SQLite online backup, or pg_dump)."""
    engine = db.engine
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    folder = Path(current_app.config["BACKUP_DIR"])
    if engine.dialect.name == "sqlite":
        output = _private_file(output or folder / f"eventsapp-{stamp}.db")
        source = sqlite3.connect(engine.url.database)
        target = sqlite3.connect(output)
        with target:
            source.backup(target)
        source.close()
        target.close()
    elif engine.dialect.name == "postgresql":
        if shutil.which("pg_dump") is None:
            _fail("pg_dump is not installed")
        output = _private_file(output or folder / f"eventsapp-{stamp}.dump")
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_dump", "--format=custom", f"--file={output}", url], check=True)
    else:
        _fail(f"no backup method for {engine.dialect.name}")
    click.echo(str(output))


SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def _backup_kind(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    _fail(f"{path} is neither a SQLite backup nor a pg_dump custom-format file")


def _tables(engine) -> list[str]:
    from sqlalchemy import inspect

    return inspect(engine).get_table_names()


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(file):
    """Restore FILE, a backup written by ``flask backup``, into the empty database that
    DATABASE_URL names (no tables at all: do not run ``flask db upgrade`` first). A SQLite
    backup goes into SQLite, a pg_dump file into PostgreSQL; a database with tables is refused."""
    engine = db.engine
    kind = _backup_kind(file)
    if kind != engine.dialect.name:
        _fail(f"{file} is a {kind} backup; DATABASE_URL is a {engine.dialect.name} database")
    existing = _tables(engine)
    if existing:
        _fail(f"the database is not empty ({len(existing)} tables, e.g. {existing[0]}); "
              "restore only into an empty database")
    if kind == "sqlite":
        source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            names = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in names:
                _fail(f"{file} is not a backup of this app (no alembic_version table)")
            engine.dispose()
            target = sqlite3.connect(engine.url.database)
            with target:
                source.backup(target)
            target.close()
        finally:
            source.close()
    else:
        if shutil.which("pg_restore") is None:
            _fail("pg_restore is not installed")
        engine.dispose()
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                        "--single-transaction", f"--dbname={url}", str(file)], check=True)
    engine.dispose()
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    click.echo(f"restored {file} ({kind}, schema {version}, {len(_tables(engine))} tables)")


def _private_file(path: Path) -> Path:
    """``path``, created empty and readable by its owner only (a backup holds every national ID
    and mobile): the copy is written into it, so it is never readable by others, even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(path, 0o600)  # a file that was there already keeps its mode otherwise
    return path


@click.command("send-outbox")
@click.option("--once", is_flag=True, help="deliver what is due, then exit (for cron)")
@click.option("--idle", default=2.0, show_default=True, help="seconds to wait when nothing is due")
def send_outbox(once, idle):
    """Deliver queued SMS and e-mail (a long-running worker; run several at once if you like)."""
    import signal

    from .notifications import channels, worker

    for channel in ("sms", "email"):
        name = channels.backend_name(current_app.config, channel)
        if name != "outbox":
            channels.backend_for(current_app.config, channel)  # settings missing: fail now
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    total = worker.run(once=once, idle=idle, echo=click.echo, stop=lambda: bool(stopping))
    click.echo(f"done: sent {total.sent}, to retry {total.retried}, failed {total.failed}")


@click.command("send-reminders")
def send_reminders():
    """Queue the reminders that are due (run it every few minutes; it never queues one twice)."""
    from .messages import reminders

    n = reminders.queue_reminders(db.session)
    db.session.commit()
    click.echo(f"reminders queued: {n}")
