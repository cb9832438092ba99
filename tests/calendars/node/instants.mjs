// Reads .ics files with ical.js (from npm, pinned in package-lock.json) and prints, as JSON,
// each VEVENT's UID and DTSTART as a UTC instant, resolving TZIDs only through the files' own
// VTIMEZONEs. Usage: node instants.mjs FILE...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const out = [];
for (const path of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  for (const vevent of root.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    out.push({ file: path, uid: event.uid, start: event.startDate.toJSDate().toISOString() });
  }
}
process.stdout.write(JSON.stringify(out));
