// Reads iCalendar files with ical.js (the parser inside Thunderbird) and prints, for each
// file, its events as JSON: uid, UTC start and end, summary, status, sequence.
// Usage: node read-ical.mjs FILE...   (exit status 1 if a file cannot be parsed)
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function readCalendar(path) {
  const text = readFileSync(path, "utf8");
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  }
  return calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    for (const name of ["dtstart", "dtend"]) {
      const zoneId = component.getFirstProperty(name).getParameter("tzid");
      const value = component.getFirstPropertyValue(name);
      if (zoneId ? !ICAL.TimezoneService.has(zoneId) : !(value.zone && value.zone.tzid === "UTC")) {
        throw new Error(`event ${event.uid}: ${name} is floating or its TZID is unknown`);
      }
    }
    return {
      uid: event.uid,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      summary: event.summary,
      status: component.getFirstPropertyValue("status"),
      sequence: event.sequence,
      description: event.description,
    };
  });
}

const result = {};
for (const path of process.argv.slice(2)) {
  result[path] = readCalendar(path);
}
process.stdout.write(JSON.stringify(result));
