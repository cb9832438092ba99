"""The door's hot path on SQLAlchemy Core against the driver SQL of checkin/doordb.py (issue 10,
item 4): a scanner device's scan (the one-statement read, the verdict, BEGIN IMMEDIATE, the
re-check, the check-in, the scan log, COMMIT), in this process, without HTTP. Both variants run
the very same statements and rules (``services.decide_scan``/``record_scan``); the Core one
sends them through a SQLAlchemy ``Connection`` (``text()`` statements, compiled once and
cached: Core's per-statement work) instead of the DBAPI cursor. Batches of the two alternate,
and the best batch of each (CPU time of the thread) is kept, so a busy machine shows in both.

    .venv/bin/python bench/door_core.py [--scans 6000] [--batch 200] [--database-url …]

Prints microseconds per scan for each and Core / driver.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scans", type=int, default=6000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    import checkin as bench  # bench/checkin.py: the same seeding as the HTTP benchmark
    from sqlalchemy import text

    from eventsapp import create_app
    from eventsapp.checkin import doordb, services
    from eventsapp.extensions import db

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/door.db"
    seeded = bench.seed(url, tickets=args.scans, clients=2, auth="device")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only"})

    class CoreDoor(doordb.DoorDb):
        """DoorDb's statements through a SQLAlchemy Connection."""

        def __init__(self, connection):
            super().__init__(None, connection.dialect.name)
            self.c = connection
            self.STATEMENTS = statements[connection.dialect.name]

        def _one(self, name, params):
            return self.c.execute(self.STATEMENTS[name], params).fetchone()

        def _run(self, name, params):
            self.c.execute(self.STATEMENTS[name], params)

        def begin_write(self):  # as DoorDb: PostgreSQL goes on in the reads' transaction
            if self.sqlite:
                self.c.rollback()  # the reads' (deferred) transaction
                doordb._SQLITE_WRITER.acquire()
                self._writing = True
                self.c.execution_options(sqlite_write=True).begin()  # BEGIN IMMEDIATE

        def commit(self):
            try:
                self.c.commit()
            finally:
                self._done_writing()

    statements = {"sqlite": {name: text(sql) for name, sql in doordb._SQL.items()}}
    statements["postgresql"] = {**statements["sqlite"],
                                "recheck": text(doordb._SQL["recheck"] + " FOR SHARE OF r, e")}

    def core_scan(engine, event_id, code, token_hash, now):
        with engine.connect() as connection:
            door = CoreDoor(connection)
            device, event, ticket = door.device_scan(token_hash, event_id, services.to_tehran(now).date(),
                                                     services.extract_code(code))
            pending = services.decide_scan(door, event_id, code, now=now, event=event, ticket=ticket)
            door.begin_write()
            result = services.record_scan(door, pending, device_id=device[0], gate="شمالی")
            door.commit()
        return result

    def driver_scan(engine, event_id, code, token_hash, now):
        return services.scan_now(engine, event_id, code, device_hash=token_hash, gate="شمالی", now=now)

    with app.app_context():
        engine = db.engine
        token_hash = services.token_hash(seeded["tokens"][0])
        codes, event_id = seeded["codes"], seeded["event_id"]
        best = {"driver": float("inf"), "core": float("inf")}
        runs = {"driver": driver_scan, "core": core_scan}
        ok = 0
        for n, start in enumerate(range(0, len(codes), args.batch)):
            name = ("driver", "core")[n % 2]
            batch = codes[start:start + args.batch]
            began = time.thread_time()  # CPU: the disk's fsync waits are the same for both
            for code in batch:
                ok += runs[name](engine, event_id, code, token_hash, services.utcnow()).verdict.value == "ok"
            best[name] = min(best[name], (time.thread_time() - began) / len(batch))
        engine.dispose()
    print(f"database: {engine.dialect.name}; {ok} of {len(codes)} scans ok; best batch of {args.batch}:")
    for name, seconds in best.items():
        print(f"  {name:6s} {seconds * 1e6:7.0f} µs per scan")
    print(f"  core / driver: {best['core'] / best['driver']:.2f}; "
          f"Core costs {(best['core'] - best['driver']) * 1e6:+.0f} µs per scan")


if __name__ == "__main__":
    main()
