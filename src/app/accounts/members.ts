// O1: a person is an account (one e-mail, one password); staff is that person's membership of one
// business. Everything that makes a membership, or changes what an account signs in with, is here.
import type { Temporal } from "temporal-polyfill";
import type { Role } from "../../db/schema.js";
import { conflict, invalid } from "../../domain/errors.js";
import { toDate } from "../../domain/validity.js";
import type { App, Executor } from "../context.js";
import { hashPassword } from "../passwords.js";
import { checkAccountPassword } from "../sign-in.js";

/** The e-mail as every account and membership keeps it. */
export const normalEmail = (email: string) => email.trim().toLowerCase();

/** Outbox rows of mail that belongs to no business (a password reset, a sign-up link). */
export const NO_BUSINESS = "00000000-0000-0000-0000-000000000000";

/** Passwords people choose: at least this long (the hash makes guessing slow, not impossible). */
export const MIN_PASSWORD_LENGTH = 10;

export async function accountByEmail(db: Executor, email: string) {
  return db
    .selectFrom("accounts")
    .select(["id", "email", "password_hash"])
    .where("email", "=", normalEmail(email))
    .executeTakeFirst();
}

export interface NewMember {
  businessId: string;
  name: string;
  email: string;
  role: Role;
  homeLocationId: string;
  /**
   * The password hash of a new account, or of an account that has none yet. An existing account's
   * password is never replaced here: only its person changes it.
   */
  passwordHash: string | null;
}

export interface MemberRow {
  business_id: string;
  id: string;
  name: string;
  email: string;
  account_id: string;
  role: Role;
  home_location_id: string;
  active: boolean;
}

/**
 * Makes the person staff of the business: their account (made now if the e-mail has none) and a
 * membership. A person already staff of this business is refused with `already_staff`.
 */
export async function addMember(
  tx: Executor,
  m: NewMember,
): Promise<{ member: MemberRow; accountExisted: boolean }> {
  const email = normalEmail(m.email);
  const made = await tx
    .insertInto("accounts")
    .values({ email, password_hash: m.passwordHash })
    .onConflict((oc) => oc.column("email").doNothing())
    .returning("id")
    .executeTakeFirst();
  let accountId = made?.id;
  if (!accountId) {
    const existing = await tx
      .selectFrom("accounts")
      .select("id")
      .where("email", "=", email)
      .executeTakeFirstOrThrow();
    accountId = existing.id;
    if (m.passwordHash)
      await tx
        .updateTable("accounts")
        .set({ password_hash: m.passwordHash })
        .where("id", "=", accountId)
        .where("password_hash", "is", null)
        .execute();
  }
  const member = await tx
    .insertInto("staff")
    .values({
      business_id: m.businessId,
      name: m.name.trim(),
      email,
      account_id: accountId,
      role: m.role,
      home_location_id: m.homeLocationId,
    })
    .onConflict((oc) => oc.columns(["business_id", "email"]).doNothing())
    .returning(["business_id", "id", "name", "email", "account_id", "role", "home_location_id", "active"])
    .executeTakeFirst();
  if (!member) throw conflict("already_staff", "This person is already staff of the business.", "email");
  return { member, accountExisted: made === undefined };
}

/** Is this e-mail staff of the business (active or not)? Only the business's own staff is looked at. */
export async function isStaffOf(db: Executor, businessId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom("staff")
    .select("id")
    .where("business_id", "=", businessId)
    .where("email", "=", normalEmail(email))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Ends sessions of the account in every business it belongs to, but the one given (the person's
 * own, when they changed their password). Answers how many ended.
 */
export async function endSessions(
  tx: Executor,
  accountId: string,
  keepSessionId: string | null = null,
): Promise<number> {
  let q = tx
    .deleteFrom("staff_sessions")
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("staff as st")
          .select("st.id")
          .whereRef("st.business_id", "=", "staff_sessions.business_id")
          .whereRef("st.id", "=", "staff_sessions.staff_id")
          .where("st.account_id", "=", accountId),
      ),
    );
  if (keepSessionId) q = q.where("staff_sessions.id", "<>", keepSessionId);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Sets the account's password; every one-time password link of it stops working. */
export async function setPassword(
  tx: Executor,
  accountId: string,
  passwordHash: string,
  now: Temporal.Instant,
): Promise<void> {
  await tx
    .updateTable("accounts")
    .set({ password_hash: passwordHash, password_changed_at: toDate(now) })
    .where("id", "=", accountId)
    .execute();
  await tx
    .updateTable("password_resets")
    .set({ used_at: toDate(now) })
    .where("account_id", "=", accountId)
    .where("used_at", "is", null)
    .execute();
}

/** The person's e-mail and the businesses they are active staff of: theirs to see and switch between. */
export async function accountOf(db: Executor, accountId: string) {
  const account = await db
    .selectFrom("accounts")
    .select("email")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  return { email: account.email, businesses: await businessesOf(db, accountId) };
}

/** The businesses the account is active staff of, by name. */
export async function businessesOf(
  db: Executor,
  accountId: string,
): Promise<Array<{ id: string; name: string }>> {
  return db
    .selectFrom("staff as st")
    .innerJoin("businesses as b", "b.id", "st.business_id")
    .select(["b.id", "b.name"])
    .where("st.account_id", "=", accountId)
    .where("st.active", "=", true)
    .orderBy("b.name")
    .orderBy("b.id")
    .execute();
}

/**
 * The password step of a link that joins or creates a business (an invitation, a sign-up): a person
 * who has an account proves it with their password (null: nothing to store); a new person chooses
 * one, whose hash is returned for the account the link makes.
 */
export async function passwordForLink(
  app: App,
  email: string,
  input: { password: string; ip: string },
): Promise<string | null> {
  const account = await accountByEmail(app.database.db, email);
  if (account?.password_hash) {
    await checkAccountPassword(app, { email, password: input.password, ip: input.ip });
    return null;
  }
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw invalid(
      "password_too_short",
      `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
      "password",
    );
  return hashPassword(input.password);
}
