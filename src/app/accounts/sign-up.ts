// O1: open sign-up (CARNET_SIGNUP=open) for a hosted Carnet. The form asks for the business, its
// first location and the owner's name and e-mail; a link is e-mailed to that address and the
// business is created only when it is opened. The answer is the same whether the e-mail has an
// account or not; an owner with an account signs in with its password on the link's page, one
// without chooses a password there. Nobody can make a business, or an account, on someone else's
// address, and every request is counted per client address and per e-mail.
import type { Temporal } from "temporal-polyfill";
import { AppError } from "../../domain/errors.js";
import { assertTimeZone, toDate } from "../../domain/validity.js";
import type { App, Executor } from "../context.js";
import { assertLanguage } from "../languages.js";
import { mailWords } from "../mail-words.js";
import { enqueueMail } from "../outbox.js";
import { newSecret, type SignedIn, sha256, startSession } from "../sign-in.js";
import { type BusinessInput, checkCurrency, createBusiness } from "./create-business.js";
import { SIGN_UP_HOURS, signUpMail } from "./mails.js";
import { accountByEmail, NO_BUSINESS, normalEmail, passwordForLink } from "./members.js";
import { countAccountRequest, SIGN_UPS_PER_ADDRESS, SIGN_UPS_PER_EMAIL } from "./request-limits.js";

export const signUpPath = (token: string) => `/sign-up/${token}`;

/**
 * Asks for a business: e-mails the link that creates it, in `language` (the one the sign-up page
 * spoke; English when none is given). Answers the address it was sent to.
 */
export async function requestSignUp(
  app: App,
  { language = "en", ...input }: BusinessInput & { language?: string | undefined },
  options: { ip: string; linkBase: string },
): Promise<{ email: string }> {
  const db = app.database.db;
  const now = app.clock();
  const email = normalEmail(input.owner.email);
  // Checked before anything is counted or sent: a mistake is the caller's to fix at once.
  assertTimeZone(input.location.timeZone, "location.timeZone");
  checkCurrency(input.location.currency, "location.currency");
  assertLanguage(language, "language");
  await countAccountRequest(db, SIGN_UPS_PER_ADDRESS, options.ip, now);
  await countAccountRequest(db, SIGN_UPS_PER_EMAIL, email, now);
  const token = newSecret();
  const details: BusinessInput = { ...input, owner: { ...input.owner, email } };
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto("sign_up_requests")
      .values({
        token_hash: sha256(token),
        email,
        details: JSON.stringify(details),
        created_at: toDate(now),
        expires_at: toDate(now.add({ hours: SIGN_UP_HOURS })),
      })
      .execute();
    await enqueueMail(tx, {
      businessId: NO_BUSINESS,
      dedupeKey: `sign-up:${sha256(token)}`,
      to: email,
      // U2: the business, and so its language, does not exist yet: the mail speaks the page's.
      ...signUpMail(mailWords(language, "en-GB"), {
        businessName: input.businessName,
        link: `${options.linkBase}${signUpPath(token)}`,
      }),
      at: now,
      secret: true,
    });
  });
  return { email };
}

async function openSignUp(db: Executor, token: string, now: Temporal.Instant) {
  const row = await db
    .selectFrom("sign_up_requests")
    .select(["id", "email", "details", "expires_at", "used_at"])
    .where("token_hash", "=", sha256(token))
    .executeTakeFirst();
  if (!row)
    throw new AppError("not_found", "sign_up_not_found", "This sign-up link is not valid: sign up again.");
  if (row.used_at)
    throw new AppError("not_found", "sign_up_used", "This business was created already: sign in.");
  if (row.expires_at.getTime() <= now.epochMilliseconds)
    throw new AppError("not_found", "sign_up_expired", "This sign-up link has expired: sign up again.");
  const details = (typeof row.details === "string" ? JSON.parse(row.details) : row.details) as BusinessInput;
  return { ...row, details };
}

/** What the sign-up link shows its holder: the business to create, and how they sign in. */
export async function viewSignUp(app: App, token: string) {
  const row = await openSignUp(app.database.db, token, app.clock());
  const account = await accountByEmail(app.database.db, row.email);
  return {
    businessName: row.details.businessName,
    locationName: row.details.location.name,
    ownerName: row.details.owner.name,
    email: row.email,
    hasAccount: Boolean(account?.password_hash),
    expiresAt: row.expires_at.toISOString(),
  };
}

/** Creates the business the link asks for, once, and signs its owner in. */
export async function confirmSignUp(
  app: App,
  token: string,
  input: { password: string; ip: string },
): Promise<SignedIn & { businessId: string }> {
  const db = app.database.db;
  const found = await openSignUp(db, token, app.clock());
  const passwordHash = await passwordForLink(app, found.email, input);
  const now = app.clock();
  return db.transaction().execute(async (tx) => {
    const request = await tx
      .selectFrom("sign_up_requests")
      .select("id")
      .where("token_hash", "=", sha256(token))
      .where("used_at", "is", null)
      .where("expires_at", ">", toDate(now))
      .forUpdate()
      .executeTakeFirst();
    if (!request) {
      await openSignUp(tx, token, now);
      throw new AppError("not_found", "sign_up_used", "This business was created already: sign in.");
    }
    const created = await createBusiness(tx, now, found.details, {
      via: "sign_up",
      ownerPasswordHash: passwordHash,
    });
    await tx
      .updateTable("sign_up_requests")
      .set({ used_at: toDate(now), business_id: created.businessId })
      .where("id", "=", request.id)
      .execute();
    const signed = await startSession(tx, created.owner, created.location.id, now);
    return { ...signed, businessId: created.businessId };
  });
}
