// O2: bearer tokens for integrations. A token acts as the staff member who made it, at the location
// they made it at, with that member's role of the moment, until it expires or is revoked or its
// maker is deactivated. Only a SHA-256 is stored; the token is shown once, in the answer that makes
// it. Managers and the owner list every token of the business (never the token) and revoke any:
// revoking only takes power away, and the one who spots a leaked token should end it at once.
import { sql } from "kysely";
import { compiledOnce } from "../../db/compiled-once.js";
import { PREPARED } from "../../db/prepared.js";
import type { Role } from "../../db/schema.js";
import { notFound } from "../../domain/errors.js";
import { toDate } from "../../domain/validity.js";
import { logAdminAction } from "../activity.js";
import { type Actor, type App, authorize, type Ctx, type Executor, inTransaction } from "../context.js";
import { type Authenticated, newSecret, sha256 } from "../sign-in.js";

/** A token lives this long unless its maker says otherwise; never longer than TOKEN_MAX_DAYS. */
export const TOKEN_DEFAULT_DAYS = 90;
export const TOKEN_MAX_DAYS = 365;
/** last use is kept to this precision: at most one write per token per process this often */
const LAST_USED_PRECISION_MS = 60_000;

export interface ApiTokenMade {
  id: string;
  /** shown in this answer only */
  token: string;
  name: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * Makes a token for the actor, without checking the actor's role: the use case (makeApiToken) does,
 * and tests make tokens for every role through here.
 */
export async function createApiToken(
  app: App,
  actor: Actor,
  name: string,
  expiresInDays: number = TOKEN_DEFAULT_DAYS,
  db: Executor = app.database.db,
): Promise<ApiTokenMade> {
  const token = `carnet_${newSecret()}`;
  const now = app.clock();
  const expiresAt = now.add({ hours: 24 * expiresInDays });
  return inTransaction(db, async (tx) => {
    const row = await tx
      .insertInto("api_tokens")
      .values({
        business_id: actor.businessId,
        token_hash: sha256(token),
        name: name.trim(),
        staff_id: actor.staffId,
        location_id: actor.locationId,
        created_at: toDate(now),
        expires_at: toDate(expiresAt),
      })
      .returning(["id", "name"])
      .executeTakeFirstOrThrow();
    // A token acts as its maker until it ends: who made which one belongs in the log, the token not.
    await logAdminAction(tx, { ...app, actor }, "create_api_token", {
      tokenId: row.id,
      name: row.name,
      expiresAt: toDate(expiresAt).toISOString(),
    });
    return {
      id: row.id,
      token,
      name: row.name,
      createdAt: toDate(now).toISOString(),
      expiresAt: toDate(expiresAt).toISOString(),
    };
  });
}

/** O2: a manager or the owner makes a token acting as themselves. */
export async function makeApiToken(ctx: Ctx, input: { name: string; expiresInDays?: number | undefined }) {
  authorize(ctx, "manage_api_tokens");
  return createApiToken(ctx, ctx.actor, input.name, input.expiresInDays ?? TOKEN_DEFAULT_DAYS);
}

export type TokenStatus = "active" | "expired" | "revoked";

export interface ApiTokenView {
  id: string;
  name: string;
  status: TokenStatus;
  madeBy: { id: string; name: string };
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedBy: { id: string; name: string } | null;
}

function tokenView(
  t: {
    id: string;
    name: string;
    staff_id: string;
    maker_name: string;
    created_at: Date;
    expires_at: Date;
    last_used_at: Date | null;
    revoked_at: Date | null;
    revoked_by: string | null;
    revoker_name: string | null;
  },
  nowMs: number,
): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    status: t.revoked_at ? "revoked" : t.expires_at.getTime() <= nowMs ? "expired" : "active",
    madeBy: { id: t.staff_id, name: t.maker_name },
    createdAt: t.created_at.toISOString(),
    expiresAt: t.expires_at.toISOString(),
    lastUsedAt: t.last_used_at?.toISOString() ?? null,
    revokedAt: t.revoked_at?.toISOString() ?? null,
    revokedBy: t.revoked_by ? { id: t.revoked_by, name: t.revoker_name ?? "" } : null,
  };
}

function tokenRows(db: Executor, businessId: string) {
  return db
    .selectFrom("api_tokens as t")
    .innerJoin("staff as m", (j) =>
      j.onRef("m.business_id", "=", "t.business_id").onRef("m.id", "=", "t.staff_id"),
    )
    .leftJoin("staff as r", (j) =>
      j.onRef("r.business_id", "=", "t.business_id").onRef("r.id", "=", "t.revoked_by"),
    )
    .select([
      "t.id",
      "t.name",
      "t.staff_id",
      "m.name as maker_name",
      "t.created_at",
      "t.expires_at",
      "t.last_used_at",
      "t.revoked_at",
      "t.revoked_by",
      "r.name as revoker_name",
    ])
    .where("t.business_id", "=", businessId);
}

