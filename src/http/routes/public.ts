// Routes anyone may call: the customer's own balance link (R4), online booking (A10) and its
// e-mailed confirmation link, and a health check. Paths that carry a token are redacted in the
// logs (src/http/redact.ts).
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { sql } from "kysely";
import { z } from "zod";
import { confirmBookingRequest, viewBookingRequest } from "../../app/confirm-online-booking.js";
import type { App } from "../../app/context.js";
import { customerBalance } from "../../app/customer-balance.js";
import {
  bookFromBalanceLink,
  freeSlots,
  publicCatalog,
  requestOnlineBooking,
} from "../../app/online-booking.js";
import { pendingMigrations } from "../../db/migrate.js";
import { AppError } from "../../domain/errors.js";
import { sendRefusal } from "../errors.js";
import { linkBase } from "../public-url.js";
import {
  appointmentAnswer,
  email,
  id,
  isoInstant,
  localDate,
  name,
  phone,
  rateLimited,
  refusal,
  unavailable,
} from "../schemas.js";

/** The base of booking links: CARNET_PUBLIC_URL, or a loopback Host (src/http/public-url.ts). */
function publicBaseUrl(req: FastifyRequest, log: FastifyBaseLogger, configured: string | undefined): string {
  return linkBase(
    req,
    log,
    configured,
    "online booking",
    () =>
      new AppError("unavailable", "online_booking_unavailable", "Online booking is not available right now."),
  );
}

const token = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "is not a link token");

const int = z.number().int();
const invalidInput = refusal.describe("invalid input: the field and the rule");
const badLink = refusal.describe("the link is not valid (never was, or has ended)");
const noBusiness = refusal.describe("no such business, or no such location, service or staff member in it");
const slotGone = refusal.describe("slot_taken: the time has just been booked; a rule of the package");
/** BookingRequestView (src/app/online-booking.ts): what a booking link asks to book */
const bookingRequestAnswer = z
  .object({
    status: z.enum(["awaiting_confirmation", "confirmed"]),
    businessName: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    service: z.object({
      id: z.string(),
      name: z.string(),
      durationMinutes: int,
      priceMinor: int,
      currency: z.string(),
    }),
    staff: z.object({ id: z.string(), name: z.string() }),
    location: z.object({ id: z.string(), name: z.string(), timeZone: z.string(), locale: z.string() }),
    startAt: z.string(),
    endAt: z.string(),
    confirmBy: z.string().describe("the link works until then"),
    language: z.string().describe("U2: the language the page speaks: the e-mail's"),
  })
  .meta({ id: "BookingRequest" });

