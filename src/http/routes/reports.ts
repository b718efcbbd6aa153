// Reports (R1, R2, R5) for managers and owners, and the balances CSV export.
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { App } from "../../app/context.js";
import {
  expiringSoon,
  liabilitySummary,
  packageBalances,
  packageBalancesCsv,
  redemptionsReport,
  revenueReport,
} from "../../app/reports.js";
import { csvField } from "../../domain/csv-cell.js";
import { invalid } from "../../domain/errors.js";
import { ctxOf } from "../auth.js";
import { id, isoInstant } from "../schemas.js";

const balanceFilter = {
  locationId: id.optional(),
  templateId: id.optional(),
  status: z.enum(["active", "expired", "fully_used", "refunded", "all"]).default("active"),
};
const period = z.strictObject({ from: isoInstant, to: isoInstant });

function periodOf(q: { from: string; to: string }) {
  const from = new Date(q.from);
  const to = new Date(q.to);
  if (to <= from) throw invalid("invalid_period", "to must be after from.", "to");
  return { from, to };
}

const CSV_COLUMNS = [
  ["customer", "customerName"],
  ["package", "packageName"],
  ["status", "status"],
  ["location", "locationName"],
  ["items (remaining/total)", "items"],
  ["remaining", "remaining"],
  ["booked", "booked"],
  ["total", "total"],
  ["sessions owed", "sessionsOwed"],
  ["unlimited lines", "unlimitedLines"],
  ["currency", "currency"],
  ["liability (minor units)", "liabilityMinor"],
  ["purchased at", "purchasedAt"],
  ["expires on", "expiresOn"],
  ["package id", "packageId"],
] as const;

export { csvField };

export function reportRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["reports"];

  r.get(
    "/api/v1/reports/balances",
    {
      schema: {
        tags,
        summary: "Package balances with sessions owed and liability (R1)",
        querystring: z.strictObject({
          ...balanceFilter,
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
        }),
      },
    },
    async (req) => packageBalances(ctxOf(app, req), req.query),
  );

  r.get(
    "/api/v1/reports/balances.csv",
    {
      schema: {
        tags,
        summary: "The balances report as CSV, every row (R1)",
        querystring: z.strictObject(balanceFilter),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(app, req);
      const batches = packageBalancesCsv(ctx, req.query);
      const first = await batches.next(); // permission and query errors answer before the download starts
      // One chunk per batch of rows, written by the database: the download pulls the next batch only when the socket drains.
      async function* chunks() {
        try {
          yield `${CSV_COLUMNS.map(([label]) => csvField(label)).join(",")}\r\n`;
          for (let next = first; !next.done; next = await batches.next()) yield next.value;
        } finally {
          await batches.return(undefined); // a download cut short ends the query too
        }
      }
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header(
          "content-disposition",
          `attachment; filename="package-balances-${new Date().toISOString().slice(0, 10)}.csv"`,
        )
        .send(Readable.from(chunks(), { highWaterMark: 2 }));
    },
  );

  r.get(
    "/api/v1/reports/liability",
    { schema: { tags, summary: "Owed sessions and liability by location and template (R1)" } },
    async (req) => liabilitySummary(ctxOf(app, req)),
  );

  r.get(
    "/api/v1/reports/expiring",
    {
      schema: {
        tags,
        summary: "Active packages with credits left expiring within N days (R2)",
        querystring: z.strictObject({
          days: z.coerce.number().int().min(1).max(365).default(30),
          locationId: id.optional(),
        }),
      },
    },
    async (req) => expiringSoon(ctxOf(app, req), req.query.days, req.query.locationId),
  );

  r.get(
    "/api/v1/reports/redemptions",
    {
      schema: {
        tags,
        summary: "Credits used by day, staff or location in a period (R2)",
        querystring: period.extend({
          groupBy: z.enum(["day", "staff", "location"]).default("day"),
          locationId: id.optional(),
        }),
      },
    },
    async (req) =>
      redemptionsReport(ctxOf(app, req), {
        ...periodOf(req.query),
        groupBy: req.query.groupBy,
        locationId: req.query.locationId,
      }),
  );

  r.get(
    "/api/v1/reports/revenue",
    {
      schema: {
        tags,
        summary: "Earned package revenue in a period and what is still deferred (R5)",
        querystring: period,
      },
    },
    async (req) => revenueReport(ctxOf(app, req), periodOf(req.query)),
  );
}
