// Sign in, sign out, who am I, and API tokens for integrations.
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { accountOf } from "../../app/accounts/members.js";
import type { App } from "../../app/context.js";
import { ownLanguage, setOwnLanguage } from "../../app/languages.js";
import { getBusiness } from "../../app/lookups.js";
import { businessView, listLocations } from "../../app/manage-business.js";
import { listCustomers } from "../../app/manage-customers.js";
import {
  type Authenticated,
  authenticateSession,
  signIn,
  signOut,
  switchLocation,
} from "../../app/sign-in.js";
import { AppError } from "../../domain/errors.js";
import { allowedActions, may } from "../../domain/permissions.js";
import { cookieOptions, ctxOf, SESSION_COOKIE, unauthenticated } from "../auth.js";
import { mutation } from "../mutation.js";
import { id, language, refusal, role } from "../schemas.js";
import { sendSignedIn, signedInAnswer } from "./accounts.js";
import { customerPage } from "./admin.js";
import { locationAnswer } from "./catalog.js";

const meAnswer = z
  .object({
    staff: z.object({
      id: z.string(),
      name: z.string().optional(),
      role,
      language: z.string().nullable().describe("U2: the staff member's own language; null: the business's"),
    }),
    business: z.object({
      id: z.string(),
      name: z.string(),
      slug: z.string(),
      language: z.string().describe("U2: the language of staff and customers who have not chosen their own"),
      settings: z
        .record(z.string(), z.unknown())
        .describe("the business's settings, as GET /api/v1/business"),
    }),
    location: locationAnswer,
    locations: z.array(locationAnswer),
    permissions: z.array(z.string()),
    csrfToken: z.string().nullable().describe("the session's CSRF token; null for an API token"),
    account: z
      .object({
        email: z.string(),
        businesses: z.array(z.object({ id: z.string(), name: z.string() })),
      })
      .nullable()
      .describe("the signed-in person and every business they work for (sessions only, O1)"),
  })
  .meta({ id: "Me" });

export interface AuthOptions {
  secureCookies: boolean;
  /** demo logins shown on the sign-in page; null outside demo mode */
  demoLogins: Array<{ email: string; password: string; role: string }> | null;
  /** CARNET_SIGNUP=open: further businesses may sign up from the sign-in page (O1) */
  signUpOpen?: boolean | undefined;
}

