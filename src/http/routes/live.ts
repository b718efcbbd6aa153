// U4: live updates. A signed-in browser keeps one Server-Sent Events stream open; after any write
// to its business, on any server process, the stream names the resources that changed and the
// browser refreshes the screens that show them. Which writes change what is the table below,
// keyed by route: every write route is in it (a test holds it to that).
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { App } from "../../app/context.js";
import { type LiveEvent, liveHub } from "../../app/live/hub.js";
import { businessOfPublicWrite, type PublicWrite } from "../../app/live/public-writes.js";
import { SESSIONS, type Topic } from "../../app/live/topics.js";
import { type Authenticated, authenticateSession, authenticateToken } from "../../app/sign-in.js";
import { loggableError } from "../../db/loggable-error.js";
import { ctxOf, SESSION_COOKIE } from "../auth.js";
import { refusals } from "../schemas.js";

export interface LiveOptions {
  /** a comment line this often keeps proxies and the server's idle timeout from closing the stream */
  heartbeatMs?: number;
  /** the stream's session is checked this often (and at once when a session of its business ends) */
  recheckMs?: number;
}

const DEFAULTS: Required<LiveOptions> = { heartbeatMs: 20_000, recheckMs: 30_000 };
/** a stream ends after this long at most; the browser reconnects (and refreshes) at once */
const LONGEST_S = 1_800;
/** the browser's wait before reconnecting after the stream ended */
const RETRY_MS = 2_000;
/** how long a new stream waits for this process to be listening before it says it is ready */
const READY_WAIT_MS = 3_000;

type Write = readonly Topic[] | { topics: readonly Topic[]; publicWrite: PublicWrite };

const LEDGER: Topic[] = ["packages", "customers", "activity", "reports"];
const BOOKING: Topic[] = ["appointments", ...LEDGER];
const ENROLMENT: Topic[] = ["classes", ...LEDGER];
const TILL: Topic[] = ["tickets", "appointments", "classes", ...LEDGER];

