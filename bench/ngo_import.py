"""Times parsing, checking and applying a 19,000-row NGO file on a fresh SQLite database.

Beside it, the floor measured in the same run: the same CSV bytes decoded and split by the
csv module, and every row inserted as it is into a bare ten-column table with one
executemany and a commit (no checks, no lookups, no upsert).

    ROWS=19000 .venv/bin/python bench/ngo_import.py
"""
import csv
import io
import sqlite3
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from flask_migrate import upgrade
from openpyxl import Workbook
from sqlalchemy import func, select
from eventsapp import create_app
from eventsapp.extensions import db
from eventsapp.ngos import importer
from eventsapp.ngos.models import Ngo, FIELD_LABELS
from eventsapp.places.models import County

N = int(os.environ.get("ROWS", 19000))
url = os.environ.get("BENCH_DB") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
with app.app_context():
    upgrade()
    rnd = random.Random(1405)
    counties = [(c.name, c.province.name) for c in db.session.scalars(select(County))]
    labels = list(FIELD_LABELS.values())
    header = ["نام", "شماره ثبت", "خیریه", "حوزه فعالیت", "استان", "شهرستان", "نشانی", "تلفن", "وضعیت", "سطح توانمندی"]
    rows = []
    for i in range(N):
        county, province = rnd.choice(counties)
        rows.append([f"انجمن یاوران {i}", str(5_000_000 + i), rnd.choice(["بله", "خیر"]),
                     "، ".join(rnd.sample(labels, rnd.randint(1, 3))), province, county,
                     f"خیابان {i}", f"021{rnd.randrange(10**8):08d}",
                     rnd.choice(["فعال", "نیمه‌فعال", "غیرفعال"]), str(rnd.randint(1, 3))])
    csv_data = ("\ufeff" + "\n".join(",".join(f'"{c}"' for c in r) for r in [header] + rows)).encode()
    wb = Workbook(); ws = wb.active
    for r in [header] + rows: ws.append(r)
    buf = io.BytesIO(); wb.save(buf); xlsx_data = buf.getvalue()

    def timed(label, data, name):
        t0 = time.perf_counter()
        checked = importer.parse_upload(db.session, data, name)
        t1 = time.perf_counter()
        result = importer.apply_import(db.session, checked.good)
        db.session.commit()
        t2 = time.perf_counter()
        print(f"{label:28s} parse+check {t1 - t0:6.2f}s  apply+commit {t2 - t1:6.2f}s  total {t2 - t0:6.2f}s"
              f"  good={len(checked.good)} rejected={len(checked.rejected)} added={result.added}"
              f" updated={result.updated} unchanged={result.unchanged}")

    floor_path = Path(tempfile.mkdtemp()) / "floor.db"
    t0 = time.perf_counter()
    table = list(csv.reader(io.StringIO(csv_data.decode("utf-8-sig"))))
    conn = sqlite3.connect(floor_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"CREATE TABLE ngos ({', '.join(f'c{i} TEXT' for i in range(10))})")
    conn.executemany(f"INSERT INTO ngos VALUES ({', '.join('?' * 10)})", table[1:])
    conn.commit()
    conn.close()
    print(f"{'floor: csv + executemany':28s} {'':30s} total {time.perf_counter() - t0:6.2f}s  rows={len(table) - 1}")
    timed("CSV, empty registry", csv_data, "n.csv")
    timed("CSV again (all unchanged)", csv_data, "n.csv")
    rows2 = [[r[0] + " نو", *r[1:]] for r in rows]
    csv2 = ("\ufeff" + "\n".join(",".join(f'"{c}"' for c in r) for r in [header] + rows2)).encode()
    timed("CSV, every row renamed", csv2, "n.csv")
    timed("XLSX (all renamed back)", xlsx_data, "n.xlsx")
    print("NGOs in the registry:", db.session.scalar(select(func.count(Ngo.id))))
