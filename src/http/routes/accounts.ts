// O1, O2: a business from nothing (the first run, open sign-up), staff invitations, and passwords
// (change your own, "forgot password"). The pages a link opens are public: the token is the key,
// and paths with tokens are redacted in the logs (src/http/redact.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createBusiness, firstRunOver } from "../../app/accounts/create-business.js";
import {
  acceptInvitation,
  cancelInvitation,
  inviteStaff,
  listInvitations,
  resendInvitation,
  viewInvitation,
} from "../../app/accounts/invitations.js";
import { MIN_PASSWORD_LENGTH } from "../../app/accounts/members.js";
import {
  changePassword,
  requestPasswordReset,
  usePasswordLink,
  viewPasswordLink,
} from "../../app/accounts/passwords.js";
import { confirmSignUp, requestSignUp, viewSignUp } from "../../app/accounts/sign-up.js";
import type { App } from "../../app/context.js";
import { hashPassword } from "../../app/passwords.js";
import { type SignedIn, sha256, startSession } from "../../app/sign-in.js";
import { AppError } from "../../domain/errors.js";
import { cookieOptions, ctxOf, SESSION_COOKIE } from "../auth.js";
import { mutation } from "../mutation.js";
import { linkBase } from "../public-url.js";
import {
  currency,
  email,
  id,
  language,
  name,
  postalAddress,
  refusal,
  role,
  unavailable,
} from "../schemas.js";
import type { AuthOptions } from "./auth.js";

const invalidInput = refusal.describe("invalid input: the field and the rule");
const notSignedIn = refusal.describe("not signed in, or a wrong password (invalid_credentials)");
const notAllowed = refusal.describe("the role may not do this");
const linkGone = refusal.describe(
  "the link is unknown, used, expired or cancelled; sign-up closed (sign_up_closed); first run over (first_run_over)",
);
const conflicting = refusal.describe(
  "already_staff, already_invited, or an Idempotency-Key reused with other details",
);
const tooMany = refusal.describe("too many requests: Retry-After says when to try again");
const noLinks = refusal.describe("links_unavailable: e-mailed links need CARNET_PUBLIC_URL");
/** a public route a link or the first run opens */
const publicRefusals = { 400: invalidInput, 404: linkGone } as const;
/** a public route that checks a password, or is limited per address and e-mail */
const guardedRefusals = { ...publicRefusals, 401: notSignedIn, 429: tooMany } as const;
/** a staff route of the owner */
const ownerRefusals = {
  400: invalidInput,
  401: notSignedIn,
  403: notAllowed,
  404: linkGone,
  409: conflicting,
} as const;
const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, "must be at most 200 characters");
/** a password to check, or a new one: the use case says which, and how long a new one must be */
const anyPassword = z.string().min(1, "must not be empty").max(200, "must be at most 200 characters");
const token = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, "is not a link token");
const tokenParams = z.object({ token });

const location = z.strictObject({
  name,
  timeZone: z.string().min(1, "must not be empty").max(64, "must be at most 64 characters"),
  currency,
  address: postalAddress.nullable().optional(),
});
const owner = z.strictObject({ name, email });

export const actorAnswer = z
  .object({
    businessId: z.string(),
    staffId: z.string(),
    role,
    locationId: z.string(),
  })
  .meta({ id: "Actor" });
/** The answer of every route that signs someone in; the session itself is the cookie. */
export const signedInAnswer = z
  .object({
    signedIn: z.literal(true),
    csrfToken: z.string(),
    expiresAt: z.string(),
    actor: actorAnswer,
  })
  .meta({ id: "SignedIn" });
const invitationAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role,
    homeLocationId: z.string(),
    status: z.enum(["pending", "expired"]),
    invitedAt: z.string(),
    sentAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: "Invitation" });

