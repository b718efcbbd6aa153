// Routes anyone may call: the customer's own balance link (R4) and a health check.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { sql } from "kysely";
import { z } from "zod";
import type { App } from "../../app/context.js";
import { customerBalance } from "../../app/customer-balance.js";

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
  r.get(
    "/api/v1/health",
    { schema: { tags: ["public"], summary: "Is the server up and its database reachable" } },
    async () => {
      await sql`SELECT 1`.execute(app.database.db);
      return { ok: true, backend: app.database.backend };
    },
  );
}
