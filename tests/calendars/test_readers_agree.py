"""Calendars read the same everywhere (the review: ical.js read summer 2008 and 2005 an hour
off; vobject did too for 2005 once it had seen another file): ical.js under node, vobject and
icalendar give zoneinfo's UTC instants for events at 10:00 Tehran. The files' TZID is renamed
so that no reader can fall back on a zone database of its own: only the VTIMEZONE counts."""
import json
import shutil
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import icalendar
import pytest
import vobject

from eventsapp.calendars import ical

from .conftest import SITE, gday

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("node") / "instants.mjs"
DATES = [date(2005, 6, 1), date(2008, 6, 1), date(2021, 3, 22), date(2022, 9, 21),
         date(2030, 1, 1), date(1991, 7, 1), date(1995, 3, 21), date(2040, 12, 31)]
EXPECTED = {  # 10:00 Tehran: 05:30Z under summer time (+04:30), else 06:30Z (+03:30)
    date(2005, 6, 1): "05:30", date(2008, 6, 1): "05:30", date(2021, 3, 22): "05:30",
    date(2022, 9, 21): "05:30", date(2030, 1, 1): "06:30",
}


def _utc(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _zoneinfo(d: date) -> str:
    from eventsapp.jalali import TEHRAN
    return _utc(datetime(d.year, d.month, d.day, 10, tzinfo=TEHRAN))


@pytest.fixture
def files(make_event, tmp_path):
    out = []
    for n, d in enumerate(DATES):
        event = make_event([gday(d, "10:00", "11:00")], venue=f"سالن {n}")
        body = ical.event_ics(event, SITE).replace(b"Asia/Tehran", b"Elsewhere/Tehran")
        path = tmp_path / f"{d.isoformat()}.ics"
        path.write_bytes(body)
        out.append((d, path))
    return out


def test_the_expected_instants_are_zoneinfos():
    assert {d: _zoneinfo(d)[11:16] for d in EXPECTED} == EXPECTED


def test_icalendar_reads_zoneinfos_instants(files):
    for d, path in files:
        [vevent] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        assert _utc(vevent.decoded("DTSTART")) == _zoneinfo(d), d


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_vobject_reads_zoneinfos_instants_whatever_it_read_before(files, order):
    for d, path in (files if order == "forward" else files[::-1]):
        cal = vobject.readOne(path.read_text("utf-8"))
        assert _utc(cal.vevent.dtstart.value) == _zoneinfo(d), d


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_icaljs_under_node_reads_zoneinfos_instants(files):
    assert (ROOT / "node_modules" / "ical.js").is_dir(), "bin/setup installs ical.js from npm"
    run = subprocess.run(["node", str(SCRIPT), *[str(p) for _, p in files]], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=True)
    got = {Path(row["file"]).stem: row["start"].replace(".000Z", "Z") for row in json.loads(run.stdout)}
    assert got == {d.isoformat(): _zoneinfo(d) for d, _ in files}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_icaljs_reads_a_feed_of_all_of_them_in_one_file(make_event, tmp_path):
    events = [make_event([gday(d, "10:00", "11:00")], venue=f"تالار {n}")
              for n, d in enumerate(DATES)]
    path = tmp_path / "feed.ics"
    path.write_bytes(ical.feed_ics(events, SITE, name="همه").replace(b"Asia/Tehran", b"X/Tehran"))
    run = subprocess.run(["node", str(SCRIPT), str(path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    got = sorted(row["start"].replace(".000Z", "Z") for row in json.loads(run.stdout))
    assert got == sorted(_zoneinfo(d) for d in DATES)
