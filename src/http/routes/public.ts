// Routes anyone may call: the customer's own balance link (R4) and a health check.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { sql } from "kysely";
import { z } from "zod";
import type { App } from "../../app/context.js";
import { customerBalance } from "../../app/customer-balance.js";
import { bookFromBalanceLink, bookOnline, freeSlots, publicCatalog } from "../../app/online-booking.js";
import { id, isoInstant, localDate } from "../schemas.js";

export function publicRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/v1/public/balance/:token",
    {
      schema: {
        tags: ["public"],
        summary: "A customer's remaining credits, by their own link (R4)",
        params: z.object({
          token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "is not a balance link token"),
        }),
      },
    },
    async (req) => customerBalance(app, req.params.token),
  );
  const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{2,64}$/, "is not a business") });
  const tokenParams = z.object({
    token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "is not a balance link token"),
  });
  r.get(
    "/api/v1/public/businesses/:slug",
    { schema: { tags: ["public"], summary: "What can be booked online (A10)", params: slugParams } },
    async (req) => publicCatalog(app, req.params.slug),
  );
  r.get(
    "/api/v1/public/businesses/:slug/slots",
    {
      schema: {
        tags: ["public"],
        summary: "Free start times of a staff member on a date",
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
        summary: "Book a paid service online (A10)",
        params: slugParams,
        body: z.strictObject({
          locationId: id,
          staffId: id,
          itemId: id,
          startAt: isoInstant,
          name: z.string().trim().min(1, "must not be empty").max(200),
          email: z.email("must be an e-mail address").max(254),
          phone: z.string().max(40).optional(),
        }),
      },
    },
    async (req, reply) => reply.status(201).send(await bookOnline(app, req.params.slug, req.body)),
  );
  r.post(
    "/api/v1/public/balance/:token/bookings",
    {
      schema: {
        tags: ["public"],
        summary:
          "Book from a package through the customer's own link, if the package allows online booking (A10)",
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
