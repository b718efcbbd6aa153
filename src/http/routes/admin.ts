// The business's settings, locations, staff, customers and catalog.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { App } from "../../app/context.js";
import { makeBalanceLink, removeBalanceLink } from "../../app/customer-balance.js";
import {
  createLocation,
  getBusinessView,
  listLocations,
  listStaff,
  updateSettings,
} from "../../app/manage-business.js";
import {
  createItem,
  createTemplate,
  listItems,
  listTemplates,
  setTemplateActive,
  updateItem,
  updateTemplate,
} from "../../app/manage-catalog.js";
import {
  createCustomer,
  getCustomerView,
  listCustomers,
  updateCustomer,
} from "../../app/manage-customers.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import {
  category,
  currency,
  customerParams,
  email,
  id,
  itemParams,
  language,
  localDate,
  locale,
  name,
  pageAnswer,
  pageQuery,
  phone,
  postalAddress,
  prices,
  readRefusals,
  refusals,
  role,
  templateParams,
  writeRefusals,
} from "../schemas.js";
import { itemAnswer, locationAnswer, templateAnswer } from "./catalog.js";

const policy = z.enum(["consume", "release", "review"]);
const itemBody = z.strictObject({
  kind: z.enum(["service", "product", "class_type"]),
  name,
  prices,
  taxRateBp: z.number().int().min(0).max(10_000).optional(),
  durationMinutes: z.number().int().min(1).max(1440).nullable().optional(),
  sellToClients: z.boolean().optional(),
  commissionEligible: z.boolean().optional(),
  active: z.boolean().optional(),
  category: category.nullable().optional(),
});
const templateBody = z.strictObject({
  kind: z.enum(["course", "package"]),
  name,
  prices,
  validity: z.strictObject({
    kind: z.enum(["days", "months", "fixed_date", "one_day", "none"]),
    count: z.number().int().min(1).max(3650).nullable().optional(),
    date: localDate.nullable().optional(),
  }),
  commissionBasis: z.enum(["item_retail_price", "package_price_per_credit"]).optional(),
  onlineBookable: z.boolean().optional(),
  items: z
    .array(z.strictObject({ itemId: id, quantity: z.number().int().min(1).max(100_000) }))
    .min(1, "must have at least one item")
    .max(100),
  locationIds: z.array(id).max(100).optional(),
});
const customerAnswer = z
  .object({
    id,
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    balanceLinkCreatedAt: z.string().nullable(),
    createdAt: z.string(),
    language: z.string().nullable().describe("U2: the customer's language; null: the business's"),
  })
  .meta({ id: "Customer" });
const policyAnswer = z.enum(["consume", "release", "review"]);
/** businessView (src/app/manage-business.ts) */
export const businessAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    language: z.string().describe("U2: the language of staff and customers who have not chosen their own"),
    settings: z.object({
      allowRefundUsedPackages: z.boolean(),
      coverZeroPriceItems: z.boolean(),
      redemptionPoint: z.enum(["checkout_or_end", "checkout_only", "booking"]),
      appointmentNoShowPolicy: policyAnswer,
      classNoShowPolicy: policyAnswer,
      reminderDaysBeforeExpiry: z.number().int().nullable(),
      onlineBookingDaysAhead: z.number().int(),
      onlineBookingMinNoticeMinutes: z.number().int(),
    }),
  })
  .meta({ id: "Business" });
/** staffView (src/app/manage-business.ts) */
export const staffMemberAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role,
    homeLocationId: z.string(),
    active: z.boolean(),
  })
  .meta({ id: "StaffMember" });
export const customerPage = pageAnswer(customerAnswer)
  .extend({ total: z.number().int().describe("how many customers match, on every page") })
  .meta({ id: "CustomerPage" });
const customerBody = z.strictObject({
  name,
  email: email.nullable().optional().or(z.literal("")),
  phone: phone.nullable().optional(),
  language: language.nullable().optional(),
});