/** Every write route → what it changes. [] changes nothing another browser shows. */
export const WRITE_ROUTES: Record<string, Write> = {
  // signing in and out, a person's own session and password
  "POST /api/v1/auth/sign-in": [],
  "POST /api/v1/auth/sign-out": [SESSIONS],
  "POST /api/v1/auth/location": [],
  "POST /api/v1/auth/password": [SESSIONS],
  "PATCH /api/v1/auth/me": ["staff"],
  "POST /api/v1/auth/tokens": ["settings"],
  "POST /api/v1/auth/tokens/:tokenId/revoke": ["settings"],
  // W4: a person's own calendar feed link shows on no other screen
  "POST /api/v1/auth/me/calendar-feed": [],
  "DELETE /api/v1/auth/me/calendar-feed": [],
  // a business that did not exist had no one watching it
  "POST /api/v1/setup/business": [],
  "POST /api/v1/public/sign-ups": [],
  "POST /api/v1/public/sign-ups/:token": [],
  "POST /api/v1/public/password-resets": [],
  "POST /api/v1/public/password-resets/:token": [],
  // customers acting online: nothing is booked until the e-mailed link is opened
  "POST /api/v1/public/businesses/:slug/bookings": [],
  "POST /api/v1/public/booking-requests/:token/confirm": { topics: BOOKING, publicWrite: "booking_request" },
  "POST /api/v1/public/balance/:token/bookings": { topics: BOOKING, publicWrite: "balance_link" },
  "POST /api/v1/public/invites/:token/accept": { topics: ["staff"], publicWrite: "invitation" },
  // staff and the business
  "POST /api/v1/staff/invitations": ["staff"],
  "POST /api/v1/staff/invitations/:invitationId/resend": ["staff"],
  "DELETE /api/v1/staff/invitations/:invitationId": ["staff"],
  "POST /api/v1/staff/:staffId/role": ["staff", SESSIONS],
  "POST /api/v1/staff/:staffId/deactivate": ["staff", SESSIONS],
  "POST /api/v1/staff/:staffId/reactivate": ["staff"],
  "PUT /api/v1/staff/:staffId/working-hours/:locationId": ["staff", "appointments"],
  "PUT /api/v1/locations/:locationId/opening-hours": ["settings", "staff", "appointments"],
  "PATCH /api/v1/business/settings": ["settings"],
  "POST /api/v1/locations": ["settings"],
  "PATCH /api/v1/locations/:locationId": ["settings"],
  "POST /api/v1/commission-rates": ["settings", "staff", "reports"],
  "DELETE /api/v1/commission-rates/:rateId": ["settings", "staff", "reports"],
  // the catalog
  "POST /api/v1/items": ["catalog"],
  "PATCH /api/v1/items/:itemId": ["catalog"],
  "POST /api/v1/templates": ["catalog"],
  "PATCH /api/v1/templates/:templateId": ["catalog"],
  "POST /api/v1/templates/:templateId/retire": ["catalog"],
  "POST /api/v1/templates/preview": [],
  // W3: webhook endpoints (shown on the settings screen)
  "POST /api/v1/webhooks": ["settings"],
  "PATCH /api/v1/webhooks/:endpointId": ["settings"],
  "DELETE /api/v1/webhooks/:endpointId": ["settings"],
  "POST /api/v1/webhooks/:endpointId/rotate-secret": ["settings"],
  "POST /api/v1/webhooks/:endpointId/deliveries/:deliveryId/resend": ["settings"],
  // customers and the ledger
  "POST /api/v1/customers": ["customers"],
  "PATCH /api/v1/customers/:customerId": ["customers", "appointments", "tickets"],
  "POST /api/v1/customers/:customerId/balance-link": ["customers"],
  "DELETE /api/v1/customers/:customerId/balance-link": ["customers"],
  "POST /api/v1/customers/:customerId/calendar-feed": ["customers"],
  "DELETE /api/v1/customers/:customerId/calendar-feed": ["customers"],
  "POST /api/v1/customers/:customerId/packages": LEDGER,
  "POST /api/v1/packages/:packageId/lines/:lineId/redeem": LEDGER,
  "POST /api/v1/customers/:customerId/redemptions": LEDGER,
  "POST /api/v1/movements/:movementId/undo": BOOKING,
  "POST /api/v1/packages/:packageId/lines/:lineId/adjustments": LEDGER,
  "POST /api/v1/packages/:packageId/extend": LEDGER,
  "POST /api/v1/packages/:packageId/refund": LEDGER,
  "POST /api/v1/packages/:packageId/transfer": LEDGER,
  "POST /api/v1/movements/:movementId/undo-transfer": LEDGER,
  "POST /api/v1/packages/:packageId/pauses": LEDGER,
  "POST /api/v1/packages/:packageId/pauses/:pauseId/end": LEDGER,
  "POST /api/v1/imports/dry-run": [],
  "POST /api/v1/imports": [...LEDGER, "catalog"],
  // the calendar
  "POST /api/v1/appointments": BOOKING,
  "PATCH /api/v1/appointments/:appointmentId": BOOKING,
  "POST /api/v1/appointments/:appointmentId/cancel": BOOKING,
  "DELETE /api/v1/appointments/:appointmentId": BOOKING,
  "POST /api/v1/appointments/:appointmentId/no-show": BOOKING,
  "POST /api/v1/appointments/:appointmentId/check-in": BOOKING,
  "POST /api/v1/appointments/:appointmentId/services/:serviceId/coverage": BOOKING,
  "POST /api/v1/appointments/:appointmentId/checkout": [...BOOKING, "tickets"],
  // classes
  "POST /api/v1/class-sessions": ENROLMENT,
  "POST /api/v1/class-sessions/:sessionId/cancel": ENROLMENT,
  "POST /api/v1/class-sessions/:sessionId/enrolments": ENROLMENT,
  "POST /api/v1/class-enrolments/:enrolmentId/cancel": ENROLMENT,
  "POST /api/v1/class-enrolments/:enrolmentId/no-show": ENROLMENT,
  "POST /api/v1/class-enrolments/:enrolmentId/review": ENROLMENT,
  "POST /api/v1/class-enrolments/:enrolmentId/checkout": [...ENROLMENT, "tickets"],
  // the till
  "POST /api/v1/tickets": ["tickets"],
  "PATCH /api/v1/tickets/:ticketId": TILL,
  "POST /api/v1/tickets/:ticketId/lines": TILL,
  "DELETE /api/v1/tickets/:ticketId/lines/:lineId": TILL,
  "POST /api/v1/tickets/:ticketId/lines/:lineId/coverage": TILL,
  "POST /api/v1/tickets/:ticketId/close": TILL,
  "POST /api/v1/tickets/:ticketId/void": TILL,
  "POST /api/v1/tickets/:ticketId/lines/:lineId/refund": TILL,
};

