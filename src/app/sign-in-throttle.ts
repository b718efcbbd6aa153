// S1: how many wrong passwords anyone may try. Every attempt is claimed in the database before its
// password is checked, as a failure; a success gives the claim back. Each claim is one
// INSERT … ON CONFLICT DO UPDATE … WHERE <allowed>: racing attempts queue on the row's lock and
// each sees the count the one before left, on every server process and on the embedded database.
// A refused claim is never checked, so a burst cannot outrun the limit.
//
// Three limits, claimed in this order in one transaction (a refusal rolls the others back):
// - one e-mail from one address: a few free failures, then delays that double, capped. Keyed by
//   the pair so that guesses from elsewhere never delay the owner on their own device.
// - one address across e-mails (password spraying): a leaky bucket.
// - one e-mail across addresses (guessing from many): a leaky bucket that slows down only addresses
//   the e-mail has never signed in from, so the owner still gets in from a known one.
// Rows are always locked in that table order, so two attempts never wait on each other in a cycle.
import { isIPv4, isIPv6 } from "node:net";
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { DB } from "../db/schema.js";
import { RateLimited } from "../domain/errors.js";
import { toDate } from "../domain/validity.js";
import type { Executor } from "./context.js";

/** wrong passwords one e-mail may try from one address before the delays begin */
export const FREE_FAILURES_PER_PAIR = 5;
export const FIRST_DELAY_SECONDS = 1;
export const MAX_DELAY_SECONDS = 15 * 60;
/** a pair's failures are forgotten this long after its last one */
export const PAIR_MEMORY_HOURS = 24;
/** an address the e-mail signed in from passes the per-e-mail slow-down for this long */
export const KNOWN_ADDRESS_DAYS = 90;

interface Bucket {
  table: "sign_in_throttle_addresses" | "sign_in_throttle_emails";
  key: "address" | "email";
  /** failures counted at once before refusing */
  burst: number;
  /** one counted failure drains away in this many seconds */
  drainSeconds: number;
}

/** per address across e-mails: 20 at once, then 20 per 15 minutes */
export const ADDRESS_BUCKET: Bucket = {
  table: "sign_in_throttle_addresses",
  key: "address",
  burst: 20,
  drainSeconds: 45,
};
/** per e-mail across addresses it never signed in from: 20 at once, then 20 an hour */
export const EMAIL_BUCKET: Bucket = {
  table: "sign_in_throttle_emails",
  key: "email",
  burst: 20,
  drainSeconds: 180,
};

export class TooManyAttempts extends RateLimited {
  constructor(retryAfterSeconds: number) {
    super(
      "too_many_attempts",
      `Too many failed sign-ins; try again in ${inWords(retryAfterSeconds)}.`,
      retryAfterSeconds,
    );
  }
}

