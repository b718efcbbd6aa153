// G4: a package's pauses as the screens read them. A pause covers its days from startsOn to endsOn
// (local dates of the package's zone, both paused); on those days no credit of the package is used,
// and the expiry moved later by them. The card shows the pause going on today and those to come;
// the till and the calendar pass a package paused on the day over, as the server does.
import type { Package } from "../api/types.js";

export type Pause = Package["pauses"][number];

/** 'YYYY-MM-DD' moved by `days` (earlier when negative). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** Days from `from` to `to` ('YYYY-MM-DD'): 0 for the same day, negative when `to` is earlier. */
export function daysFrom(from: string, to: string): number {
  const at = (date: string) => {
    const [y, m, d] = date.split("-").map(Number);
    return Date.UTC(y!, m! - 1, d!);
  };
  return Math.round((at(to) - at(from)) / 86_400_000);
}

/** The pause covering the local date `date`, or null. */
export const pauseOn = (pkg: Pick<Package, "pauses">, date: string): Pause | null =>
  pkg.pauses.find((p) => p.startsOn <= date && date <= p.endsOn) ?? null;

/** The pause covering the instant `at` (an appointment's start), or null. */
export function pauseAt(pkg: Pick<Package, "pauses">, at: string | Date): Pause | null {
  const ms = (typeof at === "string" ? new Date(at) : at).getTime();
  return (
    pkg.pauses.find((p) => new Date(p.startsAt).getTime() <= ms && ms < new Date(p.endsAt).getTime()) ?? null
  );
}

/** The pauses not over by `today`, earliest first: the one going on, then those to come. */
export const pausesAhead = (pkg: Pick<Package, "pauses">, today: string): Pause[] =>
  pkg.pauses.filter((p) => p.endsOn >= today).sort((a, b) => a.startsOn.localeCompare(b.startsOn));

/** Every paused day the expiry was moved by (pauses gone by included). */
export const pausedDays = (pkg: Pick<Package, "pauses">): number =>
  pkg.pauses.reduce((n, p) => n + p.days, 0);
