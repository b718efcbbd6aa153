// O2, A10: weekly hours (a staff member's working hours at a location, a location's opening hours)
// and the online booking slots they allow. Hours are local wall-clock minutes after midnight in the
// location's zone, [start, end), on an ISO weekday (1 = Monday … 7 = Sunday).
import { Temporal } from "temporal-polyfill";
import { invalid } from "./errors.js";

export interface Interval {
  /** minutes after local midnight, 0 … 1439 */
  start: number;
  /** minutes after local midnight, 1 … 1440 (24:00 is the end of the day) */
  end: number;
}

export interface WeeklyInterval extends Interval {
  weekday: number;
}

/** A location without opening hours is open 09:00-18:00 every day, as online booking always was. */
export const DEFAULT_OPENING: readonly Interval[] = [{ start: 9 * 60, end: 18 * 60 }];

/**
 * What online booking needs to know of the hours of one staff member at one location. `staff` is
 * null when the staff member has no working hours at any location: they are then offered whenever
 * the location is open. Once they have hours somewhere, a weekday without hours here is a day off
 * here. `opening` is null when the location has no opening hours (DEFAULT_OPENING applies).
 */
export interface BookingHours {
  staff: readonly WeeklyInterval[] | null;
  opening: readonly WeeklyInterval[] | null;
}

const onDay = (hours: readonly WeeklyInterval[], weekday: number): Interval[] =>
  hours
    .filter((h) => h.weekday === weekday)
    .map(({ start, end }) => ({ start, end }))
    .sort((a, b) => a.start - b.start);

/** The intervals of a weekday when the staff member may be booked at the location. */
export function bookableIntervals(hours: BookingHours, weekday: number): Interval[] {
  const opening = hours.opening ? onDay(hours.opening, weekday) : [...DEFAULT_OPENING];
  if (!hours.staff) return opening;
  return intersect(onDay(hours.staff, weekday), opening);
}

/** The parts of time in both lists (each sorted and without overlaps). */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (start < end) out.push({ start, end });
    }
  }
  return out.sort((p, q) => p.start - q.start);
}

/**
 * The starts of a local date at which a service of `minutes` fits inside one of the intervals, every
 * `step` minutes from each interval's start. A wall time that does not exist that day (a daylight
 * saving gap) is taken as the instant the clock shows then ("compatible"); a start that two wall
 * times reach is offered once.
 */
export function slotStarts(
  date: Temporal.PlainDate,
  zone: string,
  intervals: readonly Interval[],
  minutes: number,
  step: number,
): Temporal.Instant[] {
  const at = (m: number) =>
    m >= 1440
      ? date.add({ days: 1 }).toZonedDateTime({ timeZone: zone })
      : date.toZonedDateTime({
          timeZone: zone,
          plainTime: { hour: Math.floor(m / 60), minute: m % 60 },
        });
  const seen = new Set<number>();
  const starts: Temporal.Instant[] = [];
  for (const interval of intervals) {
    const close = at(interval.end);
    for (let m = interval.start; m < interval.end; m += step) {
      const t = at(m);
      if (Temporal.ZonedDateTime.compare(t.add({ minutes }), close) > 0) break;
      if (seen.has(t.epochMilliseconds)) continue;
      seen.add(t.epochMilliseconds);
      starts.push(t.toInstant());
    }
  }
  return starts.sort(Temporal.Instant.compare);
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "09:30" → 570; "24:00" only as an end. */
export function parseTime(value: string, field: string, isEnd: boolean): number {
  if (isEnd && value === "24:00") return 1440;
  const m = TIME.exec(value);
  if (!m) throw invalid("invalid_time", `${field} must be a time written HH:MM, 00:00 to 24:00.`, field);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** 570 → "09:30"; 1440 → "24:00". */
export function formatTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * A week of hours as sent by a client (`field` names the list), checked: each end after its start,
 * and no two intervals of one weekday overlapping or touching twice the same minute.
 */
export function parseWeeklyHours(
  input: ReadonlyArray<{ weekday: number; start: string; end: string }>,
  field: string,
): WeeklyInterval[] {
  const hours = input.map((h, i) => {
    const start = parseTime(h.start, `${field}.${i}.start`, false);
    const end = parseTime(h.end, `${field}.${i}.end`, true);
    if (end <= start)
      throw invalid("end_before_start", "Each interval must end after it starts.", `${field}.${i}.end`);
    return { weekday: h.weekday, start, end, index: i };
  });
  const sorted = [...hours].sort((a, b) => a.weekday - b.weekday || a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.weekday === cur.weekday && cur.start < prev.end)
      throw invalid(
        "hours_overlap",
        `Two intervals of the same day overlap (${formatTime(prev.start)}–${formatTime(prev.end)} and ${formatTime(cur.start)}–${formatTime(cur.end)}).`,
        `${field}.${cur.index}.start`,
      );
  }
  return sorted.map(({ weekday, start, end }) => ({ weekday, start, end }));
}
