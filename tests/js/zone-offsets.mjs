// Reads the VTIMEZONEs of an iCalendar file with ical.js (the parser inside Thunderbird) and
// prints, for each TZID, the UTC offset in seconds it gives each local (wall-clock) time, as
// it does for DTSTART;TZID=...
// Usage: node zone-offsets.mjs FILE WALL_TIMES.json   (e.g. ["2027-03-28T09:00:00"])
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
const walls = JSON.parse(readFileSync(process.argv[3], "utf8"));
const result = {};
for (const component of calendar.getAllSubcomponents("vtimezone")) {
  const zone = new ICAL.Timezone(component);
  result[zone.tzid] = walls.map((wall) => zone.utcOffset(ICAL.Time.fromDateTimeString(wall)));
}
process.stdout.write(JSON.stringify(result));
