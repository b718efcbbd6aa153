// W3: owners and managers register the URLs their business's events are posted to. An endpoint's
// secret is shown once, when it is made or rotated; after a rotation the previous secret signs too,
// for a day, so the receiver can switch without missing a message.

import type { Selectable } from "kysely";
import { sql } from "kysely";
import type { Temporal } from "temporal-polyfill";
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from "../../db/schema.js";
import { conflict, notFound } from "../../domain/errors.js";
import { toDate } from "../../domain/validity.js";
import { logAdminAction } from "../activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "../context.js";
import { cursorOf, limitOf, type Page, type PageQuery, pageOf } from "../pages.js";
import type { WebhookEventType } from "./events.js";
import { checkEndpointUrl, webhookNetworkPolicy } from "./network.js";
import { newWebhookSecret } from "./signing.js";

/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** Endpoints a business may have: each event is written once per endpoint that wants it. */
export const MAX_ENDPOINTS = 20;

type EndpointRow = Selectable<WebhookEndpointsTable>;

export function endpointView(e: EndpointRow) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events as WebhookEventType[],
    enabled: e.enabled,
    disabledReason: e.disabled_reason,
    failingSince: e.failing_since?.toISOString() ?? null,
    previousSecretUntil: e.previous_secret_until?.toISOString() ?? null,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}
export type EndpointView = ReturnType<typeof endpointView>;

export interface EndpointInput {
  url: string;
  description?: string | undefined;
  events: WebhookEventType[];
}

const distinct = (events: WebhookEventType[]) => [...new Set(events)];

export async function createEndpoint(
  ctx: Ctx,
  input: EndpointInput,
  db: Executor = ctx.database.db,
): Promise<EndpointView & { secret: string }> {
  authorize(ctx, "manage_webhooks");
  const url = await checkEndpointUrl(input.url, webhookNetworkPolicy());
  const secret = newWebhookSecret();
  const now = toDate(ctx.clock());
  // One statement: the limit is checked by the insert that would pass it.
  const row = await db
    .insertInto("webhook_endpoints")
    .columns(["business_id", "url", "description", "events", "secret", "created_at", "updated_at"])
    .expression(
      db
        .selectNoFrom([
          sql<string>`${ctx.actor.businessId}::uuid`.as("business_id"),
          sql<string>`${url}::text`.as("url"),
          sql<string>`${input.description?.trim() ?? ""}::text`.as("description"),
          sql<string[]>`${distinct(input.events)}::text[]`.as("events"),
          sql<string>`${secret}::text`.as("secret"),
          sql<Date>`${now}::timestamptz`.as("created_at"),
          sql<Date>`${now}::timestamptz`.as("updated_at"),
        ])
        .where(
          sql<boolean>`(SELECT count(*) FROM webhook_endpoints WHERE business_id = ${ctx.actor.businessId}::uuid) < ${MAX_ENDPOINTS}`,
        ),
    )
    .returningAll()
    .executeTakeFirst();
  if (!row)
    throw conflict("too_many_webhook_endpoints", `A business can have at most ${MAX_ENDPOINTS} endpoints.`);
  // L7: who registered which URL for which events; never the secret
  await logAdminAction(db, ctx, "create_webhook_endpoint", {
    endpointId: row.id,
    url: row.url,
    events: row.events,
  });
  return { ...endpointView(row), secret };
}

