"""CLI contracts: create-admin, demo-data, backup."""
from pathlib import Path

from eventsapp.accounts.models import Role, User
from eventsapp.demo import USERNAMES


def test_create_admin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password", "long-enough"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="boss").one()
    assert user.role == Role.admin and user.check_password("long-enough")
    weak = runner.invoke(args=["create-admin", "--username", "boss2", "--password", "x"])
    assert weak.exit_code != 0 and "۸" in weak.output


def test_demo_data_is_repeatable_and_sets_passwords(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data", "--password", "first-pass"]).exit_code == 0
    count = db.session.query(User).count()
    result = runner.invoke(args=["demo-data", "--password", "second-pass"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.query(User).count() == count
    for name in ("admin", "organizer", "secretary", "door"):
        assert name in USERNAMES
        assert db.session.query(User).filter_by(username=name).one().check_password("second-pass")


def test_backup_writes_a_copy(app, db, tmp_path):
    out = tmp_path / "copy.db"
    if db.engine.dialect.name == "postgresql":
        out = tmp_path / "copy.dump"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()) == out and out.stat().st_size > 0
