// O3, O4: the template editor's credit-value preview, editing a location, and commission rates.
// (Items, templates and adding a location are in admin.ts.)
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listCommissionRates, removeCommissionRate, setCommissionRate } from "../../app/commission-rates.js";
import type { App } from "../../app/context.js";
import { updateLocation } from "../../app/edit-location.js";
import { previewTemplate } from "../../app/manage-catalog.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import {
  category,
  currency,
  id,
  locale,
  name,
  postalAddress,
  prices as pricesBody,
  refusals,
} from "../schemas.js";

const minor = z.number().int();

const prices = z.record(z.string(), minor).describe("minor units per ISO 4217 currency");
export const itemAnswer = z
  .object({
    id: z.string(),
    kind: z.enum(["service", "product", "class_type"]),
    name: z.string(),
    prices,
    taxRateBp: z.number().int(),
    durationMinutes: z.number().int().nullable(),
    sellToClients: z.boolean(),
    commissionEligible: z.boolean(),
    active: z.boolean().describe("false: archived"),
    category: z.string().nullable(),
  })
  .meta({ id: "Item" });
export const templateAnswer = z
  .object({
    id: z.string(),
    kind: z.enum(["course", "package"]),
    name: z.string(),
    prices,
    validity: z.object({
      kind: z.enum(["days", "months", "fixed_date", "one_day", "none"]),
      count: z.number().int().nullable(),
      date: z.string().nullable(),
    }),
    commissionBasis: z.enum(["item_retail_price", "package_price_per_credit"]),
    onlineBookable: z.boolean(),
    active: z.boolean().describe("false: retired"),
    items: z.array(
      z.object({
        itemId: z.string(),
        itemName: z.string(),
        itemKind: z.enum(["service", "product", "class_type"]),
        itemActive: z.boolean(),
        quantity: z.number().int(),
      }),
    ),
    locationIds: z.array(z.string()).describe("where it can be redeemed; empty: every location"),
    soldCount: z.number().int().describe("packages sold from it; they keep what they were sold with"),
  })
  .meta({ id: "Template" });
const previewAnswer = z
  .object({
    totalCredits: z.number().int(),
    currencies: z.array(
      z.object({
        currency: z.string(),
        priceMinor: minor,
        lines: z.array(
          z.object({
            itemId: z.string(),
            itemName: z.string(),
            quantity: z.number().int(),
            retailPriceMinor: minor.nullable().describe("null: the item has no price in this currency"),
            lineValueMinor: minor.describe("the line's share of the package price"),
            creditMinor: minor.describe("what each credit but the last is worth"),
            lastCreditMinor: minor.describe("what the last credit is worth (the rounding remainder)"),
          }),
        ),
        packagePricePerCredit: z
          .object({ creditMinor: minor, lastCreditMinor: minor })
          .describe("the commission base per credit on the package_price_per_credit basis (T10)"),
      }),
    ),
  })
  .meta({ id: "TemplatePreview" });
const rateAnswer = z
  .object({
    id: z.string(),
    staffId: z.string(),
    staffName: z.string(),
    category: z.string().nullable(),
    rateBp: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: "CommissionRate" });
export const locationAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    timeZone: z.string(),
    currency: z.string(),
    address: z.string().nullable(),
    locale: z.string().describe("U1: how dates, clocks and money read there, a BCP 47 tag (hu-HU, en-US)"),
  })
  .meta({ id: "Location" });
const rateBp = z
  .number({ error: "must be a whole number of basis points" })
  .int("must be a whole number of basis points (1250 = 12.5 %)")
  .min(0, "must not be negative")
  .max(10_000, "must be at most 10000 (100 %)");

export function catalogRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();

  // Not through mutation(): it writes nothing, so there is nothing to replay.
  r.post(
    "/api/v1/templates/preview",
    {
      schema: {
        tags: ["catalog"],
        summary:
          "What one credit of each item of a template would be worth, per currency (O3; manager/owner). " +
          "The sale's own rule: the price shared by retail price × credits, rounded down per credit, " +
          "the remainder on the last. Writes nothing.",
        body: z.strictObject({
          prices: pricesBody,
          items: z
            .array(
              z.strictObject({
                itemId: id,
                quantity: z.number().int().min(1, "must be at least 1").max(100_000),
              }),
            )
            .max(100),
        }),
        response: {
          200: previewAnswer,
          400: refusals[400],
          401: refusals[401],
          403: refusals[403],
          404: refusals[404],
        },
      },
    },
    async (req) => previewTemplate(ctxOf(app, req), req.body),
  );

  r.patch(
    "/api/v1/locations/:locationId",
    {
      schema: {
        tags: ["business"],
        summary:
          "Edit a location (O3; owner). The currency cannot change once the location has packages, " +
          "tickets or appointments (409 location_currency_in_use); the time zone not while it has " +
          "appointments or classes to come (409 location_has_future_bookings).",
        params: z.object({ locationId: id }),
        body: z.strictObject({
          name: name.optional(),
          timeZone: z.string().min(1).max(64).optional(),
          currency: currency.optional(),
          address: postalAddress.nullable().optional(),
          locale: locale.optional(),
        }),
        response: { 200: locationAnswer, ...refusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => updateLocation(ctx, req.params.locationId, req.body, db)),
  );

  r.get(
    "/api/v1/commission-rates",
    {
      schema: {
        tags: ["reports"],
        summary: "Commission rates per staff member and item category (O4; manager/owner)",
        response: { 200: z.array(rateAnswer), 401: refusals[401], 403: refusals[403] },
      },
    },
    async (req) => listCommissionRates(ctxOf(app, req)),
  );
  r.post(
    "/api/v1/commission-rates",
    {
      schema: {
        tags: ["reports"],
        summary:
          "Set a staff member's commission rate, for one item category or (category null) for " +
          "everything else (O4; owner). Lines already closed keep the rate they closed with.",
        body: z.strictObject({ staffId: id, category: category.nullable().optional(), rateBp }),
        response: { 200: rateAnswer, ...refusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => setCommissionRate(ctx, req.body, db)),
  );
  r.delete(
    "/api/v1/commission-rates/:rateId",
    {
      schema: {
        tags: ["reports"],
        summary: "Remove a commission rate (O4; owner)",
        params: z.object({ rateId: id }),
        response: { 200: z.object({ removed: z.literal(true), id: z.string() }), ...refusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => removeCommissionRate(ctx, req.params.rateId, db)),
  );
}
