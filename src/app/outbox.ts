// R3, C7: e-mail goes through a transactional outbox. A message is written in the same transaction
// as its cause, sent after commit by a worker that claims due messages FOR UPDATE SKIP LOCKED,
// retried with exponential backoff, and never sent again once delivered. Its Message-ID is derived
// from the dedupe key, so the rare duplicate (a crash between sending and marking sent) is
// recognisable as the same message.
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
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
}

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
    })
    .onConflict((oc) => oc.columns(["business_id", "dedupe_key"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

export interface Mailer {
  send(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    messageId: string;
  }): Promise<void>;
  close(): void;
}

export interface MailConfig {
  host?: string | undefined;
  port?: number | undefined;
  user?: string | undefined;
  pass?: string | undefined;
  secure?: boolean | undefined;
  from: string;
  /** where mail goes when no SMTP host is configured */
  logFile: string;
}

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
    port: config.port ?? 587,
    secure: config.secure ?? false,
    ...(config.user ? { auth: { user: config.user, pass: config.pass ?? "" } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    tls: { rejectUnauthorized: false },
  });
  return {
    async send(m) {
      await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: m.messageId,
      });
    },
    close() {
      transport.close();
    },
  };
}

const MAX_ATTEMPTS = 8;
const backoffMs = (attempt: number) => Math.min(60 * 60_000, 30_000 * 2 ** (attempt - 1));

/** Sends what is due. Each message is claimed in its own short transaction, sent, then marked. */
export async function deliverOutbox(
  app: App,
  mailer: Mailer,
  from: string,
  now: Temporal.Instant,
  limit = 50,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < limit; i++) {
    // Claim one: push its next attempt forward so another worker skips it while this one sends.
    const claimed = await app.database.db.transaction().execute(async (tx) => {
      const due = await sql<{
        business_id: string;
        id: string;
        to_address: string;
        subject: string;
        body_text: string;
        message_id: string;
        attempts: number;
      }>`
        SELECT business_id, id, to_address, subject, body_text, message_id, attempts FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= ${toDate(now)}
         ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(tx);
      const m = due.rows[0];
      if (!m) return null;
      await tx
        .updateTable("outbox")
        .set({
          attempts: m.attempts + 1,
          next_attempt_at: new Date(now.epochMilliseconds + backoffMs(m.attempts + 1)),
        })
        .where("business_id", "=", m.business_id)
        .where("id", "=", m.id)
        .execute();
      return m;
    });
    if (!claimed) break;
    try {
      await mailer.send({
        from,
        to: claimed.to_address,
        subject: claimed.subject,
        text: claimed.body_text,
        messageId: claimed.message_id,
      });
      await app.database.db
        .updateTable("outbox")
        .set({ status: "sent", sent_at: toDate(now), last_error: null })
        .where("business_id", "=", claimed.business_id)
        .where("id", "=", claimed.id)
        .execute();
      sent++;
    } catch (error) {
      await app.database.db
        .updateTable("outbox")
        .set({
          last_error: String((error as Error).message ?? error).slice(0, 500),
          ...(claimed.attempts + 1 >= MAX_ATTEMPTS ? { status: "failed" as const } : {}),
        })
        .where("business_id", "=", claimed.business_id)
        .where("id", "=", claimed.id)
        .execute();
      failed++;
    }
  }
  return { sent, failed };
}
