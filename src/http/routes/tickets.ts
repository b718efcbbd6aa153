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
import { cursorOf, limitOf, pageOf } from "../../app/pages.js";
import { refundTicketLine } from "../../app/refund-ticket-line.js";
import { commissionReport } from "../../app/reports.js";
import { loadTicket } from "../../app/ticket-view.js";
import { invalid } from "../../domain/errors.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import {
  giftMessage,
  id,
  isoInstant,
  localDate,
  money,
  pageAnswer,
  pageQuery,
  readRefusals,
  reason,
  writeRefusals,
} from "../schemas.js";

const ticketParams = z.object({ ticketId: id });
const ticketLineParams = z.object({ ticketId: id, lineId: id });
const tender = z.enum(["cash", "card", "store_credit"]);
const minor = z.number().int();
const ticketStatus = z.enum(["open", "closed", "voided", "refunded"]);
/** TicketLineView (src/app/ticket-view.ts) */
const ticketLineAnswer = z
  .object({
    id: z.string(),
    position: z.number().int(),
    kind: z.enum(["service", "product", "class_type", "package_sale"]),
    itemId: z.string().nullable(),
    templateId: z.string().nullable(),
    name: z.string(),
    retailPriceMinor: minor,
    taxRateBp: z.number().int(),
    serviceDate: z.string(),
    staffId: z.string().nullable(),
    staffName: z.string().nullable(),
    coverageMode: z.enum(["auto", "paying", "pinned"]),
    covered: z.boolean(),
    coverage: z.object({
      packageLineId: z.string().nullable(),
      packageId: z.string().nullable(),
      packageName: z.string().nullable(),
      bySaleLineId: z.string().nullable(),
      reason: z.string().nullable(),
      explanation: z.string().nullable(),
      label: z
        .string()
        .nullable()
        .describe('"from 5x Manicure, 3 of 5 used" or "PACKAGE USED (#4/UNLIMITED)"'),
      count: z.number().int().nullable().describe("U2: the label's parts: the k-th credit of n"),
      total: z.number().int().nullable(),
      unlimited: z.boolean(),
      saleName: z
        .string()
        .nullable()
        .describe("covered by a package sold on this ticket: that sale line's name"),
    }),
    priceMinor: minor.describe("0 when covered; the retail price again once a covered line is refunded (T8)"),
    taxMinor: minor,
    commissionMinor: minor.nullable(),
    soldPackageId: z.string().nullable(),
    gift: z
      .object({ toCustomerId: z.string(), toName: z.string(), message: z.string().nullable() })
      .nullable()
      .describe("G2: a package sold as a gift: the recipient and the message the receipt prints"),
    refundedAt: z.string().nullable(),
    refundedMinor: minor.nullable(),
  })
  .meta({ id: "TicketLine" });
