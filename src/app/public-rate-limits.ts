// How much one client address, or one e-mail address, may ask of a business's public routes. The
// counts live in the database (public_request_counts), so every server process counts the same
// requests and a restart forgets nothing; the embedded database counts the same way. A count is one
// INSERT … ON CONFLICT DO UPDATE … RETURNING: racing requests queue on the row's lock and each sees
// the count the one before left, so a burst cannot outrun the limit. Windows are fixed (the hour,
// the UTC day): a burst across a window's edge may reach twice the limit, which still stops a
// script and never troubles a person.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import { RateLimited } from "../domain/errors.js";
import type { Executor } from "./context.js";
import { sha256 } from "./sign-in.js";
import { addressKey } from "./sign-in-throttle.js";

export interface PublicLimit {
  bucket: "booking_address" | "booking_email";
  max: number;
  windowMs: number;
  code: string;
  message: string;
  field?: string;
}

const HOUR_MS = 3_600_000;

/** Booking requests from one client address (an IPv6 client counts as its /64), per business. */
export const BOOKING_REQUESTS_PER_ADDRESS: PublicLimit = {
  bucket: "booking_address",
  max: 10,
  windowMs: HOUR_MS,
  code: "too_many_booking_requests",
  message: "Too many booking requests from this network; try again in an hour.",
};

/** Confirmation e-mails one address may be sent per business: nobody's mailbox is flooded. */
export const BOOKING_REQUESTS_PER_EMAIL: PublicLimit = {
  bucket: "booking_email",
  max: 5,
  windowMs: 24 * HOUR_MS,
  code: "too_many_booking_requests_for_email",
  message: "Too many booking requests for this e-mail address today; try again tomorrow.",
  field: "email",
};

/** Counts one request under the key, then refuses it (429) when the window holds too many. */
export async function countPublicRequest(
  db: Executor,
  businessId: string,
  limit: PublicLimit,
  key: string,
  now: Temporal.Instant,
): Promise<void> {
  const counted = limit.bucket === "booking_address" ? addressKey(key) : key.toLowerCase();
  const row = await db
    .insertInto("public_request_counts")
    .values({
      business_id: businessId,
      bucket: limit.bucket,
      key_hash: sha256(counted),
      window_start: new Date(Math.floor(now.epochMilliseconds / limit.windowMs) * limit.windowMs),
      hits: 1,
    })
    .onConflict((oc) =>
      oc
        .columns(["business_id", "bucket", "key_hash", "window_start"])
        .doUpdateSet({ hits: sql`public_request_counts.hits + 1` }),
    )
    .returning("hits")
    .executeTakeFirstOrThrow();
  if (row.hits > limit.max) {
    const windowEnds = Math.floor(now.epochMilliseconds / limit.windowMs + 1) * limit.windowMs;
    throw new RateLimited(
      limit.code,
      limit.message,
      Math.ceil((windowEnds - now.epochMilliseconds) / 1000),
      limit.field,
    );
  }
}

/** Forgets the counts of windows that ended long ago: of one business, or (null) of every one. */
export async function forgetOldCounts(
  db: Executor,
  businessId: string | null,
  now: Temporal.Instant,
): Promise<void> {
  let q = db
    .deleteFrom("public_request_counts")
    .where("window_start", "<", new Date(now.epochMilliseconds - 2 * 24 * HOUR_MS));
  if (businessId) q = q.where("business_id", "=", businessId);
  await q.execute();
}