export function publicRoutes(server: FastifyInstance, app: App, options: { publicUrl?: string | undefined }) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tokenParams = z.object({ token });
  const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{2,64}$/, "is not a business") });
  r.get(
    "/api/v1/public/balance/:token",
    {
      schema: {
        tags: ["public"],
        summary:
          "A customer's remaining credits, by their own link (R4), with the language the page speaks " +
          "(the customer's, or the business's; U2) and the locale it formats in (U1)",
        params: tokenParams,
        response: {
          200: z.object({
            businessName: z.string(),
            customerName: z.string(),
            language: z.string().describe("U2: the customer's language, or the business's"),
            locale: z.string().describe("U1: where the packages were bought"),
            packages: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                onlineBookable: z.boolean(),
                expiresOn: z.string().nullable(),
                timeZone: z.string(),
                locationName: z.string().nullable(),
                lines: z.array(
                  z.object({
                    id: z.string(),
                    itemName: z.string(),
                    itemKind: z.string(),
                    remaining: int,
                    booked: int,
                    used: int,
                    total: int,
                    unlimited: z.boolean(),
                  }),
                ),
              }),
            ),
          }),
          400: invalidInput,
          404: badLink,
        },
      },
    },
    async (req) => customerBalance(app, req.params.token),
  );
  r.get(
    "/api/v1/public/businesses/:slug",
    {
      schema: {
        tags: ["public"],
        summary: "What can be booked online, and the booking window (A10)",
        params: slugParams,
        response: {
          200: z.object({
            name: z.string(),
            bookingWindow: z.object({ daysAhead: int, minNoticeMinutes: int }),
            locations: z.array(
              z.object({ id: z.string(), name: z.string(), timeZone: z.string(), currency: z.string() }),
            ),
            services: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                prices: z.record(z.string(), int).describe("minor units per ISO 4217 currency"),
                durationMinutes: int,
              }),
            ),
            staff: z.array(z.object({ id: z.string(), name: z.string() })),
          }),
          400: invalidInput,
          404: noBusiness,
        },
      },
    },
    async (req) => publicCatalog(app, req.params.slug),
  );
  r.get(
    "/api/v1/public/businesses/:slug/slots",
    {
      schema: {
        tags: ["public"],
        summary: "Free start times of a staff member on a date, inside the booking window (A10)",
        params: slugParams,
        querystring: z.strictObject({ locationId: id, staffId: id, itemId: id, date: localDate }),
        response: {
          200: z.array(z.string().describe("a start time, ISO 8601")),
          400: invalidInput,
          404: noBusiness,
        },
      },
    },
    async (req) => freeSlots(app, req.params.slug, req.query),
  );
  r.post(
    "/api/v1/public/businesses/:slug/bookings",
    {
      schema: {
        tags: ["public"],
        summary:
          "Ask to book a paid service online (A10): one of the free slots offered. Nothing is booked " +
          "yet: a link is e-mailed to the address given, and opening it books. Answers 202 with what " +
          "was sent. At most 10 requests an hour from one address and 5 a day for one e-mail (429).",
        params: slugParams,
        body: z.strictObject({
          locationId: id,
          staffId: id,
          itemId: id,
          startAt: isoInstant,
          name,
          email,
          phone: phone.optional(),
        }),
        response: {
          202: bookingRequestAnswer.extend({
            message: z.string().describe("what to tell the person: a link was e-mailed"),
          }),
          400: invalidInput,
          404: noBusiness,
          409: slotGone,
          429: rateLimited,
          503: unavailable.describe("online_booking_unavailable: links cannot be made on this server now"),
        },
      },
    },
    async (req, reply) => {
      const linkBase = publicBaseUrl(req, req.log, options.publicUrl);
      const view = await requestOnlineBooking(app, req.params.slug, req.body, { address: req.ip, linkBase });
      return reply.status(202).send({
        ...view,
        message: `We have sent a link to ${view.email}. Open it within the hour to book; the time is not held until then.`,
      });
    },
  );
  r.get(
    "/api/v1/public/booking-requests/:token",
    {
      schema: {
        tags: ["public"],
        summary:
          "What an e-mailed booking link asks to book, and whether it is booked (A10), in the e-mail's " +
          "language (U2) and with the location's locale (U1)",
        params: tokenParams,
        response: { 200: bookingRequestAnswer, 400: invalidInput, 404: badLink },
      },
    },
    async (req) => viewBookingRequest(app, req.params.token),
  );
  r.post(
    "/api/v1/public/booking-requests/:token/confirm",
    {
      schema: {
        tags: ["public"],
        summary:
          "Book what an e-mailed link asks for, if the time is still free (A10); the customer with " +
          "that e-mail address, or a new one. Once: confirming again answers the booking.",
        params: tokenParams,
        response: { 200: bookingRequestAnswer, 400: invalidInput, 404: badLink, 409: slotGone },
      },
    },
    async (req) => confirmBookingRequest(app, req.params.token),
  );
  r.post(
    "/api/v1/public/balance/:token/bookings",
    {
      schema: {
        tags: ["public"],
        summary:
          "Book from a package through the customer's own link, into one of the free slots, if the " +
          "package allows online booking (A10)",
        params: tokenParams,
        body: z.strictObject({ packageLineId: id, locationId: id, staffId: id, startAt: isoInstant }),
        response: {
          201: appointmentAnswer,
          400: invalidInput,
          404: badLink.describe("the link is not valid, or no such package line, location or staff member"),
          409: slotGone,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await bookFromBalanceLink(app, req.params.token, req.body)),
  );
  r.get(
    "/api/v1/health",
    {
      schema: {
        tags: ["public"],
        summary: "Is the server up and its database reachable",
        response: {
          200: z.object({ ok: z.boolean().describe("true: up, the database answered"), backend: z.string() }),
          503: unavailable,
        },
      },
    },
    async () => {
      await sql`SELECT 1`.execute(app.database.db);
      return { ok: true, backend: app.database.backend };
    },
  );
  // X4: for an orchestrator: liveness (restart me if this fails) apart from readiness (send me
  // requests only when this answers 200).
  r.get(
    "/api/v1/health/live",
    {
      schema: {
        tags: ["public"],
        summary: "Liveness: the process answers (it asks nothing of the database)",
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async () => ({ ok: true as const }),
  );
  r.get(
    "/api/v1/health/ready",
    {
      schema: {
        tags: ["public"],
        summary: "Readiness: the database answers and every migration is applied; 503 otherwise",
        response: {
          200: z.object({ ok: z.literal(true), backend: z.string() }),
          503: unavailable,
        },
      },
    },
    async (req, reply) => {
      const pending = await pendingMigrations(app.database);
      if (pending.length > 0) {
        return sendRefusal(
          req,
          reply,
          503,
          "migrations_pending",
          `The database lacks ${pending.length} migration(s), from ${pending[0]}: run \`carnet migrate\`.`,
        );
      }
      return { ok: true as const, backend: app.database.backend };
    },
  );
}
