// S1: staff sign in with e-mail and password and choose a working location. Sessions and API tokens
// are random secrets of which only a SHA-256 is stored. Every attempt is claimed against the failed
// sign-in limits before its password is checked (src/app/sign-in-throttle.ts).
import { createHash, randomBytes } from "node:crypto";
import { AppError, invalid } from "../domain/errors.js";
import type { Role } from "../domain/permissions.js";
import { logAdminAction } from "./activity.js";
import type { Actor, App, Executor } from "./context.js";
import { hashPassword, needsRehash, verifyPassword } from "./passwords.js";
import { ADDRESS_BUCKET, claimSignInAttempt, settleSuccessfulSignIn } from "./sign-in-throttle.js";

// An unknown e-mail is checked against this hash too, so that the answer takes as long as for a
// known one and its timing does not tell which e-mails have an account. It is made at today's cost.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  if (!decoyHash) {
    decoyHash = hashPassword(newSecret());
    // Made ahead of need on a known e-mail's sign-in: a failure must not go unhandled, and the
    // next sign-in tries again.
    decoyHash.catch(() => {
      decoyHash = undefined;
    });
  }
  return decoyHash;
}

export const SESSION_HOURS = 12;
/** failures from one address across any e-mails (password spraying) before it is refused too */
export const MAX_FAILURES_PER_IP = ADDRESS_BUCKET.burst;

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
export const newSecret = () => randomBytes(32).toString("base64url");

const wrongCredentials = () =>
  new AppError("unauthenticated", "invalid_credentials", "E-mail or password is wrong.");

export interface SignedIn {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  actor: Actor;
}

export async function signIn(
  app: App,
  input: { email: string; password: string; locationId?: string | undefined; ip: string },
): Promise<SignedIn> {
  const db = app.database.db;
  const now = app.clock();
  const email = input.email.trim().toLowerCase();
  const claim = await claimSignInAttempt(db, email, input.ip, now);
  const staff = await db
    .selectFrom("staff")
    .selectAll()
    .where("email", "=", email)
    .where("active", "=", true)
    .execute();
  // One e-mail may belong to one person per business; sign-in needs it to be unambiguous.
  const candidate = staff.length === 1 ? staff[0] : undefined;
  const decoy = decoyPasswordHash();
  const ok = await verifyPassword(input.password, candidate?.password_hash ?? (await decoy));
  // A wrong password was counted by its claim already.
  if (!candidate || !ok) throw wrongCredentials();
  await settleSuccessfulSignIn(db, claim, now);
  if (needsRehash(candidate.password_hash)) await rehash(db, candidate, input.password);
  const locationId = input.locationId ?? candidate.home_location_id;
  const location = await db
    .selectFrom("locations")
    .select("id")
    .where("business_id", "=", candidate.business_id)
    .where("id", "=", locationId)
    .executeTakeFirst();
  if (!location) throw invalid("unknown_location", "Choose one of the business's locations.", "locationId");
  const sessionToken = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.epochMilliseconds + SESSION_HOURS * 3600_000);
  await db
    .insertInto("staff_sessions")
    .values({
      business_id: candidate.business_id,
      id: sha256(sessionToken),
      staff_id: candidate.id,
      location_id: location.id,
      csrf_token: csrfToken,
      expires_at: expiresAt,
    })
    .execute();
  return {
    sessionToken,
    csrfToken,
    expiresAt,
    actor: {
      businessId: candidate.business_id,
      staffId: candidate.id,
      role: candidate.role,
      locationId: location.id,
    },
  };
}

/** Replaces a hash made at an older cost, unless the password was changed meanwhile. */
async function rehash(
  db: Executor,
  staff: { business_id: string; id: string; password_hash: string },
  password: string,
) {
  await db
    .updateTable("staff")
    .set({ password_hash: await hashPassword(password) })
    .where("business_id", "=", staff.business_id)
    .where("id", "=", staff.id)
    .where("password_hash", "=", staff.password_hash)
    .execute();
}

export async function signOut(app: App, sessionToken: string): Promise<void> {
  await app.database.db.deleteFrom("staff_sessions").where("id", "=", sha256(sessionToken)).execute();
}

export interface Authenticated {
  actor: Actor;
  staffName: string;
  /** set for cookie sessions: writes must echo it */
  csrfToken: string | null;
}

export async function authenticateSession(app: App, sessionToken: string): Promise<Authenticated | null> {
  const row = await app.database.db
    .selectFrom("staff_sessions as s")
    .innerJoin("staff as st", (j) =>
      j.onRef("st.business_id", "=", "s.business_id").onRef("st.id", "=", "s.staff_id"),
    )
    .select([
      "s.business_id",
      "s.staff_id",
      "s.location_id",
      "s.csrf_token",
      "s.expires_at",
      "st.role",
      "st.name",
      "st.active",
    ])
    .where("s.id", "=", sha256(sessionToken))
    .executeTakeFirst();
  if (!row?.active || row.expires_at.getTime() <= app.clock().epochMilliseconds) return null;
  return {
    actor: {
      businessId: row.business_id,
      staffId: row.staff_id,
      role: row.role as Role,
      locationId: row.location_id,
    },
    staffName: row.name,
    csrfToken: row.csrf_token,
  };
}

export async function authenticateToken(app: App, token: string): Promise<Authenticated | null> {
  const row = await app.database.db
    .selectFrom("api_tokens as t")
    .innerJoin("staff as st", (j) =>
      j.onRef("st.business_id", "=", "t.business_id").onRef("st.id", "=", "t.staff_id"),
    )
    .select([
      "t.business_id",
      "t.staff_id",
      "t.location_id",
      "t.revoked_at",
      "st.role",
      "st.name",
      "st.active",
    ])
    .where("t.token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row || row.revoked_at || !row.active) return null;
  return {
    actor: {
      businessId: row.business_id,
      staffId: row.staff_id,
      role: row.role as Role,
      locationId: row.location_id,
    },
    staffName: row.name,
    csrfToken: null,
  };
}

/** A bearer token for an integration, acting as the staff member who made it. */
export async function createApiToken(
  app: App,
  actor: Actor,
  name: string,
): Promise<{ id: string; token: string; name: string }> {
  const token = `carnet_${newSecret()}`;
  return app.database.db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto("api_tokens")
      .values({
        business_id: actor.businessId,
        token_hash: sha256(token),
        name,
        staff_id: actor.staffId,
        location_id: actor.locationId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // A token acts as its maker until revoked: who made which one belongs in the log, the token not.
    await logAdminAction(tx, { ...app, actor }, "create_api_token", { tokenId: row.id, name });
    return { id: row.id, token, name };
  });
}

/** Staff change their working location during the day; new work uses it (SPEC "Working location"). */
export async function switchLocation(
  app: App,
  sessionToken: string,
  actor: Actor,
  locationId: string,
): Promise<void> {
  const location = await app.database.db
    .selectFrom("locations")
    .select("id")
    .where("business_id", "=", actor.businessId)
    .where("id", "=", locationId)
    .executeTakeFirst();
  if (!location) throw invalid("unknown_location", "Choose one of the business's locations.", "locationId");
  await app.database.db
    .updateTable("staff_sessions")
    .set({ location_id: location.id })
    .where("business_id", "=", actor.businessId)
    .where("id", "=", sha256(sessionToken))
    .execute();
}
