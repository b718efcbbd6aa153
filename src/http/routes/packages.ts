// Packages and the ledger: sell, redeem, undo, adjust, extend, refund; usage history and activity.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { adjustCredits } from "../../app/adjust-credits.js";
import type { App } from "../../app/context.js";
import { extendExpiry } from "../../app/extend-expiry.js";
import { activityLog, packageUsage, storeCredit } from "../../app/history.js";
import { getCustomer } from "../../app/lookups.js";
import { customerPackagesPage, loadPackage } from "../../app/package-view.js";
import { endPause, pausePackage } from "../../app/pause-package.js";
import { redeemItemFifo, redeemLineOnce } from "../../app/redeem-credits.js";
import { refundPackage } from "../../app/refund-package.js";
import { sellPackage } from "../../app/sell-package.js";
import { transferCredits, undoTransfer } from "../../app/transfer-credits.js";
import { undoMovement } from "../../app/undo-movement.js";
import { ctxOf } from "../auth.js";
import { mutation, oneStatementMutation } from "../mutation.js";
import {
  customerParams,
  giftMessage,
  id,
  isoInstant,
  lineParams,
  localDate,
  money,
  movementAnswer,
  movementKind,
  movementParams,
  packageAnswer,
  packageParams,
  pageAnswer,
  pageQuery,
  plainJsonSerializer,
  quantity,
  readRefusals,
  reason,
  writeRefusals,
} from "../schemas.js";

const int = z.number().int();
/** packageUsage (src/app/history.ts): one movement of a package, with what became of it */
const usageAnswer = z
  .object({
    id: z.string(),
    kind: movementKind,
    quantity: int,
    occurredAt: z.string(),
    lineId: z.string(),
    itemName: z.string().nullable(),
    staffId: z.string().nullable(),
    staffName: z.string().nullable(),
    reason: z.string().nullable(),
    appointmentId: z.string().nullable(),
    ticketLineId: z.string().nullable(),
    classEnrolmentId: z.string().nullable(),
    reservationId: z.string().nullable(),
    reversesId: z.string().nullable(),
    valueMinor: int,
    after: z.object({ total: int, used: int, booked: int, remaining: int }),
    undone: z.boolean(),
    undoneAt: z.string().nullable(),
    resolvedAs: movementKind.nullable().describe("a reservation: how it ended (consume, release)"),
    undoable: z.boolean(),
  })
  .meta({ id: "UsageEntry" });
/** activityLog (src/app/history.ts): one entry of the activity log (L7) */
const activityAnswer = z
  .object({
    id: z.string(),
    occurredAt: z.string(),
    action: z.string(),
    reason: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).describe("the action's own facts, as recorded"),
    customerId: z.string().nullable(),
    customerName: z.string().nullable(),
    packageId: z.string().nullable(),
    packageName: z
      .string()
      .nullable()
      .describe("the entry's package, or for a no-show or cancellation the packages its credits came from"),
    serviceName: z.string().nullable().describe("for a no-show or cancellation: the services or the class"),
    movementId: z.string().nullable(),
    staffId: z.string().nullable(),
    staffName: z.string().nullable(),
    locationId: z.string().nullable(),
  })
  .meta({ id: "ActivityEntry" });
const movementRefusals = {
  ...writeRefusals,
  409: writeRefusals[409].describe(
    "a rule of the ledger: insufficient_credits, package_expired, package_refunded, package_not_valid_at_location, already_undone …",
  ),
} as const;

