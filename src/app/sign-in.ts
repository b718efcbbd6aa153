// S1: staff sign in with e-mail and password and choose a working location. Sessions and API tokens
// are random secrets of which only a SHA-256 is stored. Every attempt is claimed against the failed
// sign-in limits before its password is checked (src/app/sign-in-throttle.ts).
import { createHash, randomBytes } from "node:crypto";
import type { Temporal } from "temporal-polyfill";
import { AppError, invalid } from "../domain/errors.js";
import type { Role } from "../domain/permissions.js";
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

/** The password was right and the account is staff of several businesses: which one? */
export interface ChooseBusiness {
  businesses: Array<{ id: string; name: string }>;
}

interface Member {
  business_id: string;
  id: string;
  role: Role;
  home_location_id: string;
}

/**
 * Checks an account's password the way sign-in does: the attempt is claimed against the failed
 * sign-in limits first (keyed on the e-mail, src/app/sign-in-throttle.ts), an unknown e-mail or an
 * account without a password is checked against the decoy hash, a success gives the claim back and
 * replaces a hash made at an older cost. Answers the account, or throws invalid_credentials.
 */
export async function checkAccountPassword(
  app: App,
  input: { email: string; password: string; ip: string },
): Promise<{ id: string; email: string }> {
  const db = app.database.db;
  const now = app.clock();
  const email = input.email.trim().toLowerCase();
  const claim = await claimSignInAttempt(db, email, input.ip, now);
  const account = await db
    .selectFrom("accounts")
    .select(["id", "email", "password_hash"])
    .where("email", "=", email)
    .executeTakeFirst();
  const decoy = decoyPasswordHash();
  const ok = await verifyPassword(input.password, account?.password_hash ?? (await decoy));
  // A wrong password was counted by its claim already.
  if (!account?.password_hash || !ok) throw wrongCredentials();
  await settleSuccessfulSignIn(db, claim, now);
  if (needsRehash(account.password_hash))
    await rehash(db, { id: account.id, password_hash: account.password_hash }, input.password);
  return { id: account.id, email: account.email };
}

/**
 * S1, O1: e-mail and password against the account. Staff of one business is signed in there; staff
 * of several gets the businesses' names to choose from (only once the password was right) and signs
 * in again naming one. Nothing about memberships is told before the password is checked.
 */
export async function signIn(
  app: App,
  input: {
    email: string;
    password: string;
    businessId?: string | undefined;
    locationId?: string | undefined;
    ip: string;
  },
): Promise<SignedIn | ChooseBusiness> {
  const account = await checkAccountPassword(app, input);
  const db = app.database.db;
  const memberships = await db
    .selectFrom("staff as st")
    .innerJoin("businesses as b", "b.id", "st.business_id")
    .select(["st.business_id", "st.id", "st.role", "st.home_location_id", "b.name as business_name"])
    .where("st.account_id", "=", account.id)
    .where("st.active", "=", true)
    .orderBy("b.name")
    .orderBy("b.id")
    .execute();
  if (memberships.length === 0)
    throw new AppError(
      "unauthenticated",
      "no_active_membership",
      "This account is not active staff of any business any more.",
    );
  const chosen =
    input.businessId !== undefined
      ? memberships.find((m) => m.business_id === input.businessId)
      : memberships.length === 1
        ? memberships[0]
        : undefined;
  if (input.businessId !== undefined && !chosen)
    throw invalid("unknown_business", "Choose one of the businesses you work for.", "businessId");
  if (!chosen) return { businesses: memberships.map((m) => ({ id: m.business_id, name: m.business_name })) };
  return startSession(db, chosen, input.locationId, app.clock());
}

/** A new session for a staff member, at the location asked for or their home location. */
export async function startSession(
  db: Executor,
  member: Member,
  locationId: string | undefined,
  now: Temporal.Instant,
): Promise<SignedIn> {
  const location = await db
    .selectFrom("locations")
    .select("id")
    .where("business_id", "=", member.business_id)
    .where("id", "=", locationId ?? member.home_location_id)
    .executeTakeFirst();
  if (!location) throw invalid("unknown_location", "Choose one of the business's locations.", "locationId");
  const sessionToken = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.epochMilliseconds + SESSION_HOURS * 3600_000);
  await db
    .insertInto("staff_sessions")
    .values({
      business_id: member.business_id,
      id: sha256(sessionToken),
      staff_id: member.id,
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
      businessId: member.business_id,
      staffId: member.id,
      role: member.role,
      locationId: location.id,
    },
  };
}

/** Replaces a hash made at an older cost, unless the password was changed meanwhile. */
async function rehash(db: Executor, account: { id: string; password_hash: string }, password: string) {
  await db
    .updateTable("accounts")
    .set({ password_hash: await hashPassword(password) })
    .where("id", "=", account.id)
    .where("password_hash", "=", account.password_hash)
    .execute();
}

export async function signOut(app: App, sessionToken: string): Promise<void> {
  await app.database.db.deleteFrom("staff_sessions").where("id", "=", sha256(sessionToken)).execute();
}

export interface Authenticated {
  actor: Actor;
  /** the person behind the membership (O1) */
  accountId: string;
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
      "st.account_id",
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
    accountId: row.account_id,
    staffName: row.name,
    csrfToken: row.csrf_token,
  };
}

// O2: API tokens (their expiry, revocation and last use) are src/app/staff/api-tokens.ts.
export { authenticateToken, createApiToken } from "./staff/api-tokens.js";

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
