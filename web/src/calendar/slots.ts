// Where "New appointment" starts (A1, O2): on the day the calendar shows, at the first time within the
// location's opening hours when someone who does the services is working and free, and with them.
// Hours are wall-clock minutes after local midnight at the location; a day is its ISO date.
import { Temporal } from "temporal-polyfill";
import type { Role } from "../api/types.js";

/** A weekly interval as the API answers it: "HH:MM", local at the location; 1 = Monday. */
export interface WeeklyHours {
  weekday: number;
  start: string;
  end: string;
}

export interface StaffHours {
  id: string;
  role: Role;
  /** the member's hours at this location; null when they have none anywhere (then: whenever open) */
  hours: WeeklyHours[] | null;
}

/** An appointment that keeps a staff member busy, on one local day. */
export interface Busy {
  staffId: string;
  date: string;
  start: number;
  end: number;
}

export interface Slot {
  date: string;
  /** minutes after local midnight */
  minute: number;
  staffId: string | null;
}

interface Interval {
  start: number;
  end: number;
}

/** A location without opening hours is open 09:00-18:00 every day (migration 0015). */
const DEFAULT_OPENING: Interval[] = [{ start: 9 * 60, end: 18 * 60 }];

export const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export const hhmm = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

const weekdayOf = (date: string) => Temporal.PlainDate.from(date).dayOfWeek;

const onDay = (hours: WeeklyHours[], weekday: number): Interval[] =>
  hours
    .filter((h) => h.weekday === weekday)
    .map((h) => ({ start: minutesOf(h.start), end: minutesOf(h.end) }))
    .sort((a, b) => a.start - b.start);

/** The location's opening intervals on a date; `opening` empty or null: the default day. */
export function openingOn(opening: WeeklyHours[] | null, date: string): Interval[] {
  return opening && opening.length > 0 ? onDay(opening, weekdayOf(date)) : DEFAULT_OPENING;
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a)
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (start < end) out.push({ start, end });
    }
  return out.sort((p, q) => p.start - q.start);
}

/** When a member may be booked on a date: their hours within the opening hours, as online booking. */
function workingOn(member: StaffHours, opening: WeeklyHours[] | null, date: string): Interval[] {
  const open = openingOn(opening, date);
  return member.hours ? intersect(onDay(member.hours, weekdayOf(date)), open) : open;
}

const within = (intervals: Interval[], start: number, end: number) =>
  intervals.some((i) => i.start <= start && end <= i.end);

const isFree = (busy: Busy[], staffId: string, date: string, start: number, end: number) =>
  !busy.some((b) => b.staffId === staffId && b.date === date && b.start < end && start < b.end);

/**
 * Who does the services first: practitioners, then managers and owners, the front desk last. A member
 * of a later group is suggested only when nobody of an earlier one can be.
 */
const TIER: Record<Role, number> = { practitioner: 0, manager: 1, owner: 1, front_desk: 2 };
export const tierOf = (role: Role): number => TIER[role];

function tiers(staff: StaffHours[]): StaffHours[][] {
  const groups = new Map<number, StaffHours[]>();
  for (const s of staff) groups.set(TIER[s.role], [...(groups.get(TIER[s.role]) ?? []), s]);
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, g]) => g);
}

export interface SlotQuestion {
  /** the day the calendar shows */
  date: string;
  /** the location's wall clock now */
  now: { date: string; minute: number };
  opening: WeeklyHours[] | null;
  /** the members to choose among (one, when a staff column was clicked) */
  staff: StaffHours[];
  busy: Busy[];
  /** minutes the appointment needs; 30 until services are chosen */
  duration?: number;
  step?: number;
  /** days to look ahead when the shown day has no room left (today after closing) */
  daysAhead?: number;
}

/**
 * The next sensible slot: on the shown day (not before now when it is today), the first quarter hour
 * within the opening hours at which a member of the first group with anyone free works and is free;
 * when the day has no room left, the next day that has. Null when nothing fits in `daysAhead` days.
 */
export function suggestSlot(q: SlotQuestion): Slot | null {
  const duration = q.duration ?? 30;
  const step = q.step ?? 15;
  const firstOn = (date: string, earliest: number) => {
    for (const group of tiers(q.staff)) {
      const found = firstFree(group, q, date, earliest, duration, step);
      if (found) return found;
    }
    return null;
  };
  // A day gone by, opened on purpose (a booking entered afterwards): its first free slot.
  if (q.date < q.now.date) return firstOn(q.date, 0);
  let date = q.date;
  for (let day = 0; day <= (q.daysAhead ?? 14); day++) {
    const found = firstOn(date, date === q.now.date ? Math.ceil((q.now.minute + 1) / step) * step : 0);
    if (found) return found;
    date = Temporal.PlainDate.from(date).add({ days: 1 }).toString();
  }
  return null;
}

function firstFree(
  group: StaffHours[],
  q: SlotQuestion,
  date: string,
  earliest: number,
  duration: number,
  step: number,
): Slot | null {
  let best: Slot | null = null;
  for (const member of group) {
    for (const interval of workingOn(member, q.opening, date)) {
      let m = Math.max(interval.start, Math.ceil(earliest / step) * step);
      // align to the interval's own quarter hours
      m = interval.start + Math.ceil((m - interval.start) / step) * step;
      for (; m + duration <= interval.end; m += step) {
        if (best && m >= best.minute) break;
        if (isFree(q.busy, member.id, date, m, m + duration)) {
          best = { date, minute: m, staffId: member.id };
          break;
        }
      }
    }
  }
  return best;
}

/**
 * Who a slot chosen on the calendar (a time, no column) is with: the first member of the earliest
 * group who works then and is free; else who works then; else the first of the earliest group.
 */
export function staffFor(
  staff: StaffHours[],
  opening: WeeklyHours[] | null,
  busy: Busy[],
  date: string,
  minute: number,
  duration = 30,
): string | null {
  const groups = tiers(staff);
  const works = (s: StaffHours) => within(workingOn(s, opening, date), minute, minute + duration);
  for (const group of groups) {
    const free = group.find((s) => works(s) && isFree(busy, s.id, date, minute, minute + duration));
    if (free) return free.id;
  }
  for (const group of groups) {
    const working = group.find(works);
    if (working) return working.id;
  }
  return groups[0]?.[0]?.id ?? null;
}
