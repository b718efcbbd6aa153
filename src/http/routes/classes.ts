// Classes paid with package credits (C1–C7).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  cancelEnrolment,
  cancelSession,
  checkoutEnrolment,
  createSession,
  enrol,
  listSessions,
  loadSession,
  markEnrolmentNoShow,
  resolveReview,
  reviewList,
} from "../../app/classes.js";
import { type App, authorize } from "../../app/context.js";
import { invalid } from "../../domain/errors.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import {
  email,
  id,
  isoInstant,
  name,
  pageAnswer,
  pageQuery,
  phone,
  readRefusals,
  reason,
  writeRefusals,
} from "../schemas.js";

const sessionParams = z.object({ sessionId: id });
const enrolmentParams = z.object({ enrolmentId: id });

const int = z.number().int();
const person = z.object({ id: z.string(), name: z.string() });
/** RosterEntry (src/app/classes.ts): an attendee and how their place is paid */
const rosterEntryAnswer = z
  .object({
    id: z.string(),
    customer: person,
    channel: z.enum(["in_store", "online"]),
    status: z.enum(["enrolled", "cancelled", "no_show"]),
    review: z
      .string()
      .nullable()
      .describe("a no-show waiting for a decision: pending; then how it was decided"),
    payment: z.object({
      state: z.enum(["package_used", "available_in_package", "paid", "price"]),
      label: z.string(),
      priceMinor: int,
      packageName: z.string().nullable(),
      sessions: z.string().nullable(),
      package: z
        .object({
          packageId: z.string(),
          lineId: z.string(),
          total: int,
          used: int,
          booked: int,
          remaining: int,
        })
        .nullable()
        .describe("the package line paying for the place, with its counters now"),
    }),
    ticketId: z.string().nullable(),
  })
  .meta({ id: "RosterEntry" });
/** SessionView (src/app/classes.ts) */
const sessionAnswer = z
  .object({
    id: z.string(),
    locationId: z.string(),
    itemId: z.string(),
    name: z.string(),
    instructor: person,
    startAt: z.string(),
    endAt: z.string(),
    capacity: int,
    enrolled: int,
    status: z.enum(["scheduled", "cancelled"]),
    currency: z.string(),
    priceMinor: int,
    roster: z.array(rosterEntryAnswer),
  })
  .meta({ id: "ClassSession" });
const checkoutAnswer = z
  .object({
    ticketId: z.string().describe("the ticket opened, or the one opened before"),
  })
  .meta({ id: "ClassCheckout" });

export function classRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["classes"];

  r.get(
    "/api/v1/class-sessions",
    {
      schema: {
        tags,
        summary:
          "The class schedule, filterable by location, period and staff (C1); pages in start order, then id (W2)",
        querystring: z.strictObject({
          from: isoInstant,
          to: isoInstant,
          locationId: id.optional(),
          staffId: id.optional(),
          ...pageQuery,
        }),
        response: { 200: pageAnswer(sessionAnswer), ...readRefusals },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      authorize(ctx, "read");
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (to <= from || to.getTime() - from.getTime() > 62 * 86_400_000)
        throw invalid("invalid_period", "to must be after from, at most 62 days later.", "to");
      return listSessions(app.database.db, ctx.actor.businessId, { ...req.query, from, to });
    },
  );
  r.post(
    "/api/v1/class-sessions",
    {
      schema: {
        tags,
        summary: "Schedule a class session (manager/owner)",
        body: z.strictObject({
          locationId: id.optional(),
          itemId: id,
          instructorId: id,
          startAt: isoInstant,
          endAt: isoInstant.optional(),
          capacity: z.number().int().min(1).max(1000),
        }),
        response: { 201: sessionAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => createSession(ctx, req.body, db), 201),
  );
  r.get(
    "/api/v1/class-sessions/:sessionId",
    {
      schema: {
        tags,
        summary: "A session with its roster and payment column",
        params: sessionParams,
        response: { 200: sessionAnswer, ...readRefusals },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      authorize(ctx, "read");
      return loadSession(app.database.db, ctx.actor.businessId, req.params.sessionId);
    },
  );
  r.post(
    "/api/v1/class-sessions/:sessionId/cancel",
    {
      schema: {
        tags,
        summary: "The business cancels a session: credits restored, attendees e-mailed (C7)",
        params: sessionParams,
        body: z.strictObject({ reason: reason.optional() }).default({}),
        response: { 200: sessionAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => cancelSession(ctx, req.params.sessionId, req.body.reason, db)),
  );
  r.post(
    "/api/v1/class-sessions/:sessionId/enrolments",
    {
      schema: {
        tags,
        summary:
          "Add an attendee (existing or new customer); a package credit is reserved when one is eligible (C1)",
        params: sessionParams,
        body: z.strictObject({
          customerId: id.optional(),
          newCustomer: z
            .strictObject({
              name,
              email: email.nullable().optional(),
              phone: phone.nullable().optional(),
            })
            .optional(),
          channel: z.enum(["in_store", "online"]).optional(),
          usePackage: z.boolean().optional(),
        }),
        response: { 201: sessionAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => enrol(ctx, req.params.sessionId, req.body, db), 201),
  );
  r.post(
    "/api/v1/class-enrolments/:enrolmentId/cancel",
    {
      schema: {
        tags,
        summary: "The attendee cancels: the credit is released (C7)",
        params: enrolmentParams,
        response: { 200: sessionAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => cancelEnrolment(ctx, req.params.enrolmentId, db)),
  );
  r.post(
    "/api/v1/class-enrolments/:enrolmentId/no-show",
    {
      schema: {
        tags,
        summary: "Mark a no-show; the class no-show policy decides (C4)",
        params: enrolmentParams,
        response: { 200: sessionAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => markEnrolmentNoShow(ctx, req.params.enrolmentId, db)),
  );
  r.post(
    "/api/v1/class-enrolments/:enrolmentId/review",
    {
      schema: {
        tags,
        summary: "Decide a reviewed no-show: use or release its credit",
        params: enrolmentParams,
        body: z.strictObject({ decision: z.enum(["consume", "release"]) }),
        response: { 200: sessionAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        resolveReview(ctx, req.params.enrolmentId, req.body.decision, db),
      ),
  );
  r.post(
    "/api/v1/class-enrolments/:enrolmentId/checkout",
    {
      schema: {
        tags,
        summary: "Open a ticket for the attendee, covered by the package (C2, C6)",
        params: enrolmentParams,
        response: { 200: checkoutAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => checkoutEnrolment(ctx, req.params.enrolmentId, db)),
  );
  r.get(
    "/api/v1/class-reviews",
    {
      schema: {
        tags,
        summary: "No-shows waiting for a staff decision",
        response: {
          200: z.array(
            z.object({
              enrolmentId: z.string(),
              sessionId: z.string(),
              customerName: z.string(),
              className: z.string(),
              startAt: z.string(),
              locationId: z.string(),
              timeZone: z.string(),
            }),
          ),
          401: readRefusals[401],
          403: readRefusals[403],
        },
      },
    },
    async (req) => reviewList(ctxOf(app, req)),
  );
}
