"""The floor for bench/checkin.py: a bare Flask endpoint that does one durable INSERT per request.

Served by the same gunicorn settings as the app. ``FLOOR_DATABASE`` is a SQLite file path (WAL,
the same busy timeout as the app and SQLite's default synchronous=FULL, which the app keeps) or a
``postgresql://`` URL. One connection per thread, reused, as the app's pool does.

    FLOOR_DATABASE=/tmp/floor.db gunicorn --chdir bench floor_app:app
"""
import os
import sqlite3
import threading
from datetime import datetime, timezone

from flask import Flask, jsonify, request

DATABASE = os.environ.get("FLOOR_DATABASE", "floor.db")
IS_PG = DATABASE.startswith(("postgresql://", "postgres://"))
SCHEMA = ("CREATE TABLE IF NOT EXISTS bench_floor (id {pk}, code VARCHAR(200) NOT NULL, "
          "gate VARCHAR(60) NOT NULL, at VARCHAR(40) NOT NULL)")

app = Flask(__name__)
_local = threading.local()


def connect():
    if IS_PG:
        import psycopg

        return psycopg.connect(DATABASE)
    conn = sqlite3.connect(DATABASE, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def create_schema() -> None:
    conn = connect()
    conn.execute(SCHEMA.format(pk="SERIAL PRIMARY KEY" if IS_PG else "INTEGER PRIMARY KEY"))
    conn.commit()
    conn.close()


def _conn():
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = connect()
    return conn


@app.post("/scan")
def scan():
    data = request.get_json(silent=True) or {}
    conn = _conn()
    mark = "%s" if IS_PG else "?"
    conn.execute(f"INSERT INTO bench_floor (code, gate, at) VALUES ({mark}, {mark}, {mark})",
                 (str(data.get("code", ""))[:200], str(data.get("gate", ""))[:60],
                  datetime.now(timezone.utc).isoformat()))
    conn.commit()
    return jsonify({"ok": True})
