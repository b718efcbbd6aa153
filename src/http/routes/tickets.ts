// The till: tickets that sell and redeem packages (T1–T10).
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { closeTicket } from "../../app/close-ticket.js";
import type { App } from "../../app/context.js";
import { authorize } from "../../app/context.js";
import {
  addTicketLine,
  openTicket,
  removeTicketLine,
  setLineCoverage,
  setTicketCustomer,
  voidTicket,
} from "../../app/edit-ticket.js";
import { refundTicketLine } from "../../app/refund-ticket-line.js";
import { commissionReport } from "../../app/reports.js";
import { loadTicket } from "../../app/ticket-view.js";
import { invalid } from "../../domain/errors.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import { id, isoInstant, localDate, money, reason } from "../schemas.js";

const ticketParams = z.object({ ticketId: id });
const ticketLineParams = z.object({ ticketId: id, lineId: id });
const tender = z.enum(["cash", "card", "store_credit"]);

export function ticketRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["tickets"];

  r.get(
    "/api/v1/tickets",
    {
      schema: {
        tags,
        summary: "Tickets, newest first",
        querystring: z.strictObject({
          status: z.enum(["open", "closed", "voided", "refunded"]).optional(),
          customerId: id.optional(),
          locationId: id.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      authorize(ctx, "read");
      let q = app.database.db
        .selectFrom("tickets as t")
        .leftJoin("customers as c", (j) =>
          j.onRef("c.business_id", "=", "t.business_id").onRef("c.id", "=", "t.customer_id"),
        )
        .select([
          "t.id",
          "t.number",
          "t.receipt_number",
          "t.status",
          "t.opened_at",
          "t.closed_at",
          "t.currency",
          "t.total_minor",
          "t.location_id",
          "c.id as customer_id",
          "c.name as customer_name",
        ])
        .where("t.business_id", "=", ctx.actor.businessId);
      if (req.query.status) q = q.where("t.status", "=", req.query.status);
      if (req.query.customerId) q = q.where("t.customer_id", "=", req.query.customerId);
      if (req.query.locationId) q = q.where("t.location_id", "=", req.query.locationId);
      const rows = await q.orderBy("t.opened_at", "desc").limit(req.query.limit).execute();
      return rows.map((t) => ({
        id: t.id,
        number: t.number,
        receiptNumber: t.receipt_number,
        status: t.status,
        openedAt: t.opened_at.toISOString(),
        closedAt: t.closed_at?.toISOString() ?? null,
        currency: t.currency,
        totalMinor: t.total_minor,
        locationId: t.location_id,
        customer: t.customer_id ? { id: t.customer_id, name: t.customer_name } : null,
      }));
    },
  );

  r.post(
    "/api/v1/tickets",
    {
      schema: {
        tags,
        summary: "Open a ticket at a location (T1)",
        body: z.strictObject({ customerId: id.optional(), locationId: id.optional() }).default({}),
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => openTicket(ctx, req.body, db), 201),
  );

  r.get(
    "/api/v1/tickets/:ticketId",
    { schema: { tags, summary: "A ticket with its coverage and totals", params: ticketParams } },
    async (req) => {
      const ctx = ctxOf(app, req);
      authorize(ctx, "read");
      return loadTicket(app.database.db, ctx.actor.businessId, req.params.ticketId);
    },
  );

  r.patch(
    "/api/v1/tickets/:ticketId",
    {
      schema: {
        tags,
        summary: "Put a customer on the ticket (or take them off)",
        params: ticketParams,
        body: z.strictObject({ customerId: id.nullable() }),
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        setTicketCustomer(ctx, req.params.ticketId, req.body.customerId, db),
      ),
  );

  r.post(
    "/api/v1/tickets/:ticketId/lines",
    {
      schema: {
        tags,
        summary: "Add a service, product, class or package sale; coverage is decided again (T2)",
        params: ticketParams,
        body: z.strictObject({
          itemId: id.optional(),
          templateId: id.optional(),
          serviceDate: localDate.optional(),
          staffId: id.optional(),
          priceMinor: money.optional(),
        }),
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => addTicketLine(ctx, req.params.ticketId, req.body, db), 201),
  );

  r.delete(
    "/api/v1/tickets/:ticketId/lines/:lineId",
    {
      schema: {
        tags,
        summary: "Remove a line from an open ticket; its credit is released",
        params: ticketLineParams,
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        removeTicketLine(ctx, req.params.ticketId, req.params.lineId, db),
      ),
  );

  r.post(
    "/api/v1/tickets/:ticketId/lines/:lineId/coverage",
    {
      schema: {
        tags,
        summary: "Switch a line to another eligible package, to paying, or back to automatic",
        params: ticketLineParams,
        body: z.discriminatedUnion("mode", [
          z.strictObject({ mode: z.literal("auto") }),
          z.strictObject({ mode: z.literal("paying") }),
          z.strictObject({ mode: z.literal("package"), packageLineId: id }),
        ]),
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        setLineCoverage(ctx, req.params.ticketId, req.params.lineId, req.body, db),
      ),
  );

  r.post(
    "/api/v1/tickets/:ticketId/close",
    {
      schema: {
        tags,
        summary: "Close: consume covered credits, take the payments (T6, T9)",
        params: ticketParams,
        body: z
          .strictObject({
            payments: z
              .array(z.strictObject({ tender, amountMinor: money }))
              .max(10)
              .default([]),
          })
          .default({ payments: [] }),
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => closeTicket(ctx, req.params.ticketId, req.body, db)),
  );

  r.post(
    "/api/v1/tickets/:ticketId/void",
    {
      schema: {
        tags,
        summary: "Void an open ticket; its reservations are released",
        params: ticketParams,
        body: z.strictObject({ reason: reason.optional() }).default({}),
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => voidTicket(ctx, req.params.ticketId, req.body.reason, db)),
  );

  r.post(
    "/api/v1/tickets/:ticketId/lines/:lineId/refund",
    {
      schema: {
        tags,
        summary: "Refund a line of a closed ticket (T8; manager/owner)",
        params: ticketLineParams,
        body: z.strictObject({ tender: tender.optional(), reason: reason.optional() }).default({}),
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => refundTicketLine(ctx, { ...req.params, ...req.body }, db)),
  );

  r.get(
    "/api/v1/reports/commissions",
    {
      schema: {
        tags: ["reports"],
        summary: "Commission by staff for tickets closed in a period (T10)",
        querystring: z.strictObject({ from: isoInstant, to: isoInstant }),
      },
    },
    async (req) => {
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (to <= from) throw invalid("invalid_period", "to must be after from.", "to");
      return commissionReport(ctxOf(app, req), { from, to });
    },
  );
}