/** TicketView (src/app/ticket-view.ts) */
const ticketAnswer = z
  .object({
    id: z.string(),
    number: z.number().int().describe("T1: the ticket's number in its business"),
    receiptNumber: z
      .number()
      .int()
      .nullable()
      .describe("T7: the receipt's number, consecutive; null until closed, and when voided"),
    status: ticketStatus,
    locationId: z.string(),
    locationName: z.string(),
    currency: z.string(),
    timeZone: z.string(),
    customer: z.object({ id: z.string(), name: z.string() }).nullable(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    voidedAt: z.string().nullable(),
    voidReason: z.string().nullable(),
    lines: z.array(ticketLineAnswer),
    totals: z.object({ dueMinor: minor, taxMinor: minor, paidMinor: minor, refundedMinor: minor }),
    payments: z.array(
      z.object({
        tender: z.string(),
        amountMinor: minor,
        tenderedMinor: minor.nullable().describe("U5: the cash handed over when it was more than the amount"),
        occurredAt: z.string(),
      }),
    ),
  })
  .meta({ id: "Ticket" });
const ticketSummaryAnswer = z
  .object({
    id: z.string(),
    number: z.number().int(),
    receiptNumber: z.number().int().nullable(),
    status: ticketStatus,
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    currency: z.string(),
    totalMinor: minor.nullable().describe("the total due; null while none is recorded"),
    locationId: z.string(),
    customer: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  })
  .meta({ id: "TicketSummary" });
/** W2: a page of lines, with the totals of every matching line (the same on every page). */
const commissionReportAnswer = z
  .object({
    totals: z.array(
      z.object({
        staffId: z.string(),
        staffName: z.string(),
        currency: z.string(),
        lines: z.number().int(),
        coveredLines: z.number().int(),
        linesWithoutRate: z.number().int().describe("lines closed while the staff member had no rate"),
        baseMinor: minor,
        amountMinor: minor,
      }),
    ),
    items: z.array(
      z.object({
        lineId: z.string(),
        ticketId: z.string(),
        ticketNumber: z.number().int(),
        receiptNumber: z.number().int().nullable(),
        closedAt: z.string(),
        staffId: z.string(),
        staffName: z.string(),
        currency: z.string(),
        name: z.string(),
        kind: z.string(),
        category: z.string().nullable(),
        covered: z.boolean(),
        baseMinor: minor,
        rateBp: z.number().int().nullable().describe("frozen when the ticket closed; null: no rate then"),
        amountMinor: minor.nullable(),
      }),
    ),
    nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last page"),
  })
  .meta({ id: "CommissionReport" });

export function ticketRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["tickets"];

  r.get(
    "/api/v1/tickets",
    {
      schema: {
        tags,
        summary: "Tickets, newest first, a page at a time (W2)",
        querystring: z.strictObject({
          status: z
            .enum(["open", "closed", "voided", "refunded", "done"])
            .optional()
            .describe("one status, or done: every ticket no longer open (closed, voided or refunded)"),
          customerId: id.optional(),
          locationId: id.optional(),
          ...pageQuery,
        }),
        response: { 200: pageAnswer(ticketSummaryAnswer), ...readRefusals },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      authorize(ctx, "read");
      // W2: newest first, the id breaking ties, so a page starts just after the last one shown
      const limit = limitOf(req.query);
      const after = cursorOf(req.query, ["instant", "uuid"] as const);
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
      const status = req.query.status;
      if (status === "done") q = q.where("t.status", "!=", "open");
      else if (status) q = q.where("t.status", "=", status);
      if (req.query.customerId) q = q.where("t.customer_id", "=", req.query.customerId);
      if (req.query.locationId) q = q.where("t.location_id", "=", req.query.locationId);
      if (after)
        q = q.where(({ eb, refTuple, tuple }) =>
          eb(refTuple("t.opened_at", "t.id"), "<", tuple(after[0], after[1])),
        );
      const rows = await q
        .orderBy("t.opened_at", "desc")
        .orderBy("t.id", "desc")
        .limit(limit + 1)
        .execute();
      return pageOf(
        rows,
        limit,
        (t) => [t.opened_at, t.id],
        (t) => ({
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
        }),
      );
    },
  );

  r.post(
    "/api/v1/tickets",
    {
      schema: {
        tags,
        summary: "Open a ticket at a location (T1), with its first line if given so that none stays empty",
        body: z
          .strictObject({
            customerId: id.optional(),
            locationId: id.optional(),
            line: z
              .strictObject({
                itemId: id.optional(),
                templateId: id.optional(),
                serviceDate: localDate.optional(),
              })
              .optional()
              .describe("the first line, added in the same transaction: the ticket never exists empty"),
          })
          .default({}),
        response: { 201: ticketAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => openTicket(ctx, req.body, db), 201),
  );

  r.get(
    "/api/v1/tickets/:ticketId",
    {
      schema: {
        tags,
        summary: "A ticket with its coverage and totals",
        params: ticketParams,
        response: { 200: ticketAnswer, ...readRefusals },
      },
    },
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
        response: { 200: ticketAnswer, ...writeRefusals },
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
          giftToCustomerId: id
            .optional()
            .describe(
              "G2: a package sale as a gift: the customer who receives it (the ticket's customer pays)",
            ),
          giftMessage: giftMessage
            .optional()
            .describe("G2: printed on the receipt and e-mailed to the recipient"),
        }),
        response: { 201: ticketAnswer, ...writeRefusals },
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
        response: { 200: ticketAnswer, ...writeRefusals },
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
        response: { 200: ticketAnswer, ...writeRefusals },
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
              .array(
                z.strictObject({
                  tender,
                  amountMinor: money,
                  tenderedMinor: money
                    .optional()
                    .describe("cash only: what the customer handed over; the change is the rest (U5)"),
                }),
              )
              .max(10)
              .default([]),
          })
          .default({ payments: [] }),
        response: { 200: ticketAnswer, ...writeRefusals },
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
        response: { 200: ticketAnswer, ...writeRefusals },
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
        response: { 200: ticketAnswer, ...writeRefusals },
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
        summary:
          "Commission for tickets closed in a period (T10, O4): per staff member the base and the " +
          "amount owed, and line by line the base, the rate frozen at close and the amount; the " +
          "lines a page at a time, the totals over every line on every page (W2)",
        querystring: z.strictObject({
          from: isoInstant,
          to: isoInstant,
          staffId: id.optional(),
          ...pageQuery,
        }),
        response: { 200: commissionReportAnswer, ...readRefusals },
      },
    },
    async (req) => {
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (to <= from) throw invalid("invalid_period", "to must be after from.", "to");
      return commissionReport(ctxOf(app, req), { ...req.query, from, to });
    },
  );
}