/** Every token of the business, newest first: who made it, when it ends, when it was last used. */
export async function listApiTokens(ctx: Ctx): Promise<ApiTokenView[]> {
  authorize(ctx, "manage_api_tokens");
  const rows = await tokenRows(ctx.database.db, ctx.actor.businessId)
    .orderBy("t.created_at", "desc")
    .orderBy("t.id")
    .execute();
  const now = ctx.clock().epochMilliseconds;
  return rows.map((r) => tokenView(r, now));
}

/**
 * Ends a token at once, on every server: nothing caches a token (see src/http/auth.ts). Revoking a
 * token that has ended already changes nothing and answers it as it is.
 */
export async function revokeApiToken(ctx: Ctx, tokenId: string, db: Executor = ctx.database.db) {
  authorize(ctx, "manage_api_tokens");
  return inTransaction(db, async (tx) => {
    const revoked = await tx
      .updateTable("api_tokens")
      .set({ revoked_at: toDate(ctx.clock()), revoked_by: ctx.actor.staffId })
      .where("business_id", "=", ctx.actor.businessId)
      .where("id", "=", tokenId)
      .where("revoked_at", "is", null)
      .returning("id")
      .executeTakeFirst();
    const row = await tokenRows(tx, ctx.actor.businessId).where("t.id", "=", tokenId).executeTakeFirst();
    if (!row) throw notFound("api_token", "tokenId");
    const view = tokenView(row, ctx.clock().epochMilliseconds);
    if (revoked)
      await logAdminAction(tx, ctx, "revoke_api_token", {
        tokenId,
        name: view.name,
        madeBy: view.madeBy,
      });
    return view;
  });
}

// When each token's last use was last written by this process, so that a busy integration writes
// it once a minute, not on every call.
const lastUseWritten = new Map<string, number>();

interface TokenRow {
  business_id: string;
  id: string;
  staff_id: string;
  location_id: string;
  revoked_at: Date | null;
  expires_at: Date;
  last_used_at: Date | null;
  role: Role;
  name: string;
  account_id: string;
  active: boolean;
}

// Every request with a bearer token runs this, the quick redeem's among them: built and compiled
// once, and prepared once per connection on a PostgreSQL server (src/db/prepared.ts).
const tokenQuery = compiledOnce<{ hash: string }, TokenRow>(
  (v) => sql`${PREPARED}
    SELECT t.business_id, t.id, t.staff_id, t.location_id, t.revoked_at, t.expires_at, t.last_used_at,
           st.role, st.name, st.account_id, st.active
      FROM api_tokens t
      JOIN staff st ON st.business_id = t.business_id AND st.id = t.staff_id
     WHERE t.token_hash = ${v("hash")}`,
);

/**
 * The caller behind a bearer token, read from the database on every call (a revoked or expired
 * token, or one whose maker was deactivated, is refused on the very next call, on every server).
 */
export async function authenticateToken(app: App, token: string): Promise<Authenticated | null> {
  const db = app.database.db;
  const [row] = (await db.executeQuery(tokenQuery(db, { hash: sha256(token) }))).rows;
  const now = app.clock();
  if (!row || row.revoked_at || !row.active || row.expires_at.getTime() <= now.epochMilliseconds) return null;
  await noteLastUse(db, row, now.epochMilliseconds);
  return {
    actor: {
      businessId: row.business_id,
      staffId: row.staff_id,
      role: row.role,
      locationId: row.location_id,
    },
    accountId: row.account_id,
    staffName: row.name,
    csrfToken: null,
  };
}

async function noteLastUse(
  db: Executor,
  t: { business_id: string; id: string; last_used_at: Date | null },
  nowMs: number,
) {
  const cutoff = nowMs - LAST_USED_PRECISION_MS;
  if ((t.last_used_at?.getTime() ?? -Infinity) > cutoff) return;
  if ((lastUseWritten.get(t.id) ?? -Infinity) > cutoff) return;
  if (lastUseWritten.size >= 10_000) lastUseWritten.clear();
  lastUseWritten.set(t.id, nowMs);
  // Another process may have written it meanwhile: the condition keeps the row from being locked
  // and written again by every process in the same minute.
  await db
    .updateTable("api_tokens")
    .set({ last_used_at: new Date(nowMs) })
    .where("business_id", "=", t.business_id)
    .where("id", "=", t.id)
    .where((w) => w.or([w("last_used_at", "is", null), w("last_used_at", "<=", new Date(cutoff))]))
    .execute();
}
