// Every mutating route goes through here: it runs the use case, and when the caller sent an
// Idempotency-Key, inside the idempotency transaction, so the answer is stored with the work.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { App, Ctx, Executor } from "../app/context.js";
import {
  type IdempotencyClaim,
  isKeyTaken,
  requestHash,
  storedResponse,
  withIdempotency,
} from "../app/idempotency.js";
import { AppError, invalid } from "../domain/errors.js";
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
  const claim = claimOf(request, ctx, status);
  if (!claim) {
    const body = await work(ctx, app.database.db);
    return reply.status(status).send(body);
  }
  const result = await withIdempotency(
    app.database.db,
    claim.businessId,
    claim.key,
    claim.hash,
    async (tx) => ({
      status,
      body: JSON.stringify(await work(ctx, tx)),
    }),
  );
  return sendStored(reply, result);
}

/**
 * A mutation whose use case writes in one statement and stores the Idempotency-Key in it (see
 * IdempotencyClaim): one round trip, no transaction to open. The use case answers with the JSON
 * text of the body, the same text it stored with the key. A key already used answers with the
 * stored response, as mutation() does.
 */
export async function oneStatementMutation(
  app: App,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (ctx: Ctx, claim: IdempotencyClaim | null) => Promise<string>,
  status = 200,
) {
  const ctx = ctxOf(app, request);
  const claim = claimOf(request, ctx, status);
  if (!claim) return sendJson(reply, status, await work(ctx, null));
  for (let attempt = 1; ; attempt++) {
    try {
      const body = await work(ctx, claim);
      return sendStored(reply, { status, body, replayed: false });
    } catch (error) {
      // A refusal may only mean that the first request with this key already took the credits.
      if (!isKeyTaken(error) && !(error instanceof AppError)) throw error;
      const stored = await storedResponse(app.database.db, claim);
      if (stored) return sendStored(reply, { ...stored, replayed: true });
      // The key was purged between the two statements: do the work again.
      if (!isKeyTaken(error) || attempt >= 3) throw error;
    }
  }
}

export function claimOf(request: FastifyRequest, ctx: Ctx, status: number): IdempotencyClaim | null {
  const key = request.headers["idempotency-key"];
  if (key === undefined) return null;
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
  return { businessId: ctx.actor.businessId, key, hash, status };
}

/** A body that is already JSON text (written by the database), sent as it is. */
export function sendJson(reply: FastifyReply, status: number, json: string) {
  return reply.status(status).header("content-type", "application/json; charset=utf-8").send(json);
}

function sendStored(reply: FastifyReply, result: { status: number; body: string; replayed: boolean }) {
  return sendJson(reply.header("idempotent-replayed", String(result.replayed)), result.status, result.body);
}
