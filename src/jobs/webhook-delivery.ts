// W3: the webhook worker. Mirrors the mail outbox (src/app/outbox.ts): due deliveries are claimed
// with FOR UPDATE SKIP LOCKED and leased by pushing next_attempt_at past the longest attempt, so two
// server processes never post one delivery at the same time; the claim commits before anything is
// posted. Each delivery is posted signed (src/app/webhooks/signing.ts) to its endpoint's URL only,
// through a lookup that refuses non-public addresses (src/app/webhooks/network.ts), with a 10 s
// limit. A 2xx marks it delivered; anything else backs off (30 s, 2 min, 8 min … up to 12 h). An
// endpoint that has failed for three days is turned off and its business's owners are e-mailed.
// At least once: a crash between the receiver's 2xx and the mark posts it again after the lease,
// with the same webhook-id, which receivers use to drop the duplicate.
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { App, Executor } from "../app/context.js";
import { LANGUAGES, LOCALES_DIR } from "../app/languages.js";
import { enqueueMail } from "../app/outbox.js";
import {
  addressAllowed,
  checkedLookup,
  RefusedAddressError,
  type WebhookNetworkPolicy,
  webhookNetworkPolicy,
} from "../app/webhooks/network.js";
import { signatureHeader } from "../app/webhooks/signing.js";
import type { DB } from "../db/schema.js";
import { toDate } from "../domain/validity.js";

/** One post may take this long, all of it: connecting, sending, the answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A claimed delivery is invisible to other workers this long: far longer than one post. */
export const WEBHOOK_LEASE_MS = 2 * 60_000;
/** After failing this long, a delivery is given up, and its endpoint turned off. */
export const WEBHOOK_GIVE_UP_MS = 3 * 24 * 3_600_000;
/** The wait after the n-th failed attempt: 30 s × 4^(n-1), at most 12 h (≈ 12 attempts in 3 days). */
export const webhookBackoffMs = (attempt: number) => Math.min(12 * 3_600_000, 30_000 * 4 ** (attempt - 1));
/** How much of a receiver's answer the delivery log keeps. */
const SNIPPET_CHARS = 500;

interface Claimed {
  business_id: string;
  id: string;
  event_id: string;
  endpoint_id: string;
  attempts: number;
  created_at: Date;
  type: string;
  data: string;
  occurred_at: Date;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
}

/**
 * Takes up to `limit` due deliveries of enabled endpoints in one statement: locked, counted, leased.
 * The due ones are read in the order of the partial index of pending deliveries, which stops after
 * `limit`; the endpoint is a per-row check, never a join the planner could drive from the endpoint
 * (through the index of every delivery it ever had). Bitmap and sequential scans are off for the
 * claim: with statistics that lag behind a fast-growing backlog (autovacuum has not analyzed it yet)
 * the planner would otherwise read and sort every pending delivery to take 32.
 */
async function claimDue(db: Kysely<DB>, now: Temporal.Instant, limit: number): Promise<Claimed[]> {
  return db.transaction().execute(async (tx) => {
    await sql`SET LOCAL enable_bitmapscan = off`.execute(tx);
    await sql`SET LOCAL enable_seqscan = off`.execute(tx);
    // The CTE runs once (its row lock keeps PostgreSQL from inlining it), so each row is claimed once.
    const { rows } = await sql<Claimed>`
      WITH due AS (
        SELECT d.business_id, d.id FROM webhook_deliveries d
         WHERE d.status = 'pending' AND d.next_attempt_at <= ${toDate(now)}
           AND (SELECT e.enabled FROM webhook_endpoints e
                 WHERE e.business_id = d.business_id AND e.id = d.endpoint_id)
         ORDER BY d.next_attempt_at, d.id
         LIMIT ${limit}
           FOR UPDATE OF d SKIP LOCKED)
      UPDATE webhook_deliveries d
         SET attempts = d.attempts + 1,
             next_attempt_at = ${toDate(now.add({ milliseconds: WEBHOOK_LEASE_MS }))}
        FROM due, webhook_events ev, webhook_endpoints e
       WHERE d.business_id = due.business_id AND d.id = due.id
         AND ev.business_id = d.business_id AND ev.id = d.event_id
         AND e.business_id = d.business_id AND e.id = d.endpoint_id
      RETURNING d.business_id, d.id, d.event_id, d.endpoint_id, d.attempts, d.created_at, ev.type,
                ev.data::text AS data, ev.occurred_at, e.url, e.secret, e.previous_secret, e.previous_secret_until`.execute(
      tx,
    );
    return rows;
  });
}

