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

/**
 * Where "New appointment" starts: on the day the calendar shows, since the form asks for a time and
 * not a date; at the next quarter hour of the location's wall clock when that day is today and the
 * quarter is still today (from 23:45 it is tomorrow's midnight), else at 09:00.
 */
export function newAppointmentStart(shown: Date, zone: string, now: Date = todayIn(zone)): Date {
  const next = new Date(now);
  next.setMinutes(Math.ceil((next.getMinutes() + 1) / 15) * 15, 0, 0);
  const sameDay =
    next.getFullYear() === shown.getFullYear() &&
    next.getMonth() === shown.getMonth() &&
    next.getDate() === shown.getDate();
  return sameDay ? next : new Date(shown.getFullYear(), shown.getMonth(), shown.getDate(), 9, 0);
}
