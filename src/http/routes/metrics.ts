// X4: GET /metrics on the public port, for `Authorization: Bearer <CARNET_METRICS_TOKEN>` only;
// without a token set, the route does not exist (404). The figures: src/metrics.ts.
import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { readMetrics, registry } from "../../metrics.js";
import { sendRefusal } from "../errors.js";
import { refusals, textBody } from "../schemas.js";

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoutes(server: FastifyInstance, token: string | undefined) {
  if (!token) return;
  server.withTypeProvider<ZodTypeProvider>().get(
    "/metrics",
    {
      schema: {
        tags: ["operations"],
        summary:
          "Prometheus figures of every process (X4): request latency by route, ledger statements and batch sizes, pool waits, outbox backlog, job runs. Bearer CARNET_METRICS_TOKEN only.",
        security: [{ bearer: [] }],
        response: {
          200: {
            description: "Prometheus text format",
            content: { "text/plain": { schema: textBody("Prometheus text exposition format 0.0.4") } },
          },
          401: refusals[401],
        },
      },
    },
    async (req, reply) => {
      const header = req.headers.authorization ?? "";
      const given = header.startsWith("Bearer ") ? header.slice(7) : "";
      if (!sameToken(given, token)) {
        return sendRefusal(req, reply, 401, "unauthorized", "the metrics need the metrics token");
      }
      return reply.header("content-type", registry.contentType).send(await readMetrics());
    },
  );
}