export async function listEndpoints(ctx: Ctx): Promise<EndpointView[]> {
  authorize(ctx, "manage_webhooks");
  const rows = await ctx.database.db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("business_id", "=", ctx.actor.businessId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(endpointView);
}

async function endpointRow(db: Executor, businessId: string, id: string): Promise<EndpointRow> {
  const row = await db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("business_id", "=", businessId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("webhook_endpoint", "endpointId");
  return row;
}

export async function getEndpoint(ctx: Ctx, id: string): Promise<EndpointView> {
  authorize(ctx, "manage_webhooks");
  return endpointView(await endpointRow(ctx.database.db, ctx.actor.businessId, id));
}

export interface EndpointChange {
  url?: string | undefined;
  description?: string | undefined;
  events?: WebhookEventType[] | undefined;
  enabled?: boolean | undefined;
}

export async function updateEndpoint(
  ctx: Ctx,
  id: string,
  change: EndpointChange,
  db: Executor = ctx.database.db,
): Promise<EndpointView> {
  authorize(ctx, "manage_webhooks");
  const url =
    change.url === undefined ? undefined : await checkEndpointUrl(change.url, webhookNetworkPolicy());
  const row = await db
    .updateTable("webhook_endpoints")
    .set({
      updated_at: toDate(ctx.clock()),
      ...(url !== undefined ? { url } : {}),
      ...(change.description !== undefined ? { description: change.description.trim() } : {}),
      ...(change.events !== undefined ? { events: distinct(change.events) } : {}),
      // Turned back on: it starts afresh, and what it missed while off goes out again.
      ...(change.enabled === true ? { enabled: true, disabled_reason: null, failing_since: null } : {}),
      ...(change.enabled === false ? { enabled: false, disabled_reason: "turned_off" } : {}),
    })
    .where("business_id", "=", ctx.actor.businessId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound("webhook_endpoint", "endpointId");
  await logAdminAction(db, ctx, "update_webhook_endpoint", { endpointId: id, ...change });
  return endpointView(row);
}

export async function deleteEndpoint(ctx: Ctx, id: string, db: Executor = ctx.database.db): Promise<void> {
  authorize(ctx, "manage_webhooks");
  await inTransaction(db, async (tx) => {
    const row = await tx
      .deleteFrom("webhook_endpoints")
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", id)
      .returning(["id", "url"])
      .executeTakeFirst();
    if (!row) throw notFound("webhook_endpoint", "endpointId");
    // its deliveries go with it (no foreign key does it: 0024_webhook_outbox_without_shared_row_locks.sql)
    await tx
      .deleteFrom("webhook_deliveries")
      .where("business_id", "=", ctx.actor.businessId)
      .where("endpoint_id", "=", id)
      .execute();
    await logAdminAction(tx, ctx, "delete_webhook_endpoint", { endpointId: id, url: row.url });
  });
}

/** A new secret, answered once; the one it replaces keeps signing beside it for a day. */
export async function rotateSecret(
  ctx: Ctx,
  id: string,
  db: Executor = ctx.database.db,
): Promise<EndpointView & { secret: string }> {
  authorize(ctx, "manage_webhooks");
  const now = ctx.clock();
  const secret = newWebhookSecret();
  const row = await db
    .updateTable("webhook_endpoints")
    .set((eb) => ({
      previous_secret: eb.ref("secret"),
      previous_secret_until: toDate(now.add({ milliseconds: ROTATION_OVERLAP_MS })),
      secret,
      updated_at: toDate(now),
    }))
    .where("business_id", "=", ctx.actor.businessId)
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound("webhook_endpoint", "endpointId");
  await logAdminAction(db, ctx, "rotate_webhook_secret", { endpointId: id });
  return { ...endpointView(row), secret };
}

type DeliveryRow = Selectable<WebhookDeliveriesTable> & { type: string; occurred_at: Date };

function deliveryView(d: DeliveryRow) {
  return {
    id: d.id,
    eventId: d.event_id,
    type: d.type as WebhookEventType,
    occurredAt: d.occurred_at.toISOString(),
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? d.next_attempt_at.toISOString() : null,
    deliveredAt: d.delivered_at?.toISOString() ?? null,
    lastAttemptAt: d.last_attempt_at?.toISOString() ?? null,
    lastStatusCode: d.last_status_code,
    lastDurationMs: d.last_duration_ms,
    lastResponse: d.last_response,
    lastError: d.last_error,
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

/** W2: the endpoint's delivery log, newest first, a page at a time. */
export async function listDeliveries(
  ctx: Ctx,
  endpointId: string,
  query: PageQuery,
): Promise<Page<DeliveryView>> {
  authorize(ctx, "manage_webhooks");
  const db = ctx.database.db;
  await endpointRow(db, ctx.actor.businessId, endpointId);
  const limit = limitOf(query);
  const after = cursorOf(query, ["instant", "uuid"] as const);
  let select = db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as ev", (j) =>
      j.onRef("ev.business_id", "=", "d.business_id").onRef("ev.id", "=", "d.event_id"),
    )
    .selectAll("d")
    .select(["ev.type", "ev.occurred_at"])
    .where("d.business_id", "=", ctx.actor.businessId)
    .where("d.endpoint_id", "=", endpointId);
  if (after) {
    select = select.where(({ eb, refTuple, tuple }) =>
      eb(refTuple("d.created_at", "d.id"), "<", tuple(after[0], after[1])),
    );
  }
  const rows = await select
    .orderBy("d.created_at", "desc")
    .orderBy("d.id", "desc")
    .limit(limit + 1)
    .execute();
  return pageOf(rows, limit, (d) => [d.created_at, d.id], deliveryView);
}

/** Sends a delivery again, now, with the same event id and body: delivered or given up alike. */
export async function resendDelivery(
  ctx: Ctx,
  endpointId: string,
  deliveryId: string,
  db: Executor = ctx.database.db,
): Promise<DeliveryView> {
  authorize(ctx, "manage_webhooks");
  const now: Temporal.Instant = ctx.clock();
  const updated = await db
    .updateTable("webhook_deliveries")
    .set({ status: "pending", next_attempt_at: toDate(now) })
    .where("business_id", "=", ctx.actor.businessId)
    .where("endpoint_id", "=", endpointId)
    .where("id", "=", deliveryId)
    .returning("id")
    .executeTakeFirst();
  if (!updated) throw notFound("webhook_delivery", "deliveryId");
  const row = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as ev", (j) =>
      j.onRef("ev.business_id", "=", "d.business_id").onRef("ev.id", "=", "d.event_id"),
    )
    .selectAll("d")
    .select(["ev.type", "ev.occurred_at"])
    .where("d.business_id", "=", ctx.actor.businessId)
    .where("d.id", "=", deliveryId)
    .executeTakeFirstOrThrow();
  return deliveryView(row);
}
