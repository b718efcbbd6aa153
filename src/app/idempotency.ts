// L4: every mutating call may carry an Idempotency-Key. The key is stored with a hash of the request
// and the response, in the same transaction as the work, so a retry after a crash or a timeout gets
// the answer the first attempt committed, and never moves credits twice. A concurrent duplicate
// blocks on the key's unique index until the first commits, then reads its answer.
import { hash } from "node:crypto";
import type { Transaction } from "kysely";
import type { DB } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import type { Executor } from "./context.js";

export interface StoredResponse {
  status: number;
  /** the JSON text of the body */
  body: string;
}

export function requestHash(parts: unknown): string {
  return hash("sha256", JSON.stringify(parts), "hex");
}

export async function withIdempotency(
  db: Executor,
  businessId: string,
  key: string,
  hash: string,
  work: (tx: Transaction<DB>) => Promise<StoredResponse>,
): Promise<StoredResponse & { replayed: boolean }> {
  for (;;) {
    const outcome = await db.transaction().execute(async (tx) => {
      const claimed = await tx
        .insertInto("idempotency_keys")
        .values({ business_id: businessId, key, request_hash: hash, response_status: 0, response_body: "" })
        .onConflict((oc) => oc.columns(["business_id", "key"]).doNothing())
        .returning("key")
        .executeTakeFirst();
      if (!claimed) {
        const stored = await tx
          .selectFrom("idempotency_keys")
          .select(["request_hash", "response_status", "response_body"])
          .where("business_id", "=", businessId)
          .where("key", "=", key)
          .executeTakeFirst();
        // Gone between the two statements (expired and cleaned up): claim it again.
        if (!stored) return null;
        if (stored.request_hash !== hash) {
          throw new AppError(
            "unprocessable",
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request.",
            "Idempotency-Key",
          );
        }
        return { status: stored.response_status, body: stored.response_body, replayed: true };
      }
      const response = await work(tx);
      await tx
        .updateTable("idempotency_keys")
        .set({ response_status: response.status, response_body: response.body })
        .where("business_id", "=", businessId)
        .where("key", "=", key)
        .execute();
      return { ...response, replayed: false };
    });
    if (outcome) return outcome;
  }
}

/** Keys are kept 24 hours at least; older ones go. */
export async function purgeIdempotencyKeys(db: Executor, olderThan: Date): Promise<number> {
  const result = await db
    .deleteFrom("idempotency_keys")
    .where("created_at", "<", olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * For a use case that does all its writing in one statement: the key goes into that same statement
 * (inserted after the work, with the answer), so the request costs one round trip and no
 * BEGIN/COMMIT. A duplicate fails that statement on the key's primary key and rolls its work back
 * with it; the caller then answers with what the first request stored.
 */
export interface IdempotencyClaim {
  businessId: string;
  key: string;
  hash: string;
  status: number;
}

/** The statement failed because the key was already stored (or is being stored by a concurrent duplicate). */
export function isKeyTaken(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === "23505" && e.constraint === "idempotency_keys_pkey";
}

/** What the first request with this key answered; null when it never stored an answer. */
export async function storedResponse(db: Executor, claim: IdempotencyClaim): Promise<StoredResponse | null> {
  const stored = await db
    .selectFrom("idempotency_keys")
    .select(["request_hash", "response_status", "response_body"])
    .where("business_id", "=", claim.businessId)
    .where("key", "=", claim.key)
    .executeTakeFirst();
  if (!stored || stored.response_status === 0) return null;
  if (stored.request_hash !== claim.hash) {
    throw new AppError(
      "unprocessable",
      "idempotency_key_reused",
      "This Idempotency-Key was already used for a different request.",
      "Idempotency-Key",
    );
  }
  return { status: stored.response_status, body: stored.response_body };
}
