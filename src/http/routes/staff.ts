// O2: staff administration. Roles and who is active (owner), API tokens (managers and the owner),
// working hours per staff member and location (managers and the owner) and a location's opening
// hours (owner). Listing staff and inviting them are in admin.ts and accounts.ts.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { App } from "../../app/context.js";
import { listApiTokens, makeApiToken, revokeApiToken, TOKEN_MAX_DAYS } from "../../app/staff/api-tokens.js";
import { changeRole, deactivateStaff, reactivateStaff } from "../../app/staff/staff-admin.js";
import {
  getOpeningHours,
  getWorkingHours,
  setOpeningHours,
  setWorkingHours,
} from "../../app/staff/working-hours.js";
import { ctxOf } from "../auth.js";
import { mutation } from "../mutation.js";
import { id, name, refusal, role } from "../schemas.js";
import { staffMemberAnswer } from "./admin.js";

const invalidInput = refusal.describe("invalid input: the field and the rule");
const notSignedIn = refusal.describe("not signed in, or the session or token has ended");
const notAllowed = refusal.describe("the role may not do this");
const unknown = refusal.describe("no such staff member, location or token in this business");
const conflicting = refusal.describe(
  "last_owner: the business must keep an active owner; idempotency_key_reused: the key came with other details",
);
const reads = { 400: invalidInput, 401: notSignedIn, 404: unknown } as const;
const writes = { ...reads, 403: notAllowed, 409: conflicting } as const;
const staffParams = z.object({ staffId: id });
const tokenParams = z.object({ tokenId: id });
const locationParams = z.object({ locationId: id });

const person = z.object({ id: z.string(), name: z.string() });
const tokenAnswer = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(["active", "expired", "revoked"]),
    madeBy: person.describe("the staff member the token acts as"),
    createdAt: z.string(),
    expiresAt: z.string(),
    lastUsedAt: z.string().nullable().describe("to the minute; null: never used"),
    revokedAt: z.string().nullable(),
    revokedBy: person.nullable(),
  })
  .meta({ id: "ApiToken" });

const TIME_MESSAGE = "must be a time written HH:MM (00:00 to 24:00)";
const time = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, TIME_MESSAGE);
const hoursBody = z.strictObject({
  hours: z
    .array(
      z.strictObject({
        weekday: z
          .number()
          .int("must be a whole number")
          .min(1, "must be 1 (Monday) to 7 (Sunday)")
          .max(7, "must be 1 (Monday) to 7 (Sunday)"),
        start: time,
        end: time,
      }),
    )
    .max(7 * 12, "must hold at most 84 intervals"),
});
const hoursAnswer = z.array(
  z.object({
    weekday: z.number().int().describe("1 = Monday … 7 = Sunday"),
    start: z.string().describe("HH:MM, the location's local time"),
    end: z.string().describe("HH:MM; 24:00 is the end of the day"),
  }),
);
const workingHoursAnswer = z
  .object({
    staffId: z.string(),
    scheduled: z
      .boolean()
      .describe("false: no hours anywhere; online booking offers the member whenever a location is open"),
    locations: z.array(z.object({ locationId: z.string(), hours: hoursAnswer })),
  })
  .meta({ id: "WorkingHours" });
const openingHoursAnswer = z
  .object({
    locationId: z.string(),
    set: z.boolean().describe("false: no opening hours; online booking offers 09:00-18:00 every day"),
    hours: hoursAnswer,
  })
  .meta({ id: "OpeningHours" });

