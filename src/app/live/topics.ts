// U4: what a live update names. Browsers refresh the screens whose query keys start with the
// resource (web/src/live.ts); the server never sends data, only which kind of thing changed.

export const LIVE_RESOURCES = [
  "appointments",
  "packages",
  "customers",
  "tickets",
  "classes",
  "activity",
  "reports",
  "catalog",
  "staff",
  "settings",
] as const;
export type LiveResource = (typeof LIVE_RESOURCES)[number];

/**
 * Not sent to browsers: a session of the business may have ended (sign-out, deactivation, a role or
 * password change), so every stream of the business checks its own session at once, on every
 * server process.
 */
export const SESSIONS = "sessions";

export type Topic = LiveResource | typeof SESSIONS;
export const TOPICS: ReadonlySet<string> = new Set<string>([...LIVE_RESOURCES, SESSIONS]);

/** One kind of thing that changed in a business, and which ones when that is known. */
export interface Change {
  topic: Topic;
  ids?: string[];
}
