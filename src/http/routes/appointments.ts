// The calendar: appointments booked from packages (A1–A11).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  availablePackagesJson,
  bookAppointment,
  cancelAppointment,
  checkIn,
  checkoutAppointment,
  convertService,
  deleteAppointment,
  listAppointments,
  loadAppointment,
  markNoShow,
  rescheduleAppointment,
} from "../../app/appointments.js";
import { type App, authorize } from "../../app/context.js";
import { invalid } from "../../domain/errors.js";
import { ctxOf } from "../auth.js";
import { mutation, sendJson } from "../mutation.js";
import {
  appointmentAnswer,
  customerParams,
  id,
  isoInstant,
  notes,
  packageAnswer,
  pageAnswer,
  pageQuery,
  readRefusals,
  reason,
  writeRefusals,
} from "../schemas.js";

const appointmentParams = z.object({ appointmentId: id });
const overlapRefusal = writeRefusals[409].describe(
  "staff_overlap: the staff member has another appointment then (allowOverlap books anyway); a rule of the ledger",
);

export function appointmentRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["appointments"];

  r.get(
    "/api/v1/customers/:customerId/available-packages",
    {
      schema: {
        tags,
        summary: "The booking panel: active packages with items, remaining counts and expiry (A1, A3)",
        params: customerParams,
        response: { 200: z.array(packageAnswer), ...readRefusals },
      },
    },
    async (req, reply) =>
      sendJson(reply, 200, await availablePackagesJson(ctxOf(app, req), req.params.customerId)),
  );

  r.get(
    "/api/v1/appointments",
    {
      schema: {
        tags,
        summary: "Appointments overlapping a period, for the calendar; pages in start order, then id (W2)",
        querystring: z.strictObject({
          from: isoInstant,
          to: isoInstant,
          locationId: id.optional(),
          staffId: id.optional(),
          customerId: id.optional(),
          ...pageQuery,
        }),
        response: { 200: pageAnswer(appointmentAnswer), ...readRefusals },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      authorize(ctx, "read");
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (to <= from || to.getTime() - from.getTime() > 62 * 86_400_000)
        throw invalid("invalid_period", "to must be after from, at most 62 days later.", "to");
      return listAppointments(app.database.db, ctx.actor.businessId, { ...req.query, from, to });
    },
  );

  r.post(
    "/api/v1/appointments",
    {
      schema: {
        tags,
        summary: "Book an appointment; services with usePackage reserve a credit at once (A2)",
        body: z.strictObject({
          customerId: id,
          staffId: id,
          locationId: id.optional(),
          startAt: isoInstant,
          endAt: isoInstant.optional(),
          services: z
            .array(
              z.strictObject({
                itemId: id,
                usePackage: z.boolean().optional(),
                packageLineId: id.optional(),
              }),
            )
            .min(1, "book at least one service")
            .max(10),
          channel: z.enum(["in_store", "online"]).optional(),
          allowOverlap: z.boolean().optional(),
          notes: notes.optional(),
        }),
        response: { 201: appointmentAnswer, ...writeRefusals, 409: overlapRefusal },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => bookAppointment(ctx, req.body, db), 201),
  );

  r.get(
    "/api/v1/appointments/:appointmentId",
    {
      schema: {
        tags,
        summary: "One appointment (A4)",
        params: appointmentParams,
        response: { 200: appointmentAnswer, ...readRefusals },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      authorize(ctx, "read");
      return loadAppointment(app.database.db, ctx.actor.businessId, req.params.appointmentId);
    },
  );

  r.patch(
    "/api/v1/appointments/:appointmentId",
    {
      schema: {
        tags,
        summary: "Reschedule (drag on the calendar); the reservation is kept (A11)",
        params: appointmentParams,
        body: z.strictObject({
          startAt: isoInstant,
          endAt: isoInstant.optional(),
          staffId: id.optional(),
          allowOverlap: z.boolean().optional(),
        }),
        response: { 200: appointmentAnswer, ...writeRefusals, 409: overlapRefusal },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        rescheduleAppointment(ctx, req.params.appointmentId, req.body, db),
      ),
  );

  r.post(
    "/api/v1/appointments/:appointmentId/cancel",
    {
      schema: {
        tags,
        summary: "Cancel; package credits come back (A6)",
        params: appointmentParams,
        body: z.strictObject({ reason: reason.optional() }).default({}),
        response: { 200: appointmentAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        cancelAppointment(ctx, req.params.appointmentId, req.body.reason, db),
      ),
  );

  r.delete(
    "/api/v1/appointments/:appointmentId",
    {
      schema: {
        tags,
        summary: "Delete an appointment that never used a package (A6)",
        params: appointmentParams,
        response: { 200: z.object({ deleted: z.literal(true) }), ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => deleteAppointment(ctx, req.params.appointmentId, db)),
  );

  r.post(
    "/api/v1/appointments/:appointmentId/no-show",
    {
      schema: {
        tags,
        summary: "Mark a no-show; the no-show policy decides the credit (A7)",
        params: appointmentParams,
        response: { 200: appointmentAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => markNoShow(ctx, req.params.appointmentId, db)),
  );

  r.post(
    "/api/v1/appointments/:appointmentId/check-in",
    {
      schema: {
        tags,
        summary: "Check in; may prompt to redeem from a package (A9)",
        params: appointmentParams,
        response: {
          200: z.object({
            appointment: appointmentAnswer,
            redeemPrompt: z
              .object({
                message: z.string(),
                serviceId: z.string(),
                packageLineId: z.string(),
                packageName: z.string(),
              })
              .nullable()
              .describe("one paid service the customer holds credits for: offer to redeem it"),
          }),
          ...writeRefusals,
        },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => checkIn(ctx, req.params.appointmentId, db)),
  );

  r.post(
    "/api/v1/appointments/:appointmentId/services/:serviceId/coverage",
    {
      schema: {
        tags,
        summary: "Convert a service to a package booking or back to paid, before checkout (A8)",
        params: z.object({ appointmentId: id, serviceId: id }),
        body: z.discriminatedUnion("mode", [
          z.strictObject({ mode: z.literal("package"), packageLineId: id.optional() }),
          z.strictObject({ mode: z.literal("paying") }),
        ]),
        response: { 200: appointmentAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        convertService(ctx, req.params.appointmentId, req.params.serviceId, req.body, db),
      ),
  );

  r.post(
    "/api/v1/appointments/:appointmentId/checkout",
    {
      schema: {
        tags,
        summary: "Open the till with the appointment's services, covered lines marked",
        params: appointmentParams,
        response: {
          200: z.object({ ticketId: z.string().describe("the ticket opened, or the one opened before") }),
          ...writeRefusals,
        },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => checkoutAppointment(ctx, req.params.appointmentId, db)),
  );
}