export function staffRoutes(server: FastifyInstance, app: App) {
  const r = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["staff"];

  r.post(
    "/api/v1/staff/:staffId/role",
    {
      schema: {
        tags,
        summary: "Change a staff member's role (owner); the business always keeps an active owner",
        description: "Demoting the last active owner answers 409 `last_owner`.",
        params: staffParams,
        body: z.strictObject({ role }),
        response: { 200: staffMemberAnswer, ...writes },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => changeRole(ctx, req.params.staffId, req.body.role, db)),
  );
  r.post(
    "/api/v1/staff/:staffId/deactivate",
    {
      schema: {
        tags,
        summary:
          "Deactivate a staff member (owner): their sessions end and their API tokens are revoked at once",
        description:
          "They are no longer offered online nor bookable for new appointments; their history stays. " +
          "Deactivating the last active owner answers 409 `last_owner`.",
        params: staffParams,
        response: { 200: staffMemberAnswer, ...writes },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => deactivateStaff(ctx, req.params.staffId, db)),
  );
  r.post(
    "/api/v1/staff/:staffId/reactivate",
    {
      schema: {
        tags,
        summary: "Reactivate a staff member (owner); they sign in again, their old tokens stay revoked",
        params: staffParams,
        response: { 200: staffMemberAnswer, ...writes },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => reactivateStaff(ctx, req.params.staffId, db)),
  );

  r.get(
    "/api/v1/staff/:staffId/working-hours",
    {
      schema: {
        tags,
        summary: "A staff member's working hours at each location",
        params: staffParams,
        response: { 200: workingHoursAnswer, ...reads },
      },
    },
    async (req) => getWorkingHours(ctxOf(app, req), req.params.staffId),
  );
  r.put(
    "/api/v1/staff/:staffId/working-hours/:locationId",
    {
      schema: {
        tags,
        summary:
          "Set a staff member's week at one location (manager/owner); an empty list: not working there",
        description:
          "Online booking offers a member only inside their working hours, within the location's opening " +
          "hours. A member with no hours at any location is offered whenever the location is open.",
        params: staffParams.extend(locationParams.shape),
        body: hoursBody,
        response: { 200: workingHoursAnswer, ...writes },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) =>
        setWorkingHours(ctx, req.params.staffId, req.params.locationId, req.body.hours, db),
      ),
  );
  r.get(
    "/api/v1/locations/:locationId/opening-hours",
    {
      schema: {
        tags,
        summary: "A location's opening hours",
        params: locationParams,
        response: { 200: openingHoursAnswer, ...reads },
      },
    },
    async (req) => getOpeningHours(ctxOf(app, req), req.params.locationId),
  );
  r.put(
    "/api/v1/locations/:locationId/opening-hours",
    {
      schema: {
        tags,
        summary: "Set a location's opening hours (owner); an empty list: 09:00-18:00 every day",
        params: locationParams,
        body: hoursBody,
        response: { 200: openingHoursAnswer, ...writes },
      },
    },
    (req, reply) =>
      mutation(app, req, reply, (ctx, db) => setOpeningHours(ctx, req.params.locationId, req.body.hours, db)),
  );

  // Not through mutation(): its answer, the token, must never be stored with an Idempotency-Key.
  // A retry makes a second token; the first, never shown, can be revoked from the list.
  r.post(
    "/api/v1/auth/tokens",
    {
      schema: {
        tags: ["auth"],
        summary:
          "Create a bearer token for an integration (manager/owner), acting as its maker. The token is " +
          "shown only in this answer. Idempotency-Key is ignored.",
        body: z.strictObject({
          name,
          expiresInDays: z
            .number()
            .int("must be a whole number of days")
            .min(1, "must be at least 1")
            .max(TOKEN_MAX_DAYS, `must be at most ${TOKEN_MAX_DAYS}`)
            .optional()
            .describe("default 90; every token expires"),
        }),
        response: {
          201: z.object({
            id: z.string(),
            token: z.string(),
            name: z.string(),
            createdAt: z.string(),
            expiresAt: z.string(),
          }),
          400: invalidInput,
          401: notSignedIn,
          403: notAllowed,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await makeApiToken(ctxOf(app, req), req.body)),
  );
  r.get(
    "/api/v1/auth/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "The business's API tokens, newest first, never the token itself (manager/owner)",
        response: { 200: z.array(tokenAnswer), 401: notSignedIn, 403: notAllowed },
      },
    },
    async (req) => listApiTokens(ctxOf(app, req)),
  );
  r.post(
    "/api/v1/auth/tokens/:tokenId/revoke",
    {
      schema: {
        tags: ["auth"],
        summary: "Revoke an API token (manager/owner): refused from the next request on, on every server",
        params: tokenParams,
        response: { 200: tokenAnswer, ...writes },
      },
    },
    (req, reply) => mutation(app, req, reply, (ctx, db) => revokeApiToken(ctx, req.params.tokenId, db)),
  );
}
