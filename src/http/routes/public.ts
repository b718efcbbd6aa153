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
import { AppError } from "../../domain/errors.js";
import { linkBase } from "../public-url.js";
import { email, id, isoInstant, localDate, name, phone } from "../schemas.js";

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
      },
    },
    async (req, reply) => reply.status(201).send(await bookFromBalanceLink(app, req.params.token, req.body)),
  );
  r.get(
    "/api/v1/health",
    { schema: { tags: ["public"], summary: "Is the server up and its database reachable" } },
    async () => {
      await sql`SELECT 1`.execute(app.database.db);
      return { ok: true, backend: app.database.backend };
    },
  );
}