export function adminRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/v1/business",
    {
      schema: {
        tags: ["business"],
        summary: "The business and its settings",
        response: { 200: businessAnswer, 401: refusals[401], 403: refusals[403] },
      },
    },
    async (req) => getBusinessView(ctxOf(app, req)),
  );
  r.patch(
    "/api/v1/business/settings",
    {
      schema: {
        tags: ["business"],
        summary: "Change business settings (owner)",
        body: z.strictObject({
          allowRefundUsedPackages: z.boolean().optional(),
          coverZeroPriceItems: z.boolean().optional(),
          redemptionPoint: z.enum(["checkout_or_end", "checkout_only", "booking"]).optional(),
          appointmentNoShowPolicy: policy.optional(),
          classNoShowPolicy: policy.optional(),
          reminderDaysBeforeExpiry: z.number().int().min(1).max(365).nullable().optional(),
          onlineBookingDaysAhead: z
            .number()
            .int("must be a whole number of days")
            .min(1, "must be at least 1")
            .max(365, "must be at most 365")
            .optional(),
          onlineBookingMinNoticeMinutes: z
            .number()
            .int("must be a whole number of minutes")
            .min(0, "must not be negative")
            .max(20_160, "must be at most 20160 (two weeks)")
            .optional(),
          language: language
            .optional()
            .describe("U2: the language of staff and customers who have not chosen their own (en, hu)"),
        }),
        response: { 200: businessAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => updateSettings(ctx, req.body, db)),
  );
  r.get(
    "/api/v1/locations",
    {
      schema: {
        tags: ["business"],
        summary: "Locations",
        response: { 200: z.array(locationAnswer), 401: refusals[401] },
      },
    },
    async (req) => listLocations(app.database.db, ctxOf(app, req).actor.businessId),
  );
  r.post(
    "/api/v1/locations",
    {
      schema: {
        tags: ["business"],
        summary: "Add a location (owner)",
        body: z.strictObject({
          name,
          timeZone: z.string().min(1).max(64),
          currency,
          address: postalAddress.nullable().optional(),
          locale: locale
            .optional()
            .describe("U1: when not given, from the time zone (hu-HU for Europe/Budapest)"),
        }),
        response: { 201: locationAnswer, ...refusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => createLocation(ctx, req.body, db), 201),
  );
  r.get(
    "/api/v1/staff",
    {
      schema: {
        tags: ["business"],
        summary: "Staff",
        response: { 200: z.array(staffMemberAnswer), 401: refusals[401], 403: refusals[403] },
      },
    },
    async (req) => listStaff(ctxOf(app, req)),
  );

  r.get(
    "/api/v1/customers",
    {
      schema: {
        tags: ["customers"],
        summary:
          "Customers a page at a time, in the working location's order of names (U1; Hungarian in " +
          "Budapest), or those matching q by name, phone or e-mail; total counts every match. Pass a " +
          "page's nextCursor as cursor for the next page (null on the last).",
        querystring: z.strictObject({
          q: z.string().max(200).default(""),
          ...pageQuery,
        }),
        response: { 200: customerPage, 400: refusals[400], 401: refusals[401] },
      },
    },
    async (req) => listCustomers(ctxOf(app, req), req.query),
  );
  r.post(
    "/api/v1/customers",
    {
      schema: {
        tags: ["customers"],
        summary: "Create a customer",
        body: customerBody,
        response: { 201: customerAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => createCustomer(ctx, req.body, db), 201),
  );
  r.get(
    "/api/v1/customers/:customerId",
    {
      schema: {
        tags: ["customers"],
        summary: "One customer",
        params: customerParams,
        response: { 200: customerAnswer, ...readRefusals },
      },
    },
    async (req) => getCustomerView(ctxOf(app, req), req.params.customerId),
  );
  r.patch(
    "/api/v1/customers/:customerId",
    {
      schema: {
        tags: ["customers"],
        summary: "Edit a customer",
        params: customerParams,
        body: customerBody.partial(),
        response: { 200: customerAnswer, ...writeRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => updateCustomer(ctx, req.params.customerId, req.body, db)),
  );
  // Not through mutation(): its answer, the token, must never be stored with an Idempotency-Key.
  // A retry makes another link, which ends the one before: no harm, the newest one is shown.
  r.post(
    "/api/v1/customers/:customerId/balance-link",
    {
      schema: {
        tags: ["customers"],
        summary:
          "Make a new balance link for the customer (R4; front desk, manager, owner). The token is " +
          "shown only in this answer; the customer's previous link stops working. Idempotency-Key is ignored.",
        params: customerParams,
        response: {
          201: z.object({
            token: z.string(),
            path: z.string().describe("the balance page's path on the web app, holding the token"),
            createdAt: z.string(),
          }),
          ...readRefusals,
        },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await makeBalanceLink(ctxOf(app, req), req.params.customerId)),
  );
  r.delete(
    "/api/v1/customers/:customerId/balance-link",
    {
      schema: {
        tags: ["customers"],
        summary: "End the customer's balance link without making another (R4; front desk, manager, owner)",
        params: customerParams,
        response: { 200: customerAnswer, ...writeRefusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => removeBalanceLink(ctx, req.params.customerId, db)),
  );

  r.get(
    "/api/v1/items",
    {
      schema: {
        tags: ["catalog"],
        summary: "Services, products and class types; archived ones only with includeArchived=true",
        querystring: z.strictObject({
          kind: z.enum(["service", "product", "class_type"]).optional(),
          includeArchived: z.enum(["true", "false"]).default("false"),
        }),
        response: { 200: z.array(itemAnswer), 400: refusals[400], 401: refusals[401] },
      },
    },
    async (req) => listItems(ctxOf(app, req), req.query.kind, req.query.includeArchived === "true"),
  );
  r.post(
    "/api/v1/items",
    {
      schema: {
        tags: ["catalog"],
        summary: "Create an item (manager/owner)",
        body: itemBody,
        response: { 201: itemAnswer, ...refusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => createItem(ctx, req.body, db), 201),
  );
  r.patch(
    "/api/v1/items/:itemId",
    {
      schema: {
        tags: ["catalog"],
        summary: "Edit an item, or archive it with active: false (manager/owner)",
        params: itemParams,
        body: itemBody.omit({ kind: true }).partial(),
        response: { 200: itemAnswer, ...refusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => updateItem(ctx, req.params.itemId, req.body, db)),
  );
  r.get(
    "/api/v1/templates",
    {
      schema: {
        tags: ["catalog"],
        summary: "Package templates",
        querystring: z.strictObject({ includeRetired: z.enum(["true", "false"]).default("false") }),
        response: { 200: z.array(templateAnswer), 400: refusals[400], 401: refusals[401] },
      },
    },
    async (req) => listTemplates(ctxOf(app, req), req.query.includeRetired === "true"),
  );
  r.post(
    "/api/v1/templates",
    {
      schema: {
        tags: ["catalog"],
        summary: "Create a package template (P2; manager/owner)",
        body: templateBody,
        response: { 201: templateAnswer, ...refusals },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => createTemplate(ctx, req.body, db), 201),
  );
  r.patch(
    "/api/v1/templates/:templateId",
    {
      schema: {
        tags: ["catalog"],
        summary: "Edit a template; sold packages keep their copy",
        params: templateParams,
        body: templateBody.partial(),
        response: { 200: templateAnswer, ...refusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => updateTemplate(ctx, req.params.templateId, req.body, db)),
  );
  r.post(
    "/api/v1/templates/:templateId/retire",
    {
      schema: {
        tags: ["catalog"],
        summary: "Stop selling a template (manager/owner); packages already sold keep working",
        params: templateParams,
        response: { 200: templateAnswer, ...refusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => setTemplateActive(ctx, req.params.templateId, false, db)),
  );
}
