// R3: "remind customers N days before expiry". On the local date N days before a package's expiry
// (in its purchase location's zone), or later while it is still valid (catching up after downtime, or
// a package sold with less than N days left), a customer with an e-mail address gets one message per
// package listing what is left on it. Refunded, expired, fully used packages and packages of
// customers without an address get none. The outbox's dedupe key (package, expiry date) makes a
// second message for the same expiry impossible, whichever server queues it and however often;
// extending the expiry gives a new date and so, in time, a new reminder.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { App } from "../app/context.js";
import { mailWords } from "../app/mail-words.js";
import { enqueueMail } from "../app/outbox.js";
import { toDate } from "../domain/validity.js";

/** P10: above this many remaining credits a line reads "unlimited". */
const UNLIMITED_ABOVE = 100;

export const reminderDedupeKey = (packageId: string, expiresOn: string) =>
  `expiry-reminder:${packageId}:${expiresOn}`;

interface DueReminder {
  business_id: string;
  business_name: string;
  package_id: string;
  package_name: string;
  expires_on: string;
  customer_name: string;
  email: string;
  /** U2: the customer's language, or the business's */
  language: string;
  /** U1: the locale of the location the package was sold at */
  locale: string;
  lines: Array<{ item: string; remaining: number }>;
}

export function reminderMessage(r: DueReminder): { subject: string; text: string } {
  const w = mailWords(r.language, r.locale);
  const date = w.localDate(r.expires_on);
  const left = r.lines
    .map(
      (l) =>
        `  ${
          l.remaining > UNLIMITED_ABOVE
            ? w.t("expiryReminder.unlimited", { item: l.item })
            : w.t("expiryReminder.line", { count: l.remaining, item: l.item })
        }`,
    )
    .join("\n");
  return {
    subject: w.t("expiryReminder.subject", { package: r.package_name, date }),
    text:
      `${w.t("expiryReminder.dear", { name: r.customer_name })}\n\n` +
      `${w.t("expiryReminder.validUntil", { package: r.package_name, date })}\n${left}\n\n` +
      `${w.t("expiryReminder.bookSoon")}\n\n${r.business_name}\n`,
  };
}

/** Queues the reminders that are due at `now`; returns how many were newly queued. */
export async function queueExpiryReminders(app: App, now: Temporal.Instant): Promise<number> {
  const at = toDate(now);
  const due = await sql<DueReminder>`
    SELECT b.id AS business_id, b.name AS business_name, p.id AS package_id, p.name AS package_name,
           p.expires_on, c.name AS customer_name, c.email,
           coalesce(c.language, b.language) AS language, loc.locale,
           json_agg(json_build_object('item', l.item_name, 'remaining', l.total - l.used - l.booked)
                    ORDER BY l.position) AS lines
      FROM businesses b
      JOIN customer_packages p ON p.business_id = b.id
      JOIN customers c ON c.business_id = p.business_id AND c.id = p.customer_id
      JOIN package_lines l ON l.business_id = p.business_id AND l.package_id = p.id
      JOIN locations loc ON loc.business_id = p.business_id AND loc.id = p.location_id
     WHERE b.reminder_days_before_expiry IS NOT NULL
       AND c.email IS NOT NULL AND c.email <> ''
       AND p.refunded_at IS NULL AND p.expires_on IS NOT NULL AND p.expires_at > ${at}
       AND (${at}::timestamptz AT TIME ZONE p.time_zone)::date >= p.expires_on - b.reminder_days_before_expiry
       AND NOT l.refunded AND l.total - l.used - l.booked > 0
     -- (business_id, id) keys: name every grouped column, PostgreSQL infers nothing from them
     GROUP BY b.id, b.name, b.language, p.id, p.name, p.expires_on, c.name, c.email, c.language, loc.locale`.execute(
    app.database.db,
  );
  let queued = 0;
  for (const r of due.rows) {
    const fresh = await enqueueMail(app.database.db, {
      businessId: r.business_id,
      dedupeKey: reminderDedupeKey(r.package_id, r.expires_on),
      to: r.email,
      ...reminderMessage(r),
      at: now,
    });
    if (fresh) queued++;
  }
  return queued;
}