/** The body an event is posted with: the same bytes at every attempt (Standard Webhooks' shape). */
export function webhookBody(e: { type: string; occurred_at: Date; data: string }): string {
  return `{"type":${JSON.stringify(e.type)},"timestamp":${JSON.stringify(e.occurred_at.toISOString())},"data":${e.data}}`;
}

/**
 * Kept-alive connections per policy: a post reuses a socket whose address was checked when it was
 * opened (the lookup runs for every new socket), so a burst to one receiver does not pay a TCP (and
 * TLS) handshake per event.
 */
const agents = new Map<string, http.Agent>();
function agentFor(protocol: string, policy: WebhookNetworkPolicy): http.Agent {
  const key = `${protocol}${policy.allowLoopback ? "L" : ""}${policy.allowPrivate ? "P" : ""}`;
  let agent = agents.get(key);
  if (!agent) {
    // idle sockets close after 15 s (a post is bounded at 10 s by its own timer)
    const options = {
      keepAlive: true,
      maxSockets: 16,
      timeout: 15_000,
      lookup: checkedLookup(policy) as never,
    };
    agent = protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    agents.set(key, agent);
  }
  return agent;
}

export interface PostOutcome {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  response: string | null;
  error: string | null;
}

/** Posts once; never throws. Redirects are not followed: they would lead to another URL. */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: WebhookNetworkPolicy,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<PostOutcome> {
  const started = performance.now();
  const done = (o: Omit<PostOutcome, "durationMs">): PostOutcome => ({
    ...o,
    durationMs: Math.round(performance.now() - started),
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return done({ ok: false, statusCode: null, response: null, error: "the URL is not valid" });
  }
  // A literal address is connected to without a lookup: check it here.
  const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) && !addressAllowed(host, policy)) {
    return done({
      ok: false,
      statusCode: null,
      response: null,
      error: new RefusedAddressError(host).message,
    });
  }
  const client = target.protocol === "https:" ? https : http;
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (o: Omit<PostOutcome, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(o));
    };
    const req = client.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        agent: agentFor(target.protocol, policy),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size < SNIPPET_CHARS * 4) chunks.push(chunk);
          size += chunk.length;
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          finish({
            ok: status >= 200 && status < 300,
            statusCode: status,
            response: Buffer.concat(chunks).toString("utf8").slice(0, SNIPPET_CHARS),
            error: status >= 200 && status < 300 ? null : `answered ${status}`,
          });
        });
        res.on("error", (error) =>
          finish({ ok: false, statusCode: res.statusCode ?? null, response: null, error: error.message }),
        );
      },
    );
    const timer = setTimeout(() => {
      finish({
        ok: false,
        statusCode: null,
        response: null,
        error: `no answer within ${timeoutMs / 1000} s`,
      });
      req.destroy();
    }, timeoutMs);
    req.on("error", (error) =>
      finish({ ok: false, statusCode: null, response: null, error: (error as Error).message.slice(0, 300) }),
    );
    req.end(body);
  });
}

export interface DeliverOptions {
  policy?: WebhookNetworkPolicy;
  /** deliveries claimed at a time, and posted at once */
  batch?: number;
  /** at most this many claims per run */
  rounds?: number;
  timeoutMs?: number;
}

