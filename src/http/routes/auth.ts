// Sign in, sign out, who am I, and API tokens for integrations.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { App } from "../../app/context.js";
import { getBusiness } from "../../app/lookups.js";
import { businessView, listLocations } from "../../app/manage-business.js";
import { createApiToken, signIn, signOut, switchLocation } from "../../app/sign-in.js";
import { AppError } from "../../domain/errors.js";
import { allowedActions } from "../../domain/permissions.js";
import { cookieOptions, ctxOf, SESSION_COOKIE } from "../auth.js";
import { id, name } from "../schemas.js";

export interface AuthOptions {
  secureCookies: boolean;
  /** demo logins shown on the sign-in page; null outside demo mode */
  demoLogins: Array<{ email: string; password: string; role: string }> | null;
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
          "Too many failed sign-ins answer 429 `too_many_attempts` with a Retry-After header (seconds), " +
          "without checking the password: a few per e-mail from one address, then growing delays; " +
          "a cap per address across e-mails; a slow-down per e-mail from addresses it never signed in from.",
        body: z.strictObject({
          email: z.string().trim().min(1, "must not be empty").max(254),
          password: z.string().min(1, "must not be empty").max(200),
          locationId: id.optional(),
        }),
      },
    },
    async (req, reply) => {
      const signed = await signIn(app, { ...req.body, ip: req.ip });
      reply.setCookie(
        SESSION_COOKIE,
        signed.sessionToken,
        cookieOptions(req, options.secureCookies, signed.expiresAt),
      );
      return { csrfToken: signed.csrfToken, expiresAt: signed.expiresAt.toISOString(), actor: signed.actor };
    },
  );

  r.post("/api/v1/auth/sign-out", { schema: { tags, summary: "Sign out" } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await signOut(app, token);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(req, options.secureCookies));
    return { signedOut: true };
  });

  r.get(
    "/api/v1/auth/me",
    { schema: { tags, summary: "The signed-in staff member, business and location" } },
    async (req) => {
      const ctx = ctxOf(app, req);
      const business = await getBusiness(app.database.db, ctx.actor.businessId);
      const locations = await listLocations(app.database.db, ctx.actor.businessId);
      return {
        staff: { id: ctx.actor.staffId, name: req.auth?.staffName, role: ctx.actor.role },
        business: businessView(business),
        location: locations.find((l) => l.id === ctx.actor.locationId),
        locations,
        permissions: allowedActions(ctx.actor.role),
        csrfToken: req.auth?.csrfToken ?? null,
      };
    },
  );

  r.post(
    "/api/v1/auth/location",
    {
      schema: {
        tags,
        summary: "Change the session's working location",
        body: z.strictObject({ locationId: id }),
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

  r.post(
    "/api/v1/auth/tokens",
    {
      schema: {
        tags,
        summary: "Create a bearer token for an integration (manager/owner)",
        body: z.strictObject({ name }),
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(app, req);
      if (ctx.actor.role !== "owner" && ctx.actor.role !== "manager")
        throw new AppError("forbidden", "forbidden", "Your role may not do this.");
      return reply.status(201).send(await createApiToken(app, ctx.actor, req.body.name));
    },
  );

  r.get(
    "/api/v1/auth/demo-logins",
    { schema: { tags, summary: "Demo logins (demo mode only)" } },
    async () => ({
      demo: options.demoLogins !== null,
      logins: options.demoLogins ?? [],
    }),
  );
}