/** A route's id parameters, as ids of the resource they name (when the write changes that resource). */
const PARAM_RESOURCE: Record<string, Topic> = {
  customerId: "customers",
  packageId: "packages",
  appointmentId: "appointments",
  sessionId: "classes",
  ticketId: "tickets",
  staffId: "staff",
  itemId: "catalog",
  templateId: "catalog",
};

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The write routes of the API: each must have a row in WRITE_ROUTES. */
export const isWriteRoute = (method: string, url: string) =>
  WRITE_METHODS.has(method) && url.startsWith("/api/v1/");

export function liveRoutes(server: FastifyInstance, app: App, options: LiveOptions = {}) {
  const settings = { ...DEFAULTS, ...options };
  const hub = liveHub(app.database);
  hub.onError = (error) => server.log.warn({ error: loggableError(error) }, "live updates: notify failed");
  const streams = new Set<() => void>();

  // Registered before the other routes: every write route registered after this gets its hook.
  server.addHook("onRoute", (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      const write = WRITE_ROUTES[`${method} ${route.url}`];
      if (!write) continue;
      const topics = "topics" in write ? write.topics : write;
      if (topics.length === 0) continue;
      const publicWrite = "publicWrite" in write ? write.publicWrite : null;
      const announce = async (request: FastifyRequest, reply: FastifyReply) => {
        if (reply.statusCode >= 400) return;
        try {
          const params = (request.params ?? {}) as Record<string, string>;
          const businessId =
            request.auth?.actor.businessId ??
            (publicWrite && params.token
              ? await businessOfPublicWrite(app, publicWrite, params.token)
              : null);
          if (businessId) hub.announce(businessId, topics, idsOf(params, topics));
        } catch (error) {
          hub.onError(error);
        }
      };
      const hooks = route.onResponse ? [route.onResponse].flat() : [];
      route.onResponse = [...hooks, announce];
    }
  });

  // Streams end before the server closes (it waits for open connections); browsers reconnect.
  server.addHook("preClose", async () => {
    for (const end of [...streams]) end();
  });

  const r = server.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/v1/live",
    {
      exposeHeadRoute: false,
      schema: {
        tags: ["live"],
        summary:
          "Live updates (U4): a Server-Sent Events stream of what changes in the caller's business, on " +
          "any server process. Events: `ready` once listening; `change` with " +
          "`{ resource, ids? }` (resource: appointments, packages, customers, tickets, classes, activity, " +
          "reports, catalog, staff, settings) after each write; `resync` when changes may have been missed " +
          "(refresh everything); `end` with `{ reason }` when the session has ended (do not reconnect). " +
          "A comment line every 20 s keeps the connection open; the stream ends after `seconds` " +
          `(default and most ${LONGEST_S}; 0 ends it after \`ready\`), and the browser reconnects.`,
        produces: ["text/event-stream"],
        querystring: z.strictObject({
          seconds: z.coerce
            .number({ error: "must be a whole number of seconds" })
            .int("must be a whole number of seconds")
            .min(0, "must be 0 or more")
            .max(LONGEST_S, `must be at most ${LONGEST_S}`)
            .optional(),
        }),
        response: {
          200: {
            description: "Server-Sent Events: ready, change, resync, end",
            content: { "text/event-stream": { schema: z.string().describe("Server-Sent Events") } },
          },
          401: refusals[401],
        },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(app, req);
      const sessionAgain = credentialOf(app, req);
      const { businessId, staffId } = ctx.actor;
      const raw = reply.raw;
      reply.hijack();
      // the headers set so far (security headers) go out with the stream's own
      for (const [name, value] of Object.entries(reply.getHeaders()))
        if (value !== undefined) raw.setHeader(name, value);
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        // nginx and others buffer responses unless told not to
        "x-accel-buffering": "no",
        // the connection ends with the stream: nothing waits on an idle socket (a server closing)
        connection: "close",
      });
      const timers: NodeJS.Timeout[] = [];
      let ended = false;
      const write = (text: string) => {
        if (!ended && !raw.destroyed) raw.write(text);
      };
      const send = (event: string, data: object) =>
        write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      const end = (reason?: string) => {
        if (ended) return;
        if (reason) send("end", { reason });
        ended = true;
        for (const t of timers) clearInterval(t);
        subscription.close();
        streams.delete(end);
        if (!raw.destroyed) raw.end();
      };
      let checking = false;
      const recheck = async () => {
        if (checking || ended) return;
        checking = true;
        try {
          const auth = await sessionAgain();
          if (auth?.actor.businessId !== businessId || auth.actor.staffId !== staffId) end("session_ended");
        } catch {
          // the database may be away for a moment: the next check decides
        } finally {
          checking = false;
        }
      };
      const subscription = hub.subscribe(businessId, (event: LiveEvent) => {
        if (event.kind === "resync") return send("resync", {});
        for (const change of event.changes) {
          if (change.topic === SESSIONS) void recheck();
          else
            send(
              "change",
              change.ids ? { resource: change.topic, ids: change.ids } : { resource: change.topic },
            );
        }
      });
      streams.add(end);
      raw.on("close", () => end());
      raw.on("error", () => end());
      if (raw.destroyed || req.raw.socket?.destroyed) end();
      write(`retry: ${RETRY_MS}\n\n`);
      await Promise.race([subscription.ready, delay(READY_WAIT_MS)]);
      if (ended) return reply;
      send("ready", {});
      const seconds = req.query.seconds ?? LONGEST_S;
      if (seconds === 0) {
        end();
        return reply;
      }
      timers.push(
        setInterval(() => write(": keep-alive\n\n"), settings.heartbeatMs),
        setInterval(() => void recheck(), settings.recheckMs),
        setTimeout(() => end(), seconds * 1000),
      );
      for (const t of timers) t.unref();
      return reply;
    },
  );
}

/** Checks the stream's own credential again, as the request was authenticated. */
function credentialOf(app: App, req: FastifyRequest): () => Promise<Authenticated | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = header.replace(/^Bearer\s+/i, "");
    return () => authenticateToken(app, token);
  }
  const cookie = req.cookies[SESSION_COOKIE] ?? "";
  return () => authenticateSession(app, cookie);
}

function idsOf(params: Record<string, string>, topics: readonly Topic[]): Partial<Record<Topic, string[]>> {
  const ids: Partial<Record<Topic, string[]>> = {};
  for (const [name, value] of Object.entries(params)) {
    const topic = PARAM_RESOURCE[name];
    if (topic && topics.includes(topic) && typeof value === "string")
      ids[topic] = [...(ids[topic] ?? []), value];
  }
  return ids;
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });
