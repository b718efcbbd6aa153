// R3: "remind N days before expiry". Customers with remaining credits get one e-mail per package per
// reminder: the outbox's dedupe key (package, expiry date, N) makes a second one impossible, also
// after the expiry is extended and the reminder falls due again for the new date.
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { App } from "../app/context.js";
import { enqueueMail } from "../app/outbox.js";
import { toDate } from "../domain/validity.js";

export async function queueExpiryReminders(app: App, now: Temporal.Instant): Promise<number> {
  const due = await sql<{
    business_id: string;
    business_name: string;
    days: number;
    package_id: string;
    package_name: string;
    expires_on: string;
    customer_name: string;
    email: string;
    lines: string;
  }>`
    SELECT b.id AS business_id, b.name AS business_name, b.reminder_days_before_expiry AS days,
           p.id AS package_id, p.name AS package_name, p.expires_on, c.name AS customer_name, c.email,
           string_agg((l.total - l.used - l.booked) || ' × ' || l.item_name, ', ' ORDER BY l.position) AS lines
      FROM businesses b
      JOIN customer_packages p ON p.business_id = b.id
      JOIN customers c ON c.business_id = p.business_id AND c.id = p.customer_id
      JOIN package_lines l ON l.business_id = p.business_id AND l.package_id = p.id
     WHERE b.reminder_days_before_expiry IS NOT NULL AND c.email IS NOT NULL
       AND p.refunded_at IS NULL AND p.expires_at > ${toDate(now)}
       AND p.expires_at <= ${toDate(now)}::timestamptz + make_interval(days => b.reminder_days_before_expiry)
       AND l.total - l.used - l.booked > 0
     GROUP BY b.id, p.id, c.id`.execute(app.database.db);
  let queued = 0;
  for (const r of due.rows) {
    const fresh = await enqueueMail(app.database.db, {
      businessId: r.business_id,
      dedupeKey: `expiry-reminder:${r.package_id}:${r.expires_on}:${r.days}`,
      to: r.email,
      subject: `Your ${r.package_name} expires on ${r.expires_on}`,
      text:
        `Dear ${r.customer_name},\n\nyour ${r.package_name} is valid until the end of ${r.expires_on}.\n` +
        `You still have: ${r.lines}.\nBook soon so nothing goes to waste!\n\n${r.business_name}`,
    });
    if (fresh) queued++;
  }
  return queued;
}