export function packageRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["packages"];

  r.get(
    "/api/v1/customers/:customerId/packages",
    {
      schema: {
        tags,
        summary:
          "A customer's packages with counters and status (P5), oldest purchase first, a page at a time (W2)",
        params: customerParams,
        querystring: z.strictObject({ ...pageQuery }),
        response: { 200: pageAnswer(packageAnswer), ...readRefusals },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      await getCustomer(app.database.db, ctx.actor.businessId, req.params.customerId, "customerId");
      return customerPackagesPage(
        app.database.db,
        ctx.actor.businessId,
        req.params.customerId,
        req.query,
        app.clock(),
      );
    },
  );

  r.post(
    "/api/v1/customers/:customerId/packages",
    {
      schema: {
        tags,
        summary: "Sell a package to a customer directly (P3), or as a gift from another customer (G2)",
        params: customerParams,
        body: z.strictObject({
          templateId: id,
          locationId: id.optional(),
          priceMinor: money.optional(),
          giftFromCustomerId: id
            .optional()
            .describe("G2: the customer who pays; the customer of the path receives it"),
          giftMessage: giftMessage.optional().describe("G2: for the receipt and the recipient's e-mail"),
        }),
        response: { 201: packageAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(
        app,
        req,
        reply,
        (ctx, db) => sellPackage(ctx, { ...req.body, customerId: req.params.customerId }, db),
        201,
      ),
  );

  r.get(
    "/api/v1/packages/:packageId",
    {
      schema: {
        tags,
        summary: "One package",
        params: packageParams,
        response: { 200: packageAnswer, ...readRefusals },
      },
    },
    async (req) =>
      loadPackage(app.database.db, ctxOf(app, req).actor.businessId, req.params.packageId, app.clock()),
  );

  r.post(
    "/api/v1/packages/:packageId/lines/:lineId/redeem",
    {
      schema: {
        tags,
        summary: "Quick redeem: take credits from one line now (seed 000)",
        params: lineParams,
        body: z
          .strictObject({ quantity: quantity.default(1), reason: reason.optional() })
          .default({ quantity: 1 }),
        response: { 200: movementAnswer, ...movementRefusals },
      },
      // The answer is JSON text the database wrote; only refusals are serialized, and cheaply.
      serializerCompiler: plainJsonSerializer,
    },
    (req, reply) =>
      oneStatementMutation(app, req, reply, (ctx, claim) =>
        redeemLineOnce(ctx, { ...req.params, ...req.body }, claim),
      ),
  );

  r.post(
    "/api/v1/customers/:customerId/redemptions",
    {
      schema: {
        tags,
        summary: "Redeem an item for a customer; the package is chosen FIFO (L8)",
        params: customerParams,
        body: z.strictObject({ itemId: id, quantity: quantity.default(1), reason: reason.optional() }),
        response: {
          200: movementAnswer,
          ...movementRefusals,
          409: writeRefusals[409].describe(
            "no_eligible_package: no active package has enough credits; concurrent_update: try again",
          ),
        },
      },
      serializerCompiler: plainJsonSerializer,
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        redeemItemFifo(ctx, { ...req.body, customerId: req.params.customerId }, db),
      ),
  );

  r.post(
    "/api/v1/movements/:movementId/undo",
    {
      schema: {
        tags,
        summary: "Undo a redemption, consume or deduct (L6; manager/owner)",
        params: movementParams,
        body: z.strictObject({ reason: reason.optional() }).default({}),
        response: { 200: movementAnswer, ...movementRefusals },
      },
      serializerCompiler: plainJsonSerializer,
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        undoMovement(ctx, { movementId: req.params.movementId, reason: req.body.reason }, db),
      ),
  );

  r.post(
    "/api/v1/packages/:packageId/lines/:lineId/adjustments",
    {
      schema: {
        tags,
        summary: "Add or deduct credits with a reason (P9; manager/owner)",
        params: lineParams,
        body: z.strictObject({ direction: z.enum(["add", "deduct"]), quantity, reason }),
        response: { 200: movementAnswer, ...movementRefusals },
      },
      serializerCompiler: plainJsonSerializer,
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => adjustCredits(ctx, { ...req.body, ...req.params }, db)),
  );

  r.post(
    "/api/v1/packages/:packageId/extend",
    {
      schema: {
        tags,
        summary: "Move the expiry date later (P7; manager/owner)",
        params: packageParams,
        body: z.strictObject({ expiresOn: localDate, reason: reason.optional() }),
        response: { 200: packageAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        extendExpiry(ctx, { ...req.body, packageId: req.params.packageId }, db),
      ),
  );

  const transferAnswer = z.object({
    from: packageAnswer.describe("the package the credits left"),
    to: packageAnswer.describe("the recipient's package they arrived in"),
  });
  r.post(
    "/api/v1/packages/:packageId/transfer",
    {
      schema: {
        tags,
        summary:
          "Move the free credits of a package, or of one line, to another customer's new package (G3; manager/owner)",
        params: packageParams,
        body: z.strictObject({
          toCustomerId: id,
          lineId: id.optional().describe("one line only; absent: every line with free credits"),
          expiresOn: localDate.optional().describe("the new package's last day; absent: the source's expiry"),
          reason,
        }),
        response: { 200: transferAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        transferCredits(ctx, { ...req.body, packageId: req.params.packageId }, db),
      ),
  );

  r.post(
    "/api/v1/movements/:movementId/undo-transfer",
    {
      schema: {
        tags,
        summary: "Undo the transfer a transfer_out or transfer_in movement belongs to (G3; manager/owner)",
        params: movementParams,
        body: z.strictObject({ reason: reason.optional() }).default({}),
        response: { 200: transferAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        undoTransfer(ctx, { movementId: req.params.movementId, reason: req.body.reason }, db),
      ),
  );

  r.post(
    "/api/v1/packages/:packageId/pauses",
    {
      schema: {
        tags,
        summary:
          "Pause a package from a date to a date: no credit is taken on those days, the expiry moves later by them (G4; manager/owner)",
        params: packageParams,
        body: z.strictObject({
          startsOn: localDate.describe("the first paused day, today or later"),
          endsOn: localDate.describe("the last paused day"),
          reason,
        }),
        response: { 200: packageAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        pausePackage(ctx, { ...req.body, packageId: req.params.packageId }, db),
      ),
  );

  r.post(
    "/api/v1/packages/:packageId/pauses/:pauseId/end",
    {
      schema: {
        tags,
        summary:
          "End a pause early (or take away one not yet begun): usable again from resumeOn, the expiry moves back by the days given back (G4; manager/owner)",
        params: packageParams.extend({ pauseId: id }),
        body: z
          .strictObject({
            resumeOn: localDate.optional().describe("the first day usable again; absent: today"),
            reason: reason.optional(),
          })
          .default({}),
        response: { 200: packageAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => endPause(ctx, { ...req.body, ...req.params }, db)),
  );

  r.post(
    "/api/v1/packages/:packageId/refund",
    {
      schema: {
        tags,
        summary: "Refund a package in money or as store credit (P8; manager/owner)",
        params: packageParams,
        body: z.strictObject({ kind: z.enum(["money", "store_credit"]), reason: reason.optional() }),
        response: { 200: packageAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        refundPackage(ctx, { ...req.body, packageId: req.params.packageId }, db),
      ),
  );

  r.get(
    "/api/v1/packages/:packageId/usage",
    {
      schema: {
        tags,
        summary: "Usage history of a package (L5), newest first, a page at a time (W2)",
        params: packageParams,
        querystring: z.strictObject({ ...pageQuery }),
        response: { 200: pageAnswer(usageAnswer), ...readRefusals },
      },
    },
    async (req) => packageUsage(ctxOf(app, req), req.params.packageId, req.query),
  );

  r.get(
    "/api/v1/activity",
    {
      schema: {
        tags,
        summary: "The activity log (L7), newest first, a page at a time (W2)",
        querystring: z.strictObject({
          customerId: id.optional(),
          packageId: id.optional(),
          staffId: id.optional(),
          action: z.string().max(40).optional(),
          from: isoInstant.optional(),
          to: isoInstant.optional(),
          ...pageQuery,
        }),
        response: { 200: pageAnswer(activityAnswer), ...readRefusals },
      },
    },
    async (req) => {
      const q = req.query;
      return activityLog(ctxOf(app, req), {
        ...q,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
      });
    },
  );

  r.get(
    "/api/v1/customers/:customerId/store-credit",
    {
      schema: {
        tags,
        summary: "Store credit balances per currency",
        params: customerParams,
        response: {
          200: z.array(z.object({ currency: z.string(), balanceMinor: int })),
          ...readRefusals,
        },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      await getCustomer(app.database.db, ctx.actor.businessId, req.params.customerId, "customerId");
      return storeCredit(ctx, req.params.customerId);
    },
  );
}