function inWords(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/**
 * The key an address is counted under. An IPv6 client usually holds a whole /64 and could change
 * address at every attempt inside it, so it is counted as its /64; an IPv4-mapped IPv6 address is
 * counted as the IPv4 address it is.
 */
export function addressKey(ip: string): string {
  const bare = ip.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1] && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(bare)) return ip;
  return `${expandIPv6(bare).slice(0, 4).join(":")}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head = "", tail] = ip.split("::");
  const part = (text: string) => (text === "" ? [] : text.split(":"));
  const groups = (words: string[]) =>
    words.flatMap((w) => {
      if (!w.includes(".")) return [w];
      const [a = 0, b = 0, c = 0, d = 0] = w.split(".").map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const left = groups(part(head));
  const right = tail === undefined ? [] : groups(part(tail));
  const zeros = Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}

/** What a granted claim took, to be given back when the password turns out right. */
export interface Claim {
  email: string;
  address: string;
  /** whether the per-e-mail bucket was charged (not for an address the e-mail signed in from) */
  chargedEmail: boolean;
}

const at = (now: Temporal.Instant) => sql`${toDate(now)}::timestamptz`;

/** the wait after a pair's nth failure: none for the free ones, then 1 s, 2 s, 4 s … capped */
const pairDelay = (failures: RawBuilder<unknown>) =>
  sql`make_interval(secs => CASE WHEN ${failures} < ${sql.lit(FREE_FAILURES_PER_PAIR)} THEN 0
    ELSE least(${sql.lit(MAX_DELAY_SECONDS)}, ${sql.lit(FIRST_DELAY_SECONDS)}
      * power(2, least(${failures}, 40) - ${sql.lit(FREE_FAILURES_PER_PAIR)})) END)`;

/** Claims one attempt for the e-mail (already normalized) from the address, or throws TooManyAttempts. */
export async function claimSignInAttempt(
  db: Kysely<DB>,
  email: string,
  ip: string,
  now: Temporal.Instant,
): Promise<Claim> {
  const address = addressKey(ip);
  const outcome = await db.transaction().execute(async (tx) => {
    const pair = await claimPair(tx, email, address, now);
    if (typeof pair === "number") return pair;
    const byAddress = await claimBucket(tx, ADDRESS_BUCKET, address, now);
    if (byAddress !== null) return byAddress;
    const knownAddress =
      pair.lastSuccessAt !== null &&
      pair.lastSuccessAt.getTime() > now.epochMilliseconds - KNOWN_ADDRESS_DAYS * 86_400_000;
    if (knownAddress) return { chargedEmail: false };
    const byEmail = await claimBucket(tx, EMAIL_BUCKET, email, now);
    if (byEmail !== null) return byEmail;
    return { chargedEmail: true };
  });
  if (typeof outcome === "number") throw new TooManyAttempts(outcome);
  return { email, address, chargedEmail: outcome.chargedEmail };
}

/** The pair's claim: its last success, or the seconds to wait when refused. */
async function claimPair(
  tx: Executor,
  email: string,
  address: string,
  now: Temporal.Instant,
): Promise<{ lastSuccessAt: Date | null } | number> {
  const claimed = await sql<{ last_success_at: Date | null }>`
    INSERT INTO sign_in_throttle_pairs AS p (email, address, failures, last_failure_at)
    VALUES (${email}, ${address}, 1, ${at(now)})
    ON CONFLICT (email, address) DO UPDATE
      SET failures = CASE
            WHEN p.last_failure_at > ${at(now)} - make_interval(hours => ${sql.lit(PAIR_MEMORY_HOURS)})
            THEN p.failures + 1 ELSE 1 END,
          last_failure_at = ${at(now)}
      WHERE p.last_failure_at IS NULL OR p.last_failure_at + ${pairDelay(sql`p.failures`)} <= ${at(now)}
    RETURNING last_success_at`.execute(tx);
  const row = claimed.rows[0];
  if (row) return { lastSuccessAt: row.last_success_at };
  const wait = await sql<{ seconds: number }>`
    SELECT extract(epoch FROM p.last_failure_at + ${pairDelay(sql`p.failures`)} - ${at(now)})::float8 AS seconds
    FROM sign_in_throttle_pairs p WHERE p.email = ${email} AND p.address = ${address}`.execute(tx);
  return wholeSeconds(wait.rows[0]?.seconds);
}

/** One failure into the bucket: null when it fits, else the seconds until it would. */
async function claimBucket(tx: Executor, bucket: Bucket, key: string, now: Temporal.Instant) {
  const table = sql.table(bucket.table);
  const column = sql.ref(bucket.key);
  const left = sql`greatest(0, b.level
    - greatest(0, extract(epoch FROM ${at(now)} - b.at)::float8) / ${sql.lit(bucket.drainSeconds)})`;
  // A hair of slack so that float rounding of a drained level never refuses a claim that fits.
  const fits = sql`${left} + 1 <= ${sql.lit(bucket.burst)} + 1e-9`;
  const claimed = await sql`
    INSERT INTO ${table} AS b (${column}, level, at) VALUES (${key}, 1, ${at(now)})
    ON CONFLICT (${column}) DO UPDATE SET level = ${left} + 1, at = ${at(now)}
      WHERE ${fits}
    RETURNING level`.execute(tx);
  if (claimed.rows.length > 0) return null;
  const wait = await sql<{ seconds: number }>`
    SELECT ((${left} + 1 - ${sql.lit(bucket.burst)}) * ${sql.lit(bucket.drainSeconds)})::float8 AS seconds
    FROM ${table} b WHERE ${sql.ref(`b.${bucket.key}`)} = ${key}`.execute(tx);
  return wholeSeconds(wait.rows[0]?.seconds);
}

const wholeSeconds = (seconds: number | undefined) => Math.max(1, Math.ceil((seconds ?? 1) - 1e-6));

/** The password was right: the pair's failures are cleared and the buckets get their claim back. */
export async function settleSuccessfulSignIn(db: Executor, claim: Claim, now: Temporal.Instant) {
  await sql`
    WITH pair AS (
      UPDATE sign_in_throttle_pairs SET failures = 0, last_success_at = ${at(now)}
      WHERE email = ${claim.email} AND address = ${claim.address}
      RETURNING 1
    ), address AS (
      UPDATE sign_in_throttle_addresses SET level = greatest(0, level - 1)
      WHERE address = ${claim.address}
      RETURNING 1
    )
    UPDATE sign_in_throttle_emails SET level = greatest(0, level - 1)
    WHERE email = ${claim.email} AND ${sql.lit(claim.chargedEmail)}`.execute(db);
}

/** Forgets what no limit needs any more; safe to run at any time and on several servers. */
export async function pruneSignInThrottle(db: Executor, now: Temporal.Instant): Promise<number> {
  const drained = (bucket: Bucket) =>
    sql`at + make_interval(secs => level * ${sql.lit(bucket.drainSeconds)}) <= ${at(now)}`;
  const result = await sql<{ n: number }>`
    WITH pairs AS (
      DELETE FROM sign_in_throttle_pairs
      WHERE (last_failure_at IS NULL
             OR last_failure_at <= ${at(now)} - make_interval(hours => ${sql.lit(PAIR_MEMORY_HOURS)}))
        AND (last_success_at IS NULL
             OR last_success_at <= ${at(now)} - make_interval(days => ${sql.lit(KNOWN_ADDRESS_DAYS)}))
      RETURNING 1
    ), addresses AS (
      DELETE FROM sign_in_throttle_addresses WHERE ${drained(ADDRESS_BUCKET)} RETURNING 1
    ), emails AS (
      DELETE FROM sign_in_throttle_emails WHERE ${drained(EMAIL_BUCKET)} RETURNING 1
    )
    SELECT (SELECT count(*) FROM pairs) + (SELECT count(*) FROM addresses)
      + (SELECT count(*) FROM emails) AS n`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}
