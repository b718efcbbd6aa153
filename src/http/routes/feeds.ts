// W4: private calendar feeds. Signed in, a staff member sees, makes and ends the link to their own
// feed, and the front desk the link to a customer's; the feed itself is public, its token the key
// (src/http/auth.ts lets /api/v1/feeds/ through without a session; src/http/redact.ts keeps the
// token out of the logs).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  calendarFeed,
  customerFeedStatus,
  endCustomerFeed,
  endOwnFeed,
  FEED_DAYS_AHEAD,
  FEED_DAYS_BACK,
  feedToken,
  makeCustomerFeed,
  makeOwnFeed,
  ownFeedStatus,
} from "../../app/calendar-feeds.js";
import type { App } from "../../app/context.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import { customerParams, readRefusals, refusals, textBody, writeRefusals } from "../schemas.js";

const tags = ["calendar feeds"];

const feedStatus = z
  .object({
    active: z.boolean().describe("whether there is a link that works"),
    createdAt: z.string().nullable().describe("when the working link was made"),
  })
  .meta({ id: "CalendarFeed" });
const newFeed = z
  .object({
    token: z.string().describe("the feed's key: shown only in this answer"),
    path: z.string().describe("the feed's path, /api/v1/feeds/<token>.ics, on this server's address"),
    createdAt: z.string(),
  })
  .meta({ id: "CalendarFeedMade" });
const MADE =
  "The link is shown only in this answer; the one before stops working at once. Idempotency-Key " +
  "is ignored (a retry makes another link, which ends the one before: the newest one is shown).";

export function feedRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/feeds/:file",
    {
      schema: {
        tags,
        summary:
          `A private calendar feed (W4), \`<token>.ics\`: no sign-in, the token is the key. Bookings ` +
          `from ${FEED_DAYS_BACK} days ago to ${FEED_DAYS_AHEAD} days ahead, in each location's time zone, ` +
          "cancelled ones marked CANCELLED. A wrong, rotated or ended link answers 404.",
        params: z.object({ file: z.string().describe("<token>.ics") }),
        response: {
          200: {
            description: "an iCalendar file (RFC 5545)",
            content: { "text/calendar": { schema: textBody("an iCalendar file (RFC 5545)") } },
          },
          404: refusals[404],
        },
      },
    },
    async (req, reply) => {
      const text = await calendarFeed(app, feedToken(req.params.file));
      return (
        reply
          .header("content-type", "text/calendar; charset=utf-8")
          // a rotated link must stop at once: no copy kept on the way
          .header("cache-control", "no-store")
          .header("x-robots-tag", "noindex")
          .send(text)
      );
    },
  );

  r.get(
    "/api/v1/auth/me/calendar-feed",
    {
      schema: {
        tags,
        summary: "Whether the caller has a link to their own calendar feed (W4; any role)",
        response: { 200: feedStatus, ...readRefusals },
      },
    },
    async (req) => ownFeedStatus(ctxOf(app, req)),
  );
  // Not through mutation(): its answer, the token, must never be stored with an Idempotency-Key.
  r.post(
    "/api/v1/auth/me/calendar-feed",
    {
      schema: {
        tags,
        summary: `Make a new link to the caller's own calendar feed: their appointments and the classes they teach (W4; any role). ${MADE}`,
        response: { 201: newFeed, ...writeRefusals },
      },
    },
    async (req, reply) => reply.status(201).send(await makeOwnFeed(ctxOf(app, req))),
  );
  r.delete(
    "/api/v1/auth/me/calendar-feed",
    {
      schema: {
        tags,
        summary: "End the link to the caller's own calendar feed without making another (W4; any role)",
        response: { 200: feedStatus, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => endOwnFeed(ctx, db)),
  );

  r.get(
    "/api/v1/customers/:customerId/calendar-feed",
    {
      schema: {
        tags,
        summary: "Whether the customer has a link to their calendar feed (W4; whoever may read the customer)",
        params: customerParams,
        response: { 200: feedStatus, ...readRefusals },
      },
    },
    async (req) => customerFeedStatus(ctxOf(app, req), req.params.customerId),
  );
  r.post(
    "/api/v1/customers/:customerId/calendar-feed",
    {
      schema: {
        tags,
        summary: `Make a new link to the customer's calendar feed: their appointments and class bookings (W4; front desk, manager, owner). ${MADE}`,
        params: customerParams,
        response: { 201: newFeed, ...writeRefusals },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await makeCustomerFeed(ctxOf(app, req), req.params.customerId)),
  );
  r.delete(
    "/api/v1/customers/:customerId/calendar-feed",
    {
      schema: {
        tags,
        summary:
          "End the customer's calendar feed link without making another (W4; front desk, manager, owner)",
        params: customerParams,
        response: { 200: feedStatus, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => endCustomerFeed(ctx, req.params.customerId, db)),
  );
}
