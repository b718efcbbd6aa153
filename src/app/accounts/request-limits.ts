// How often one client address, or one e-mail address, may ask for a sign-up link or a password
// reset link: counted in the database like the public booking requests (src/app/public-rate-limits.ts:
// one INSERT … ON CONFLICT DO UPDATE … RETURNING per request, fixed windows, a SHA-256 of the key),
// but belonging to no business. The per-e-mail limits keep anyone from flooding a mailbox.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { AccountRequestCountsTable } from "../../db/schema.js";
import { RateLimited } from "../../domain/errors.js";
import type { Executor } from "../context.js";
import { sha256 } from "../sign-in.js";
import { addressKey } from "../sign-in-throttle.js";

export interface AccountLimit {
  bucket: AccountRequestCountsTable["bucket"];
  max: number;
  windowMs: number;
  code: string;
  message: string;
  field?: string;
}

const HOUR_MS = 3_600_000;

export const SIGN_UPS_PER_ADDRESS: AccountLimit = {
  bucket: "sign_up_address",
  max: 5,
  windowMs: HOUR_MS,
  code: "too_many_sign_ups",
  message: "Too many sign-ups from this network; try again in an hour.",
};
export const SIGN_UPS_PER_EMAIL: AccountLimit = {
  bucket: "sign_up_email",
  max: 3,
  windowMs: 24 * HOUR_MS,
  code: "too_many_sign_ups_for_email",
  message: "Too many sign-up links for this e-mail address today; try again tomorrow.",
  field: "email",
};
export const RESETS_PER_ADDRESS: AccountLimit = {
  bucket: "reset_address",
  max: 10,
  windowMs: HOUR_MS,
  code: "too_many_password_resets",
  message: "Too many password reset requests from this network; try again in an hour.",
};
// Counted whether or not the e-mail has an account, so the limit tells nothing either.
export const RESETS_PER_EMAIL: AccountLimit = {
  bucket: "reset_email",
  max: 3,
  windowMs: HOUR_MS,
  code: "too_many_password_resets_for_email",
  message: "Too many password reset requests for this e-mail address; try again in an hour.",
  field: "email",
};

/** Counts one request under the key, then refuses it (429) when the window holds too many. */
export async function countAccountRequest(
  db: Executor,
  limit: AccountLimit,
  key: string,
  now: Temporal.Instant,
): Promise<void> {
  const counted = limit.bucket.endsWith("_address") ? addressKey(key) : key.trim().toLowerCase();
  const windowStart = Math.floor(now.epochMilliseconds / limit.windowMs) * limit.windowMs;
  const row = await db
    .insertInto("account_request_counts")
    .values({
      bucket: limit.bucket,
      key_hash: sha256(counted),
      window_start: new Date(windowStart),
      hits: 1,
    })
    .onConflict((oc) =>
      oc
        .columns(["bucket", "key_hash", "window_start"])
        .doUpdateSet({ hits: sql`account_request_counts.hits + 1` }),
    )
    .returning("hits")
    .executeTakeFirstOrThrow();
  if (row.hits > limit.max) {
    const windowEnds = windowStart + limit.windowMs;
    throw new RateLimited(
      limit.code,
      limit.message,
      Math.ceil((windowEnds - now.epochMilliseconds) / 1000),
      limit.field,
    );
  }
}

/** Forgets counts of windows that ended long ago, and links that can no longer be used. */
export async function forgetOldAccountRequests(db: Executor, now: Temporal.Instant): Promise<void> {
  const longAgo = new Date(now.epochMilliseconds - 2 * 24 * HOUR_MS);
  await db.deleteFrom("account_request_counts").where("window_start", "<", longAgo).execute();
  await db.deleteFrom("password_resets").where("expires_at", "<", longAgo).execute();
  await db
    .deleteFrom("sign_up_requests")
    .where("expires_at", "<", longAgo)
    .where("used_at", "is", null)
    .execute();
}
