// W3: events go to the webhook outbox in the transaction of the change they describe, so a change
// that rolls back sends nothing. One statement per event, and it writes nothing at all when no
// enabled endpoint of the business wants the event: a business without webhooks pays one index
// probe. Delivery happens later, in src/jobs/webhook-delivery.ts, never in the request.
import { type RawBuilder, sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import { instantIso } from "../../domain/validity.js";
import type { AppointmentView } from "../appointments.js";
import type { Executor } from "../context.js";
import type { PackageView } from "../package-view.js";
import type { TicketView } from "../ticket-view.js";
import type { WebhookEventType } from "./events.js";

/**
 * The CTEs that write the events of `source` and one delivery per subscribed endpoint: `source`
 * names a relation (a CTE) with columns business_id, type, data (jsonb) and occurred_at; a row with
 * a null type is no event. For statements that write the change itself (the ledger, the sweeps), so
 * that the event costs no extra round trip. `name` keeps the CTE names unique in the statement.
 */
export function webhookOutboxCtes(source: string, name = "webhook"): RawBuilder<unknown> {
  const src = sql.ref(source);
  const ev = sql.raw(`${name}_event`);
  const dl = sql.raw(`${name}_delivery`);
  return sql`${ev} AS (
      INSERT INTO webhook_events (business_id, type, data, occurred_at)
      SELECT s.business_id, s.type, s.data, s.occurred_at FROM ${src} s
       WHERE s.type IS NOT NULL
         AND EXISTS (SELECT 1 FROM webhook_endpoints e
                      WHERE e.business_id = s.business_id AND e.enabled AND s.type = ANY (e.events))
      RETURNING business_id, id, type, occurred_at
    ), ${dl} AS (
      INSERT INTO webhook_deliveries (business_id, event_id, endpoint_id, next_attempt_at, created_at)
      SELECT ev.business_id, ev.id, e.id, ev.occurred_at, ev.occurred_at
        FROM ${ev} ev
        JOIN webhook_endpoints e ON e.business_id = ev.business_id AND e.enabled AND ev.type = ANY (e.events)
    )`;
}

export interface WebhookEventInput {
  businessId: string;
  type: WebhookEventType;
  /** what happened: ids, and the counters after the change where a package line changed */
  data: Record<string, unknown>;
  at: Temporal.Instant;
}

/** Queues an event for every enabled endpoint of the business that subscribes to its type. */
export async function enqueueWebhookEvent(db: Executor, event: WebhookEventInput): Promise<void> {
  await sql`
    WITH source AS (
      SELECT ${event.businessId}::uuid AS business_id, ${event.type}::text AS type,
             ${JSON.stringify(event.data)}::jsonb AS data, ${instantIso(event.at)}::timestamptz AS occurred_at
    ), ${webhookOutboxCtes("source")}
    SELECT 1`.execute(db);
}

/** The data of a package event that concerns the whole package: its ids and each line's counters. */
export function packageEventData(view: PackageView, extra: Record<string, unknown> = {}) {
  return {
    packageId: view.id,
    customerId: view.customerId,
    templateId: view.templateId,
    status: view.status,
    expiresOn: view.expiresOn,
    ...extra,
    lines: view.lines.map((l) => ({
      lineId: l.id,
      itemId: l.itemId,
      counters: { total: l.total, used: l.used, booked: l.booked, remaining: l.remaining },
    })),
  };
}

/** The data of an appointment event: its ids, when, its status after the change, and its services. */
export function appointmentEventData(view: AppointmentView) {
  return {
    appointmentId: view.id,
    customerId: view.customer.id,
    staffId: view.staff.id,
    locationId: view.locationId,
    startAt: view.startAt,
    endAt: view.endAt,
    status: view.status,
    channel: view.channel,
    services: view.services.map((s) => ({
      serviceId: s.id,
      itemId: s.itemId,
      packageId: s.fromPackage?.packageId ?? null,
      lineId: s.fromPackage?.packageLineId ?? null,
    })),
  };
}

/** The data of a ticket event: its ids, numbers, totals and lines (what paid each, if a package). */
export function ticketEventData(view: TicketView, extra: Record<string, unknown> = {}) {
  return {
    ticketId: view.id,
    number: view.number,
    receiptNumber: view.receiptNumber,
    status: view.status,
    customerId: view.customer?.id ?? null,
    locationId: view.locationId,
    currency: view.currency,
    totals: view.totals,
    ...extra,
    lines: view.lines.map((l) => ({
      lineId: l.id,
      kind: l.kind,
      itemId: l.itemId,
      packageId: l.coverage.packageId,
      packageLineId: l.coverage.packageLineId,
    })),
  };
}
