// W3: webhook endpoints, their secrets and their delivery logs (owners and managers).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { App } from "../../app/context.js";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  resendDelivery,
  rotateSecret,
  updateEndpoint,
} from "../../app/webhooks/endpoints.js";
import { WEBHOOK_EVENT_TYPES } from "../../app/webhooks/events.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import { id, pageAnswer, pageQuery, readRefusals, refusals, writeRefusals } from "../schemas.js";

const eventType = z.enum(WEBHOOK_EVENT_TYPES);
const url = z
  .string()
  .min(1)
  .max(2000, "must be at most 2000 characters")
  .describe("https:// (or http://) URL on a public address; refused when its host resolves to a private one");
const events = z
  .array(eventType)
  .min(1, "must name at least one event")
  .max(WEBHOOK_EVENT_TYPES.length * 2);
const description = z.string().max(500, "must be at most 500 characters");

const endpointAnswer = z
  .object({
    id,
    url: z.string(),
    description: z.string(),
    events: z.array(eventType),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .describe("turned_off (by a person) or failing_for_three_days (by Carnet); null while enabled"),
    failingSince: z
      .string()
      .nullable()
      .describe("since when every attempt has failed; null while it answers"),
    previousSecretUntil: z
      .string()
      .nullable()
      .describe("after a rotation: until when the previous secret also signs"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "WebhookEndpoint" });
const endpointWithSecret = endpointAnswer.extend({
  secret: z.string().describe("whsec_…: the signing secret, shown this once"),
});
const deliveryAnswer = z
  .object({
    id,
    eventId: z.string().describe("the webhook-id header: the same at every attempt and resend"),
    type: eventType,
    occurredAt: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastDurationMs: z.number().int().nullable(),
    lastResponse: z.string().nullable().describe("the first 500 characters of the receiver's answer"),
    lastError: z.string().nullable(),
  })
  .meta({ id: "WebhookDelivery" });
const endpointParams = z.strictObject({ endpointId: id });
const deliveryParams = z.strictObject({ endpointId: id, deliveryId: id });

export function webhookRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["webhooks"];
  r.get(
    "/api/v1/webhooks",
    {
      schema: {
        tags,
        summary: "Webhook endpoints (W3; manager, owner)",
        response: { 200: z.array(endpointAnswer), 401: refusals[401], 403: refusals[403] },
      },
    },
    async (req) => listEndpoints(ctxOf(app, req)),
  );
  r.post(
    "/api/v1/webhooks",
    {
      schema: {
        tags,
        summary: "Register an endpoint; the answer carries its signing secret, shown this once (W3)",
        body: z.strictObject({ url, events, description: description.optional() }),
        response: { 201: endpointWithSecret, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => createEndpoint(ctx, req.body, db), 201),
  );
  r.get(
    "/api/v1/webhooks/:endpointId",
    {
      schema: {
        tags,
        summary: "One webhook endpoint (W3)",
        params: endpointParams,
        response: { 200: endpointAnswer, ...readRefusals },
      },
    },
    async (req) => getEndpoint(ctxOf(app, req), req.params.endpointId),
  );
  r.patch(
    "/api/v1/webhooks/:endpointId",
    {
      schema: {
        tags,
        summary: "Change an endpoint's URL, events or description, or turn it off or on again (W3)",
        params: endpointParams,
        body: z.strictObject({
          url: url.optional(),
          events: events.optional(),
          description: description.optional(),
          enabled: z.boolean().optional(),
        }),
        response: { 200: endpointAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => updateEndpoint(ctx, req.params.endpointId, req.body, db)),
  );
  r.delete(
    "/api/v1/webhooks/:endpointId",
    {
      schema: {
        tags,
        summary: "Remove an endpoint and its delivery log (W3)",
        params: endpointParams,
        response: { 200: z.object({ deleted: z.literal(true) }), ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, async (ctx, db) => {
        await deleteEndpoint(ctx, req.params.endpointId, db);
        return { deleted: true as const };
      }),
  );
  r.post(
    "/api/v1/webhooks/:endpointId/rotate-secret",
    {
      schema: {
        tags,
        summary:
          "A new signing secret, shown this once; the previous one keeps signing beside it for 24 hours (W3)",
        params: endpointParams,
        response: { 200: endpointWithSecret, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => rotateSecret(ctx, req.params.endpointId, db)),
  );
  r.get(
    "/api/v1/webhooks/:endpointId/deliveries",
    {
      schema: {
        tags,
        summary:
          "The endpoint's delivery log, newest first (W2, W3). Pass a page's nextCursor as cursor for " +
          "the next page (null on the last).",
        params: endpointParams,
        querystring: z.strictObject(pageQuery),
        response: {
          200: pageAnswer(deliveryAnswer),
          ...readRefusals,
        },
      },
    },
    async (req) => listDeliveries(ctxOf(app, req), req.params.endpointId, req.query),
  );
  r.post(
    "/api/v1/webhooks/:endpointId/deliveries/:deliveryId/resend",
    {
      schema: {
        tags,
        summary: "Send a delivery again now, with the same event id and body (W3)",
        params: deliveryParams,
        response: { 200: deliveryAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        resendDelivery(ctx, req.params.endpointId, req.params.deliveryId, db),
      ),
  );
}
