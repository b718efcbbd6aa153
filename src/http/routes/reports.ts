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
  reportSource,
  revenueReport,
} from "../../app/reports.js";
import { csvField } from "../../domain/csv-cell.js";
import { invalid } from "../../domain/errors.js";
import { ctxOf } from "../auth.js";
import { id, isoInstant, pageAnswer, pageQuery, readRefusals, textBody } from "../schemas.js";

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

const int = z.number().int();
/** balanceView (src/app/reports.ts): one package with what it still owes */
const balanceAnswer = z
  .object({
    packageId: z.string(),
    packageName: z.string(),
    templateId: z.string(),
    customerId: z.string(),
    customerName: z.string(),
    locationId: z.string(),
    locationName: z.string(),
    currency: z.string(),
    timeZone: z.string(),
    purchasedAt: z.string(),
    expiresOn: z.string().nullable(),
    status: z.string().describe("P5: active, expired, fully_used or refunded"),
    total: int,
    used: int,
    booked: int,
    remaining: int,
    sessionsOwed: int.describe("sessions still owed, unlimited passes left out (counted in unlimitedLines)"),
    unlimitedLines: int,
    liabilityMinor: int,
    items: z.string().describe('each line as "Manicure 2/5" (left/total) or "Yoga UNLIMITED"'),
    lines: z.array(
      z.object({ itemName: z.string(), total: int, used: int, booked: int, unlimited: z.boolean() }),
    ),
  })
  .meta({ id: "BalanceRow" });
const liabilityAnswer = z
  .object({
    locationId: z.string(),
    locationName: z.string(),
    templateId: z.string(),
    packageName: z.string(),
    currency: z.string(),
    packages: int,
    sessionsOwed: int,
    unlimitedLines: int,
    liabilityMinor: int,
  })
  .meta({ id: "Liability" });
const reportRefusals = {
  400: readRefusals[400],
  401: readRefusals[401],
  403: readRefusals[403].describe("reports are for managers and owners"),
} as const;

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
        summary:
          "Package balances with sessions owed and liability (R1), a page at a time (W2): customers in " +
          "the working location's order of names; totals count every matching package, on every page.",
        querystring: z.strictObject({ ...balanceFilter, ...pageQuery }),
        response: {
          200: pageAnswer(balanceAnswer).extend({
            totals: z.array(
              z.object({
                currency: z.string(),
                packages: int,
                sessionsOwed: int,
                unlimitedLines: int,
                liabilityMinor: int,
              }),
            ),
          }),
          ...reportRefusals,
        },
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
        response: {
          200: {
            description: "one row per package; the first row names the columns",
            content: { "text/csv": { schema: textBody("CSV, RFC 4180, UTF-8, CRLF line ends") } },
          },
          ...reportRefusals,
        },
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
      return (
        reply
          .header("content-type", "text/csv; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="package-balances-${new Date().toISOString().slice(0, 10)}.csv"`,
          )
          // the stream's chunks are the CSV text the schema declares (its type knows no streams)
          .send(Readable.from(chunks(), { highWaterMark: 2 }) as unknown as string)
      );
    },
  );

  r.get(
    "/api/v1/reports/source",
    {
      schema: {
        tags,
        summary:
          "Where the reports are read (X2): the primary, or the standby of DATABASE_REPLICA_URL and how many seconds it is behind (0 when caught up)",
        response: {
          200: z
            .object({ source: z.enum(["primary", "replica"]), lagSeconds: z.number().min(0) })
            .meta({ id: "ReportSource" }),
          401: reportRefusals[401],
          403: reportRefusals[403],
        },
      },
    },
    async (req) => reportSource(ctxOf(app, req)),
  );

  r.get(
    "/api/v1/reports/liability",
    {
      schema: {
        tags,
        summary: "Owed sessions and liability by location and template (R1)",
        response: { 200: z.array(liabilityAnswer), 401: reportRefusals[401], 403: reportRefusals[403] },
      },
    },
    async (req) => liabilitySummary(ctxOf(app, req)),
  );

  r.get(
    "/api/v1/reports/expiring",
    {
      schema: {
        tags,
        summary:
          "Active packages with credits left expiring within N days (R2), soonest first, a page at a time (W2)",
        querystring: z.strictObject({
          days: z.coerce.number().int().min(1).max(365).default(30),
          locationId: id.optional(),
          ...pageQuery,
        }),
        response: { 200: pageAnswer(balanceAnswer), ...reportRefusals },
      },
    },
    async (req) => expiringSoon(ctxOf(app, req), req.query),
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
        response: {
          200: z.array(
            z.object({
              key: z
                .string()
                .describe("the day (YYYY-MM-DD, the package's zone), staff name or location name"),
              currency: z.string(),
              redeemed: int,
              undone: int,
              net: int,
              valueMinor: int,
            }),
          ),
          ...reportRefusals,
        },
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
        response: {
          200: z.object({
            earned: z.array(
              z.object({
                locationName: z.string(),
                packageName: z.string(),
                templateId: z.string(),
                currency: z.string(),
                earnedMinor: int,
                credits: int,
              }),
            ),
            deferred: z.array(
              z.object({
                locationName: z.string(),
                packageName: z.string(),
                templateId: z.string(),
                currency: z.string(),
                deferredMinor: int,
                credits: int,
                unlimitedLines: int,
              }),
            ),
          }),
          ...reportRefusals,
        },
      },
    },
    async (req) => revenueReport(ctxOf(app, req), periodOf(req.query)),
  );
}