/** Posts what is due: claims (committed), posts them side by side, then records each outcome. */
export async function deliverWebhooks(
  app: App,
  now: Temporal.Instant,
  options: DeliverOptions = {},
): Promise<{ delivered: number; failed: number }> {
  const policy = options.policy ?? webhookNetworkPolicy();
  const db = app.database.db;
  let delivered = 0;
  let failed = 0;
  for (let round = 0; round < (options.rounds ?? 20); round++) {
    const claimed = await claimDue(db, now, options.batch ?? 32);
    if (claimed.length === 0) break;
    const outcomes = await Promise.all(claimed.map((d) => attempt(d, now, policy, options.timeoutMs)));
    const successes = claimed.flatMap((d, i) => (outcomes[i]!.ok ? [{ d, o: outcomes[i]! }] : []));
    delivered += successes.length;
    await recordDelivered(db, successes, now);
    // Failures one by one: each may back off, give up, or turn its endpoint off (and write mail).
    for (const [i, d] of claimed.entries()) {
      if (outcomes[i]!.ok) continue;
      failed++;
      await recordFailure(app, d, now, outcomes[i]!);
    }
    if (claimed.length < (options.batch ?? 32)) break;
  }
  return { delivered, failed };
}

function attempt(d: Claimed, now: Temporal.Instant, policy: WebhookNetworkPolicy, timeoutMs?: number) {
  const body = webhookBody(d);
  const at = toDate(now);
  // During a rotation's overlap both secrets sign, the new one first.
  const secrets =
    d.previous_secret && d.previous_secret_until && d.previous_secret_until > at
      ? [d.secret, d.previous_secret]
      : [d.secret];
  const headers = {
    "content-type": "application/json",
    "user-agent": "Carnet-Webhooks/1",
    "webhook-id": d.event_id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatureHeader(secrets, d.event_id, at, body),
  };
  return postWebhook(d.url, headers, body, policy, timeoutMs);
}

/**
 * Marks the batch's delivered ones in one statement (each only if it is still this worker's claim),
 * and clears their endpoints' failing streaks.
 */
async function recordDelivered(
  db: Executor,
  done: Array<{ d: Claimed; o: PostOutcome }>,
  now: Temporal.Instant,
) {
  if (done.length === 0) return;
  const col = <T>(f: (x: { d: Claimed; o: PostOutcome }) => T) => done.map(f);
  await sql`
    WITH done AS (
      SELECT * FROM unnest(${col((x) => x.d.business_id)}::uuid[], ${col((x) => x.d.id)}::uuid[],
                           ${col((x) => x.d.endpoint_id)}::uuid[], ${col((x) => x.d.attempts)}::int[],
                           ${col((x) => x.o.statusCode)}::int[], ${col((x) => x.o.durationMs)}::int[],
                           ${col((x) => x.o.response)}::text[])
          AS t (business_id, id, endpoint_id, attempts, status_code, duration_ms, response)
    ), marked AS (
      UPDATE webhook_deliveries w
         SET status = 'delivered', delivered_at = ${toDate(now)}, last_attempt_at = ${toDate(now)},
             last_status_code = done.status_code, last_duration_ms = done.duration_ms,
             last_response = done.response, last_error = NULL
        FROM done
       WHERE w.business_id = done.business_id AND w.id = done.id AND w.status = 'pending'
         AND w.attempts = done.attempts
    )
    UPDATE webhook_endpoints e SET failing_since = NULL
      FROM (SELECT DISTINCT business_id, endpoint_id FROM done) x
     WHERE e.business_id = x.business_id AND e.id = x.endpoint_id AND e.failing_since IS NOT NULL`.execute(
    db,
  );
}

