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

/** A wall-clock Date's local date, "YYYY-MM-DD". */
export const wallDate = (date: Date): string =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

/** A wall-clock Date's minutes after local midnight. */
export const wallMinute = (date: Date): number => date.getHours() * 60 + date.getMinutes();

/** The location's date and minute now. */
export function nowIn(zone: string): { date: string; minute: number } {
  const z = Temporal.Now.zonedDateTimeISO(zone);
  return { date: z.toPlainDate().toString(), minute: z.hour * 60 + z.minute };
}

/** The instant of a local date and "HH:MM" at the location. */
export const instantAt = (date: string, time: string, zone: string): string =>
  Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(zone).toInstant().toString();