export function sendSignedIn(
  req: FastifyRequest,
  reply: FastifyReply,
  options: AuthOptions,
  signed: SignedIn,
  status = 200,
  extra: Record<string, unknown> = {},
) {
  reply.setCookie(
    SESSION_COOKIE,
    signed.sessionToken,
    cookieOptions(req, options.secureCookies, signed.expiresAt),
  );
  return reply.status(status).send({
    signedIn: true as const,
    csrfToken: signed.csrfToken,
    expiresAt: signed.expiresAt.toISOString(),
    actor: signed.actor,
    ...extra,
  });
}

const signUpClosed = () => new AppError("not_found", "sign_up_closed", "Sign-up is not open on this Carnet.");

export interface AccountRouteOptions extends AuthOptions {
  publicUrl?: string | undefined;
}

export function accountRoutes(server: FastifyInstance, app: App, options: AccountRouteOptions) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const demo = options.demoLogins !== null;
  const signUpOpen = options.signUpOpen === true;
  const base = (req: FastifyRequest, purpose: string) =>
    linkBase(
      req,
      req.log,
      options.publicUrl,
      purpose,
      () => new AppError("unavailable", "links_unavailable", "E-mailed links are not available right now."),
    );
  const noBusinessYet = async () =>
    !(await app.database.db.selectFrom("businesses").select("id").limit(1).executeTakeFirst());

  // ---- a business from nothing ----
  r.get(
    "/api/v1/setup",
    {
      schema: {
        tags: ["setup"],
        summary: "Whether this Carnet waits for its first business, and whether sign-up is open (O1)",
        response: { 200: z.object({ firstRun: z.boolean(), signUpOpen: z.boolean() }), 503: unavailable },
      },
    },
    async () => ({ firstRun: !demo && (await noBusinessYet()), signUpOpen }),
  );
  r.post(
    "/api/v1/setup/business",
    {
      schema: {
        tags: ["setup"],
        summary:
          "Create the first business of an empty Carnet, its first location and its owner, and sign " +
          "the owner in (O1). Only while there is no business at all and demo mode is off: otherwise " +
          "404 first_run_over. Of two at once, one creates the business.",
        body: z.strictObject({
          businessName: name,
          location,
          owner: z.strictObject({ name, email, password: newPassword }),
        }),
        response: {
          201: signedInAnswer.extend({
            business: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
          }),
          ...publicRefusals,
        },
      },
    },
    async (req, reply) => {
      // Refused before the password is hashed: a set-up Carnet spends nothing on this route.
      if (demo || !(await noBusinessYet())) throw firstRunOver();
      const { password, ...ownerDetails } = req.body.owner;
      const passwordHash = await hashPassword(password);
      const now = app.clock();
      const { created, signed } = await app.database.db.transaction().execute(async (tx) => {
        const created = await createBusiness(
          tx,
          now,
          { ...req.body, owner: ownerDetails },
          { via: "first_run", ownerPasswordHash: passwordHash },
        );
        return { created, signed: await startSession(tx, created.owner, created.location.id, now) };
      });
      return sendSignedIn(req, reply, options, signed, 201, {
        business: { id: created.businessId, name: created.businessName, slug: created.slug },
      });
    },
  );

  // ---- open sign-up (CARNET_SIGNUP=open) ----
  r.post(
    "/api/v1/public/sign-ups",
    {
      schema: {
        tags: ["setup"],
        summary:
          "Ask for a new business (O1; only with CARNET_SIGNUP=open, else 404 sign_up_closed). A link " +
          "is e-mailed to the owner's address and opening it creates the business; the answer is the " +
          "same whether the address has an account or not. At most 5 an hour from one address and " +
          "3 a day for one e-mail (429). The e-mail speaks `language` (U2: one Carnet has words " +
          "for, en or hu; 400 unknown_language otherwise), English when it is left out.",
        body: z.strictObject({
          businessName: name,
          location,
          owner,
          language: language.optional().describe("U2: the language the sign-up page spoke"),
        }),
        response: {
          202: z.object({ email: z.string(), message: z.string() }),
          ...guardedRefusals,
          503: noLinks,
        },
      },
    },
    async (req, reply) => {
      if (!signUpOpen) throw signUpClosed();
      const sent = await requestSignUp(app, req.body, { ip: req.ip, linkBase: base(req, "sign-up") });
      return reply.status(202).send({
        email: sent.email,
        message: `We have sent a link to ${sent.email}. Open it within a day to create ${req.body.businessName}.`,
      });
    },
  );
  r.get(
    "/api/v1/public/sign-ups/:token",
    {
      schema: {
        tags: ["setup"],
        summary:
          "What an e-mailed sign-up link creates, and whether its owner signs in or chooses a password",
        params: tokenParams,
        response: {
          200: z.object({
            businessName: z.string(),
            locationName: z.string(),
            ownerName: z.string(),
            email: z.string(),
            hasAccount: z.boolean(),
            expiresAt: z.string(),
          }),
          ...publicRefusals,
        },
      },
    },
    async (req) => {
      if (!signUpOpen) throw signUpClosed();
      return viewSignUp(app, req.params.token);
    },
  );
  r.post(
    "/api/v1/public/sign-ups/:token",
    {
      schema: {
        tags: ["setup"],
        summary:
          "Create the business an e-mailed sign-up link asks for, once, and sign its owner in: with " +
          "their account's password, or a new one of at least 10 characters",
        params: tokenParams,
        body: z.strictObject({ password: anyPassword }),
        response: { 201: signedInAnswer, ...guardedRefusals },
      },
    },
    async (req, reply) => {
      if (!signUpOpen) throw signUpClosed();
      const signed = await confirmSignUp(app, req.params.token, { password: req.body.password, ip: req.ip });
      return sendSignedIn(req, reply, options, signed, 201);
    },
  );

  // ---- staff invitations ----
  r.get(
    "/api/v1/staff/invitations",
    {
      schema: {
        tags: ["staff"],
        summary: "Open invitations: pending, or expired and not cancelled (owner)",
        response: { 200: z.array(invitationAnswer), 401: notSignedIn, 403: notAllowed },
      },
    },
    async (req) => listInvitations(ctxOf(app, req)),
  );
  r.post(
    "/api/v1/staff/invitations",
    {
      schema: {
        tags: ["staff"],
        summary:
          "Invite a person by e-mail to join as staff (owner, O2). The link works once, for 7 days. " +
          "The answer is the same whether or not the address has an account elsewhere; refused " +
          "only when it is already staff here (already_staff) or invited (already_invited).",
        body: z.strictObject({ name, email, role, homeLocationId: id }),
        response: { 201: invitationAnswer, ...ownerRefusals, 503: noLinks },
      },
    },
    (req, reply) => {
      const linkBaseUrl = base(req, "staff invitations");
      return mutation(
        app,
        req,
        reply,
        (ctx, db) => inviteStaff(ctx, req.body, { linkBase: linkBaseUrl }, db),
        201,
      );
    },
  );
  const invitationParams = z.object({ invitationId: id });
  r.post(
    "/api/v1/staff/invitations/:invitationId/resend",
    {
      schema: {
        tags: ["staff"],
        summary:
          "Send an open invitation again with a new link, valid 7 days; the old link stops working (owner)",
        params: invitationParams,
        response: { 200: invitationAnswer, ...ownerRefusals, 503: noLinks },
      },
    },
    (req, reply) => {
      const linkBaseUrl = base(req, "staff invitations");
      return mutation(app, req, reply, (ctx, db) =>
        resendInvitation(ctx, req.params.invitationId, { linkBase: linkBaseUrl }, db),
      );
    },
  );
  r.delete(
    "/api/v1/staff/invitations/:invitationId",
    {
      schema: {
        tags: ["staff"],
        summary: "Cancel an open invitation: its link stops working (owner)",
        params: invitationParams,
        response: { 200: z.object({ id: z.string(), cancelled: z.literal(true) }), ...ownerRefusals },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => cancelInvitation(ctx, req.params.invitationId, db)),
  );
  r.get(
    "/api/v1/public/invites/:token",
    {
      schema: {
        tags: ["staff"],
        summary:
          "What an invitation link offers its holder: the business, their name and role, and whether " +
          "they sign in with their account's password or choose one",
        params: tokenParams,
        response: {
          200: z.object({
            businessName: z.string(),
            name: z.string(),
            email: z.string(),
            role,
            hasAccount: z.boolean(),
            expiresAt: z.string(),
          }),
          ...publicRefusals,
        },
      },
    },
    async (req) => viewInvitation(app, req.params.token),
  );
  r.post(
    "/api/v1/public/invites/:token/accept",
    {
      schema: {
        tags: ["staff"],
        summary:
          "Accept an invitation, once: with the account's password (checked and throttled as a " +
          "sign-in), or a new one of at least 10 characters; signs in to the business",
        params: tokenParams,
        body: z.strictObject({ password: anyPassword }),
        response: { 200: signedInAnswer, ...guardedRefusals },
      },
    },
    async (req, reply) => {
      const signed = await acceptInvitation(app, req.params.token, {
        password: req.body.password,
        ip: req.ip,
      });
      return sendSignedIn(req, reply, options, signed);
    },
  );

  // ---- passwords ----
  r.post(
    "/api/v1/auth/password",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Change your own password (signed-in sessions only). The current one is checked and " +
          "throttled as a sign-in; your other sessions end, in every business you work for.",
        body: z.strictObject({ currentPassword: anyPassword, newPassword }),
        response: {
          200: z.object({ changed: z.literal(true), endedSessions: z.number() }),
          400: invalidInput.describe(
            "invalid input, or session_required: an API token has no password to change",
          ),
          401: notSignedIn,
          429: tooMany,
        },
      },
    },
    async (req) => {
      ctxOf(app, req);
      const cookie = req.cookies[SESSION_COOKIE];
      if (!cookie || !req.auth || req.auth.csrfToken === null)
        throw new AppError("invalid", "session_required", "Only a signed-in person changes their password.");
      const result = await changePassword(
        app,
        { accountId: req.auth.accountId, sessionId: sha256(cookie) },
        { currentPassword: req.body.currentPassword, newPassword: req.body.newPassword, ip: req.ip },
      );
      return { changed: true as const, endedSessions: result.endedSessions };
    },
  );
  r.post(
    "/api/v1/public/password-resets",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Forgot password: e-mails a link (one hour, once) to the address if it has an account. The " +
          "answer is the same either way. At most 10 an hour from one address and 3 an hour for one e-mail (429).",
        body: z.strictObject({ email }),
        response: { 202: z.object({ message: z.string() }), 400: invalidInput, 429: tooMany, 503: noLinks },
      },
    },
    async (req, reply) => {
      await requestPasswordReset(app, {
        email: req.body.email,
        ip: req.ip,
        linkBase: base(req, "password resets"),
      });
      return reply.status(202).send({
        message:
          "If this address has a Carnet account, we have sent it a link to choose a new password. It works for an hour.",
      });
    },
  );
  r.get(
    "/api/v1/public/password-resets/:token",
    {
      schema: {
        tags: ["auth"],
        summary: "Whose password an e-mailed (or printed) password link sets, and until when",
        params: tokenParams,
        response: {
          200: z.object({
            email: z.string(),
            purpose: z.enum(["reset", "first_password"]),
            expiresAt: z.string(),
          }),
          ...publicRefusals,
        },
      },
    },
    async (req) => viewPasswordLink(app, req.params.token),
  );
  r.post(
    "/api/v1/public/password-resets/:token",
    {
      schema: {
        tags: ["auth"],
        summary: "Set the password through a password link, once; every session of the account ends",
        params: tokenParams,
        body: z.strictObject({ password: newPassword }),
        response: { 200: z.object({ passwordSet: z.literal(true), email: z.string() }), ...publicRefusals },
      },
    },
    async (req) => {
      const done = await usePasswordLink(app, req.params.token, { password: req.body.password });
      return { passwordSet: true as const, email: done.email };
    },
  );
}