/** Writes a failed attempt on the delivery (if it is still this worker's claim) and its endpoint. */
async function recordFailure(app: App, d: Claimed, now: Temporal.Instant, o: PostOutcome) {
  const at = toDate(now);
  const last = {
    last_attempt_at: at,
    last_status_code: o.statusCode,
    last_duration_ms: o.durationMs,
    last_response: o.response,
    last_error: o.error,
  };
  const mine = (db: Executor) =>
    db
      .updateTable("webhook_deliveries")
      .where("business_id", "=", d.business_id)
      .where("id", "=", d.id)
      .where("status", "=", "pending")
      .where("attempts", "=", d.attempts);
  const givenUp = now.epochMilliseconds - d.created_at.getTime() >= WEBHOOK_GIVE_UP_MS;
  await app.database.db.transaction().execute(async (tx) => {
    await mine(tx)
      .set({
        ...last,
        next_attempt_at: toDate(now.add({ milliseconds: webhookBackoffMs(d.attempts) })),
        ...(givenUp ? { status: "failed" as const } : {}),
      })
      .execute();
    const endpoint = await tx
      .updateTable("webhook_endpoints")
      .set((eb) => ({ failing_since: eb.fn.coalesce("failing_since", eb.val(at)) }))
      .where("business_id", "=", d.business_id)
      .where("id", "=", d.endpoint_id)
      .returning(["failing_since", "enabled"])
      .executeTakeFirst();
    if (!endpoint?.enabled || !endpoint.failing_since) return;
    if (now.epochMilliseconds - endpoint.failing_since.getTime() < WEBHOOK_GIVE_UP_MS) return;
    await disableEndpoint(tx, d, now, o.error ?? "no answer");
  });
}

const mailWords: Record<string, { disabledSubject: string; disabledBody: string }> = Object.fromEntries(
  LANGUAGES.map((language) => {
    try {
      const json = JSON.parse(readFileSync(join(LOCALES_DIR, language, "webhooks.json"), "utf8"));
      return [language, json.mail];
    } catch {
      return [language, undefined];
    }
  }).filter(([, words]) => words !== undefined),
);

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? "");

/** Turns the endpoint off (once) and queues an e-mail to each active owner, in their language. */
async function disableEndpoint(tx: Executor, d: Claimed, now: Temporal.Instant, lastError: string) {
  const turnedOff = await tx
    .updateTable("webhook_endpoints")
    .set({ enabled: false, disabled_reason: "failing_for_three_days", updated_at: toDate(now) })
    .where("business_id", "=", d.business_id)
    .where("id", "=", d.endpoint_id)
    .where("enabled", "=", true)
    .returning("id")
    .executeTakeFirst();
  if (!turnedOff) return;
  const owners = await tx
    .selectFrom("staff as s")
    .innerJoin("businesses as b", "b.id", "s.business_id")
    .select(["s.id", "s.name", "s.email", "s.language", "b.language as business_language"])
    .where("s.business_id", "=", d.business_id)
    .where("s.role", "=", "owner")
    .where("s.active", "=", true)
    .execute();
  for (const owner of owners) {
    const words = mailWords[owner.language ?? owner.business_language] ?? mailWords.en!;
    const values = { name: owner.name, url: d.url, lastError };
    await enqueueMail(tx, {
      businessId: d.business_id,
      dedupeKey: `webhook-disabled:${d.endpoint_id}:${now.epochMilliseconds}:${owner.id}`,
      to: owner.email,
      subject: fill(words.disabledSubject, values),
      text: fill(words.disabledBody, values),
      at: now,
    });
  }
}

/** How long the delivery log keeps an event once every delivery of it is done (delivered or given up). */
export const WEBHOOK_LOG_DAYS = 30;

/**
 * Forgets events whose deliveries are all done and older than the log keeps; their deliveries go
 * with them. A delivery of a deleted endpoint (written by a change that raced the deletion) is done.
 */
export async function purgeOldWebhookEvents(db: Executor, now: Temporal.Instant): Promise<number> {
  const before = toDate(now.subtract({ hours: 24 * WEBHOOK_LOG_DAYS }));
  const { rows } = await sql<{ n: number }>`
    WITH gone AS (
      DELETE FROM webhook_events ev
       WHERE ev.occurred_at < ${before}
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                           JOIN webhook_endpoints e ON e.business_id = d.business_id AND e.id = d.endpoint_id
                          WHERE d.business_id = ev.business_id AND d.event_id = ev.id AND d.status = 'pending')
      RETURNING 1)
    SELECT count(*)::int AS n FROM gone`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
