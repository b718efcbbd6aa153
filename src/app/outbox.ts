// R3, C7: e-mail goes through a transactional outbox. A message is written in the same transaction
// as its cause (enqueueMail takes the caller's transaction), and sent after commit by a worker that
// claims one due message at a time with FOR UPDATE SKIP LOCKED, leasing it so that no other worker
// (another server process) takes it while it is being sent. A failure is retried with exponential
// backoff; once marked sent, a message is never sent again. Delivery is at least once: a crash
// between the SMTP server's "250 OK" and the mark sends it again after the lease, with the same
// Message-ID (derived from the dedupe key), so the rare duplicate is recognisable as one message.
import { createHash } from "node:crypto";
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { sql } from "kysely";
import nodemailer, { type Transporter } from "nodemailer";
import type { Temporal } from "temporal-polyfill";
import { toDate } from "../domain/validity.js";
import type { App, Executor } from "./context.js";

export interface MailInput {
  businessId: string;
  /** one message per key and business, ever: the second enqueue of a key is a no-op */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  /** when the message is queued (the caller's clock); absent = the database's clock */
  at?: Temporal.Instant | undefined;
  /** the body holds a one-time link: keep it only until the message is sent or given up */
  secret?: boolean | undefined;
}

/** What a secret body becomes once it is no longer needed: the link lives only in the mailbox. */
export const SCRUBBED_BODY = "[removed once sent: it held a one-time link]";

/** The Message-ID of the message queued under this dedupe key: the same key, the same id, always. */
export function messageIdFor(dedupeKey: string): string {
  return `<${createHash("sha256").update(dedupeKey).digest("hex").slice(0, 32)}@carnet.mail>`;
}

/** Queues a message; the same dedupe key twice queues it once. Returns true when newly queued. */
export async function enqueueMail(db: Executor, m: MailInput): Promise<boolean> {
  const row = await db
    .insertInto("outbox")
    .values({
      business_id: m.businessId,
      dedupe_key: m.dedupeKey,
      message_id: messageIdFor(m.dedupeKey),
      to_address: m.to,
      subject: m.subject,
      body_text: m.text,
      body_has_secret: m.secret ?? false,
      ...(m.at ? { created_at: toDate(m.at), next_attempt_at: toDate(m.at) } : {}),
    })
    .onConflict((oc) => oc.columns(["business_id", "dedupe_key"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export interface OutgoingMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
}

export interface Mailer {
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

export interface MailConfig {
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  pass?: string | undefined;
  secure?: boolean | undefined;
  /** accept an SMTP server's certificate without checking it (a relay with a self-signed one) */
  tlsInsecure?: boolean | undefined;
  from: string;
  /** where mail goes when no SMTP host is configured */
  logFile: string;
}

/** Bounds of one SMTP conversation, so that a claim's lease always outlives a send. */
const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** SMTP through nodemailer when a host is configured; otherwise each message is appended to a log file. */
export function createMailer(config: MailConfig): Mailer {
  if (!config.host) {
    return {
      async send(m) {
        await mkdir(dirname(config.logFile), { recursive: true });
        await appendFile(config.logFile, `${JSON.stringify({ at: new Date().toISOString(), ...m })}\n`);
      },
      close() {},
    };
  }
  const transport: Transporter = nodemailer.createTransport({
    host: config.host,
    port: config.port ?? (config.secure ? 465 : 587),
    secure: config.secure ?? false,
    ...(config.user ? { auth: { user: config.user, pass: config.pass ?? "" } } : {}),
    ...SMTP_TIMEOUTS_MS,
    ...(config.tlsInsecure ? { tls: { rejectUnauthorized: false } } : {}),
  });
  return {
    async send(m) {
      await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        // Set explicitly, so a resend after a crash carries the same id as the first attempt.
        messageId: m.messageId,
      });
    },
    close() {
      transport.close();
    },
  };
}

/** A claimed message is invisible to other workers this long: far longer than one SMTP send. */
export const CLAIM_LEASE_MS = 10 * 60_000;
/** Retries back off 30 s, 1 min, 2 min … up to an hour; after this many attempts (≈ 2 days) it is `failed`. */
export const MAX_ATTEMPTS = 48;
export const backoffMs = (attempt: number) => Math.min(60 * 60_000, 30_000 * 2 ** (attempt - 1));

interface Claimed {
  business_id: string;
  id: string;
  to_address: string;
  subject: string;
  body_text: string;
  message_id: string;
  attempts: number;
  body_has_secret: boolean;
}

/** Takes the next due message for this worker in one statement: locked, counted, leased. */
async function claimNext(db: Executor, now: Temporal.Instant): Promise<Claimed | undefined> {
  // The CTE runs once (its row lock keeps PostgreSQL from inlining it). A subquery in UPDATE … FROM
  // may be re-run for every outer row, each time taking another row: claiming many, returning one.
  const { rows } = await sql<Claimed>`
    WITH due AS (
      SELECT business_id, id FROM outbox
       WHERE status = 'pending' AND next_attempt_at <= ${toDate(now)}
       ORDER BY next_attempt_at, id
       LIMIT 1
         FOR UPDATE SKIP LOCKED)
    UPDATE outbox o
       SET attempts = o.attempts + 1, next_attempt_at = ${toDate(now.add({ milliseconds: CLAIM_LEASE_MS }))}
      FROM due
     WHERE o.business_id = due.business_id AND o.id = due.id
    RETURNING o.business_id, o.id, o.to_address, o.subject, o.body_text, o.message_id, o.attempts,
              o.body_has_secret`.execute(db);
  return rows[0];
}

/** Sends what is due, one message at a time: claim (committed), send, then mark sent or failed. */
export async function deliverOutbox(
  app: App,
  mailer: Mailer,
  from: string,
  now: Temporal.Instant,
  limit = 50,
): Promise<{ sent: number; failed: number }> {
  const db = app.database.db;
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < limit; i++) {
    const m = await claimNext(db, now);
    if (!m) break;
    const row = db.updateTable("outbox").where("business_id", "=", m.business_id).where("id", "=", m.id);
    const scrubbed = m.body_has_secret ? { body_text: SCRUBBED_BODY } : {};
    try {
      await mailer.send({
        from,
        to: m.to_address,
        subject: m.subject,
        text: m.body_text,
        messageId: m.message_id,
      });
    } catch (error) {
      // m.attempts already counts this attempt.
      await row
        .set({
          last_error: String((error as Error)?.message ?? error).slice(0, 500),
          next_attempt_at: toDate(now.add({ milliseconds: backoffMs(m.attempts) })),
          ...(m.attempts >= MAX_ATTEMPTS ? { status: "failed" as const, ...scrubbed } : {}),
        })
        .where("status", "=", "pending")
        .execute();
      failed++;
      continue;
    }
    await row.set({ status: "sent", sent_at: toDate(now), last_error: null, ...scrubbed }).execute();
    sent++;
  }
  return { sent, failed };
}