export function authRoutes(server: FastifyInstance, app: App, options: AuthOptions) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["auth"];

  r.post(
    "/api/v1/auth/sign-in",
    {
      schema: {
        tags,
        summary: "Sign in with e-mail and password, choosing a working location",
        description:
          "A person who is staff of several businesses gets `signedIn: false` and the businesses' names " +
          "(only once the password was right), and signs in again with `businessId`. " +
          "Too many failed sign-ins answer 429 `too_many_attempts` with a Retry-After header (seconds), " +
          "without checking the password: a few per e-mail from one address, then growing delays; " +
          "a cap per address across e-mails; a slow-down per e-mail from addresses it never signed in from.",
        body: z.strictObject({
          email: z.string().trim().min(1, "must not be empty").max(254),
          password: z.string().min(1, "must not be empty").max(200),
          businessId: id.optional(),
          locationId: id.optional(),
          firstCustomers: z
            .number()
            .int()
            .min(1)
            .max(100)
            .optional()
            .describe(
              "also answer with the first page of this many customers, as GET /api/v1/customers?limit= " +
                "gives it: the screen the front desk sees first, drawn with the rest (U3)",
            ),
        }),
        response: {
          200: z.union([
            signedInAnswer.extend({
              me: meAnswer.describe(
                "as /api/v1/auth/me: the app shows its first screen without asking again",
              ),
              customers: customerPage.optional().describe("when firstCustomers was given"),
            }),
            z.object({
              signedIn: z.literal(false),
              businesses: z.array(z.object({ id: z.string(), name: z.string() })),
            }),
          ]),
          400: refusal.describe("invalid input, or a businessId or locationId the person has no access to"),
          401: refusal.describe(
            "invalid_credentials: e-mail or password is wrong; no_active_membership: the account works for no business any more",
          ),
          429: refusal.describe("too_many_attempts: Retry-After says when to try again"),
        },
      },
    },
    async (req, reply) => {
      const signed = await signIn(app, { ...req.body, ip: req.ip });
      if ("businesses" in signed) return { signedIn: false as const, businesses: signed.businesses };
      const session = await authenticateSession(app, signed.sessionToken);
      if (!session) throw unauthenticated();
      const { firstCustomers } = req.body;
      const ctx = { database: app.database, clock: app.clock, actor: session.actor };
      const [me, customers] = await Promise.all([
        meOf(session),
        firstCustomers === undefined || !may(session.actor.role, "read")
          ? undefined
          : listCustomers(ctx, { q: "", limit: firstCustomers }),
      ]);
      return sendSignedIn(req, reply, options, signed, 200, { me, ...(customers ? { customers } : {}) });
    },
  );

  r.post(
    "/api/v1/auth/sign-out",
    {
      schema: {
        tags,
        summary: "Sign out",
        response: {
          200: z.object({ signedOut: z.literal(true) }),
          401: refusal.describe("not signed in"),
        },
      },
    },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await signOut(app, token);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(req, options.secureCookies));
      return { signedOut: true as const };
    },
  );

  /** Who is signed in, their business and locations: what the staff app needs to show its shell. */
  async function meOf(auth: Authenticated) {
    const { actor } = auth;
    const business = await getBusiness(app.database.db, actor.businessId);
    const locations = await listLocations(app.database.db, actor.businessId);
    // The person's other businesses, for switching: to their own session only, never to an
    // integration's token (which acts in one business and has no business knowing the others).
    const account = auth.csrfToken != null ? await accountOf(app.database.db, auth.accountId) : null;
    const language = await ownLanguage(app.database.db, actor.businessId, actor.staffId);
    // A session's location is one of its business's (a foreign key); locations are never deleted.
    const location = locations.find((l) => l.id === actor.locationId);
    if (!location) throw new Error(`location ${actor.locationId} is not one of the business's`);
    return {
      staff: { id: actor.staffId, name: auth.staffName, role: actor.role, language },
      business: businessView(business),
      location,
      locations,
      permissions: allowedActions(actor.role),
      csrfToken: auth.csrfToken,
      account,
    };
  }
  const me = (req: FastifyRequest) => {
    if (!req.auth) throw unauthenticated();
    return meOf(req.auth);
  };

  r.get(
    "/api/v1/auth/me",
    {
      schema: {
        tags,
        summary: "The signed-in staff member, business and location",
        response: { 200: meAnswer, 401: refusal.describe("not signed in") },
      },
    },
    me,
  );

  r.patch(
    "/api/v1/auth/me",
    {
      schema: {
        tags,
        summary: "Choose the language Carnet speaks to the signed-in staff member (U2; any role)",
        description:
          "`language` is one Carnet has words for (en, hu), or null to follow the business's language. " +
          "An unknown language answers 400 unknown_language.",
        body: z.strictObject({ language: language.nullable() }),
        response: {
          200: z.object({ language: z.string().nullable() }),
          400: refusal.describe("invalid input: the field and the rule"),
          401: refusal.describe("not signed in"),
        },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => setOwnLanguage(ctx, req.body.language, db)),
  );

  // The web app's first question, asked on every page before anyone signs in: "nobody" is an answer,
  // not a 401 (which the browser logs as an error on the sign-in page).
  r.get(
    "/api/v1/auth/session",
    {
      schema: {
        tags,
        summary: "Who is signed in with this session cookie, if anyone",
        description:
          "As /api/v1/auth/me, inside `me`; `me: null` (200) when no session cookie is sent or its session " +
          "has ended (the stale cookie is then cleared). A bearer token that does not work still answers 401.",
        response: {
          200: z.object({ me: meAnswer.nullable() }),
          401: refusal.describe("a bearer token that does not work"),
        },
      },
    },
    async (req, reply) => {
      if (req.auth) return { me: await me(req) };
      if (req.cookies[SESSION_COOKIE])
        reply.clearCookie(SESSION_COOKIE, cookieOptions(req, options.secureCookies));
      return { me: null };
    },
  );

  r.post(
    "/api/v1/auth/location",
    {
      schema: {
        tags,
        summary: "Change the session's working location",
        body: z.strictObject({ locationId: id }),
        response: {
          200: z.object({ locationId: z.string() }),
          400: refusal.describe(
            "invalid input; unknown_location; session_required: an API token has no working location",
          ),
          401: refusal.describe("not signed in"),
        },
      },
    },
    async (req) => {
      const ctx = ctxOf(app, req);
      const token = req.cookies[SESSION_COOKIE];
      if (!token)
        throw new AppError("invalid", "session_required", "Only a signed-in session has a working location.");
      await switchLocation(app, token, ctx.actor, req.body.locationId);
      return { locationId: req.body.locationId };
    },
  );

  // API tokens (make, list, revoke) are in staff.ts, with the rest of staff administration (O2).

  r.get(
    "/api/v1/auth/demo-logins",
    {
      schema: {
        tags,
        summary: "Demo logins (demo mode only)",
        response: {
          200: z.object({
            demo: z.boolean(),
            logins: z.array(z.object({ email: z.string(), password: z.string(), role: z.string() })),
          }),
        },
      },
    },
    async () => ({
      demo: options.demoLogins !== null,
      logins: options.demoLogins ?? [],
    }),
  );
}
