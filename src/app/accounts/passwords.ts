// O2: a person changes their own password (their other sessions end, in every business), or sets a
// new one through a one-time link e-mailed on "forgot password" (every session ends). The answer to
// "forgot password" is the same whether the e-mail has an account or not, and it is rate-limited
// per address and per e-mail whether it has or not.
import type { Temporal } from "temporal-polyfill";
import { AppError, invalid } from "../../domain/errors.js";
import { toDate } from "../../domain/validity.js";
import type { App, Executor } from "../context.js";
import { type MailWords, mailWords } from "../mail-words.js";
import { enqueueMail } from "../outbox.js";
import { hashPassword } from "../passwords.js";
import { checkAccountPassword, newSecret, sha256 } from "../sign-in.js";
import { FIRST_PASSWORD_DAYS, passwordResetMail, RESET_MINUTES } from "./mails.js";
import {
  accountByEmail,
  endSessions,
  MIN_PASSWORD_LENGTH,
  NO_BUSINESS,
  normalEmail,
  setPassword,
} from "./members.js";
import { countAccountRequest, RESETS_PER_ADDRESS, RESETS_PER_EMAIL } from "./request-limits.js";

export const resetPath = (token: string) => `/reset-password/${token}`;

/**
 * Changes the signed-in person's password after checking the current one (throttled as a sign-in).
 * Their other sessions end, in every business they work for; the session that asked stays.
 */
export async function changePassword(
  app: App,
  who: { accountId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string; ip: string },
): Promise<{ endedSessions: number }> {
  const db = app.database.db;
  const account = await db
    .selectFrom("accounts")
    .select("email")
    .where("id", "=", who.accountId)
    .executeTakeFirstOrThrow();
  await checkAccountPassword(app, { email: account.email, password: input.currentPassword, ip: input.ip });
  const hash = await hashPassword(input.newPassword);
  return db.transaction().execute(async (tx) => {
    await setPassword(tx, who.accountId, hash, app.clock());
    return { endedSessions: await endSessions(tx, who.accountId, who.sessionId) };
  });
}

/** A one-time link that sets the account's password, to be e-mailed or printed once. */
export async function makePasswordLink(
  tx: Executor,
  accountId: string,
  purpose: "reset" | "first_password",
  now: Temporal.Instant,
): Promise<string> {
  const token = newSecret();
  const expires =
    purpose === "reset" ? now.add({ minutes: RESET_MINUTES }) : now.add({ hours: FIRST_PASSWORD_DAYS * 24 });
  await tx
    .insertInto("password_resets")
    .values({
      account_id: accountId,
      token_hash: sha256(token),
      purpose,
      created_at: toDate(now),
      expires_at: toDate(expires),
    })
    .execute();
  return token;
}

/**
 * "Forgot password": e-mails a reset link when the address has an account, and answers the same
 * when it has none. Counted per client address and per e-mail before anything is looked up.
 */
export async function requestPasswordReset(
  app: App,
  input: { email: string; ip: string; linkBase: string },
): Promise<void> {
  const db = app.database.db;
  const now = app.clock();
  const email = normalEmail(input.email);
  await countAccountRequest(db, RESETS_PER_ADDRESS, input.ip, now);
  await countAccountRequest(db, RESETS_PER_EMAIL, email, now);
  const account = await accountByEmail(db, email);
  if (!account) return;
  await db.transaction().execute(async (tx) => {
    const token = await makePasswordLink(tx, account.id, "reset", now);
    await enqueueMail(tx, {
      businessId: NO_BUSINESS,
      dedupeKey: `password-reset:${sha256(token)}`,
      to: account.email,
      ...passwordResetMail(await accountWords(tx, account.id), {
        email: account.email,
        link: `${input.linkBase}${resetPath(token)}`,
      }),
      at: now,
      secret: true,
    });
  });
}

/**
 * U2: an account's mail speaks the language of the person's first membership that still works (their
 * own, or that business's), as formatted at its home location; English without one.
 */
async function accountWords(db: Executor, accountId: string): Promise<MailWords> {
  const member = await db
    .selectFrom("staff as s")
    .innerJoin("businesses as b", "b.id", "s.business_id")
    .innerJoin("locations as l", (j) =>
      j.onRef("l.business_id", "=", "s.business_id").onRef("l.id", "=", "s.home_location_id"),
    )
    .select(["s.language", "b.language as business_language", "l.locale"])
    .where("s.account_id", "=", accountId)
    .orderBy("s.active", "desc")
    .orderBy("s.created_at")
    .executeTakeFirst();
  return member
    ? mailWords(member.language ?? member.business_language, member.locale)
    : mailWords("en", "en-GB");
}

async function openReset(db: Executor, token: string, now: Temporal.Instant) {
  const row = await db
    .selectFrom("password_resets as r")
    .innerJoin("accounts as a", "a.id", "r.account_id")
    .select(["r.id", "r.account_id", "r.purpose", "r.expires_at", "r.used_at", "a.email"])
    .where("r.token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row || row.used_at)
    throw new AppError(
      "not_found",
      "password_link_not_found",
      "This link is not valid any more: it works once. Ask for a new one.",
    );
  if (row.expires_at.getTime() <= now.epochMilliseconds)
    throw new AppError("not_found", "password_link_expired", "This link has expired: ask for a new one.");
  return row;
}

/** What a password link shows its holder: whose password it sets, and until when. */
export async function viewPasswordLink(app: App, token: string) {
  const row = await openReset(app.database.db, token, app.clock());
  return { email: row.email, purpose: row.purpose, expiresAt: row.expires_at.toISOString() };
}

/**
 * Sets the password through the link, once. Every session of the account ends (in every business):
 * whoever knew the old password is out.
 */
export async function usePasswordLink(
  app: App,
  token: string,
  input: { password: string },
): Promise<{ email: string; endedSessions: number }> {
  const db = app.database.db;
  await openReset(db, token, app.clock());
  if (input.password.length < MIN_PASSWORD_LENGTH)
    throw invalid(
      "password_too_short",
      `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
      "password",
    );
  const hash = await hashPassword(input.password);
  const now = app.clock();
  return db.transaction().execute(async (tx) => {
    const used = await tx
      .updateTable("password_resets")
      .set({ used_at: toDate(now) })
      .where("token_hash", "=", sha256(token))
      .where("used_at", "is", null)
      .where("expires_at", ">", toDate(now))
      .returning("account_id")
      .executeTakeFirst();
    if (!used) {
      await openReset(tx, token, now);
      throw new AppError("not_found", "password_link_not_found", "This link was used already.");
    }
    await setPassword(tx, used.account_id, hash, now);
    const endedSessions = await endSessions(tx, used.account_id);
    const account = await tx
      .selectFrom("accounts")
      .select("email")
      .where("id", "=", used.account_id)
      .executeTakeFirstOrThrow();
    return { email: account.email, endedSessions };
  });
}
