// The calendar shows the location's wall clock, whatever zone the browser is in: instants become
// "wall-clock" Dates for display, and back again when an appointment is dragged.
import { Temporal } from "temporal-polyfill";

export function toWall(iso: string, zone: string): Date {
  const z = Temporal.Instant.from(iso).toZonedDateTimeISO(zone);
  return new Date(z.year, z.month - 1, z.day, z.hour, z.minute);
}

export function fromWall(date: Date, zone: string): string {
  return Temporal.PlainDateTime.from({
    year: date.getFullYear(),
    month: date.getMonth() + 1,
    day: date.getDate(),
    hour: date.getHours(),
    minute: date.getMinutes(),
  })
    .toZonedDateTime(zone)
    .toInstant()
    .toString();
}

export function todayIn(zone: string): Date {
  const z = Temporal.Now.zonedDateTimeISO(zone);
  return new Date(z.year, z.month - 1, z.day, z.hour, z.minute);
}

/** The next quarter hour on the location's wall clock, for a new appointment made "now". */
export function nextQuarterIn(zone: string): Date {
  const d = todayIn(zone);
  d.setMinutes(Math.ceil((d.getMinutes() + 1) / 15) * 15, 0, 0);
  return d;
}
