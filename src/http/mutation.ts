// Every mutating route goes through here: it runs the use case, and when the caller sent an
// Idempotency-Key, inside the idempotency transaction, so the answer is stored with the work.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { App, Ctx, Executor } from "../app/context.js";
import { requestHash, withIdempotency } from "../app/idempotency.js";
import { invalid } from "../domain/errors.js";
import { ctxOf } from "./auth.js";

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

export async function mutation<T>(
  app: App,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (ctx: Ctx, db: Executor) => Promise<T>,
  status = 200,
) {
  const ctx = ctxOf(app, request);
  const key = request.headers["idempotency-key"];
  if (key === undefined) {
    const body = await work(ctx, app.database.db);
    return reply.status(status).send(body);
  }
  if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
    throw invalid(
      "invalid_idempotency_key",
      "Idempotency-Key must be 1 to 200 visible ASCII characters.",
      "Idempotency-Key",
    );
  }
  const hash = requestHash({
    method: request.method,
    route: request.routeOptions.url,
    params: request.params,
    query: request.query,
    body: request.body ?? null,
    staff: ctx.actor.staffId,
  });
  const result = await withIdempotency(app.database.db, ctx.actor.businessId, key, hash, async (tx) => ({
    status,
    body: JSON.stringify(await work(ctx, tx)),
  }));
  return reply
    .status(result.status)
    .header("content-type", "application/json; charset=utf-8")
    .header("idempotent-replayed", String(result.replayed))
    .send(result.body);
}
