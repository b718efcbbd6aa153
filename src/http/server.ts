// The HTTP server: the JSON API under /api/v1, its OpenAPI document and docs page, and the staff
// web app (web/dist) at /.
import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type RouteOptions,
} from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import type { App } from "../app/context.js";
import type { TrustProxy } from "../config.js";
import { httpDuration } from "../metrics.js";
import { PROJECT_ROOT } from "../paths.js";
import { registerAuth } from "./auth.js";
import {
  clientErrorResponse,
  frameworkRefusal,
  handleError,
  sendRefusal,
  withProblemDocuments,
} from "./errors.js";
import { fastifyTrustProxy } from "./proxy-trust.js";
import { redactingLogger } from "./redact.js";
import { accountRoutes } from "./routes/accounts.js";
import { adminRoutes } from "./routes/admin.js";
import { appointmentRoutes } from "./routes/appointments.js";
import { type AuthOptions, authRoutes } from "./routes/auth.js";
import { catalogRoutes } from "./routes/catalog.js";
import { classRoutes } from "./routes/classes.js";
import { dataRoutes } from "./routes/data.js";
import { feedRoutes } from "./routes/feeds.js";
import { type LiveOptions, liveRoutes } from "./routes/live.js";
import { metricsRoutes } from "./routes/metrics.js";
import { packageRoutes } from "./routes/packages.js";
import { publicRoutes } from "./routes/public.js";
import { reportRoutes } from "./routes/reports.js";
import { staffRoutes } from "./routes/staff.js";
import { ticketRoutes } from "./routes/tickets.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { isWebAppPage, registerCompression, registerWebApp, sendWebAppPage } from "./static-assets.js";

export interface ServerOptions extends AuthOptions {
  logger: boolean | object;
  /** folder of the built web app; served at / when it exists */
  webDir?: string | undefined;
  /** CARNET_TRUST_PROXY (src/http/proxy-trust.ts) */
  trustProxy?: TrustProxy;
  /** CARNET_PUBLIC_URL: the web app's address for links in e-mails (src/http/routes/public.ts) */
  publicUrl?: string | undefined;
  /** called for every route registered (the authorization matrix test lists them all) */
  onRoute?: (route: RouteOptions) => void;
  /** HTTP_TIMEOUTS unless given (tests try the mechanism with short ones) */
  timeouts?: Partial<HttpTimeouts>;
  /** U4: the live stream's heartbeat and session check (src/http/routes/live.ts) */
  live?: LiveOptions;
  /** X4: CARNET_METRICS_TOKEN, for /metrics on this port (src/http/routes/metrics.ts) */
  metricsToken?: string | undefined;
}

export interface HttpTimeouts {
  /** the whole request, headers and body, must have arrived by then: a trickled body is cut off */
  requestMs: number;
  /** the headers must have arrived by then: slow headers are cut off sooner */
  headersMs: number;
  /** a socket on which nothing moves either way is closed (a reader that stopped reading) */
  idleMs: number;
  /** an idle keep-alive connection is kept this long: longer than the 60 s of common proxies */
  keepAliveMs: number;
  /** how often Node looks for requests past their bounds (its default of 30 s would double them) */
  checkEveryMs: number;
}

// The bounds are on receiving a request; sending the answer is not bounded by them (Node stops the
// request clock once the last byte of the body is in), so a long CSV download keeps going.
export const HTTP_TIMEOUTS: HttpTimeouts = {
  requestMs: 30_000,
  headersMs: 10_000,
  idleMs: 60_000,
  keepAliveMs: 72_000,
  checkEveryMs: 1_000,
};

// Same-origin scripts only, no framing, no plugins, forms and <base> to this origin. Styles allow
// inline: Mantine and Swagger UI write <style> elements at run time, and a static index.html has
// no nonce to give them. No upgrade-insecure-requests: on a plain-HTTP install (a salon's LAN) it
// would send the app's own requests to an https:// that does not answer.
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'", "data:"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    imgSrc: ["'self'", "data:"],
    objectSrc: ["'none'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
  },
};
const HSTS = "max-age=31536000; includeSubDomains";

export const WEB_DIST = join(PROJECT_ROOT, "web", "dist");

/**
 * The document names its shared answers (Package, Ticket, Error, …) under components.schemas, from
 * the ids the schemas carry (`.meta({ id })`). The transform adds an input variant of each
 * (`PackageInput`) whether or not a request uses it; this drops the ones nothing refers to.
 */
function withoutUnusedSchemas<T>(document: T): T {
  const schemas = (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas;
  if (!schemas) return document;
  for (;;) {
    const text = JSON.stringify(document);
    const unused = Object.keys(schemas).filter((name) => !text.includes(`"#/components/schemas/${name}"`));
    if (unused.length === 0) return document;
    for (const name of unused) delete schemas[name];
  }
}

export async function buildServer(app: App, options: ServerOptions): Promise<FastifyInstance> {
  const timeouts = { ...HTTP_TIMEOUTS, ...options.timeouts };
  const server = Fastify({
    // Tokens in paths (balance and booking links) never reach a log line.
    logger: redactingLogger(options.logger),
    trustProxy: fastifyTrustProxy(options.trustProxy),
    bodyLimit: 256 * 1024,
    // The router's own refusals (a malformed or overlong URL) answer in the error shape too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const refusal = frameworkRefusal(error);
      sendRefusal(request, reply, refusal.status, refusal.code, refusal.message);
    },
    // So do the refusals of Node's HTTP parser: a request timeout, malformed HTTP, huge headers.
    clientErrorHandler: (error, socket) => {
      if ((error as { code?: string }).code === "ECONNRESET" || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error as { code?: string }));
      socket.destroy();
    },
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    // Per-request log lines cost more than a redemption on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: process.env.CARNET_LOG_REQUESTS !== "1" }),
  });
  // Before the caller's hook: it sees each route's refusals declared in both shapes.
  server.addHook("onRoute", withProblemDocuments);
  if (options.onRoute) server.addHook("onRoute", options.onRoute);
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(handleError);
  server.setNotFoundHandler((req, reply) => {
    const webDir = options.webDir;
    if (webDir && isWebAppPage(req) && existsSync(join(webDir, "index.html"))) {
      return sendWebAppPage(reply, webDir);
    }
    return sendRefusal(
      req,
      reply,
      404,
      "route_not_found",
      `No route ${req.method} ${req.url.split("?")[0]}.`,
    );
  });

  await server.register(fastifyCookie);
  await server.register(fastifyHelmet, {
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // Browsers ignore HSTS over plain HTTP, and a salon's LAN install may never have TLS: the
    // header goes only on requests that came over TLS (directly, or through a trusted proxy).
    strictTransportSecurity: false,
  });
  server.addHook("onRequest", async (request, reply) => {
    if (request.protocol === "https") reply.header("strict-transport-security", HSTS);
  });
  // X4: every answer's time, by the route's pattern (never a path with its ids or tokens)
  server.addHook("onResponse", (request, reply, done) => {
    httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? "(no route)",
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  await registerCompression(server);
  await server.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Carnet API",
        description:
          "Prepaid packages and courses: sell, book, redeem, and account for every credit. Every error is " +
          '`{ "error": { "code", "message", "field"? } }`, or an RFC 9457 problem document ' +
          "`{ type, title, status, detail, code, field? }` for a client that sends " +
          "`Accept: application/problem+json`. Mutating calls accept an `Idempotency-Key` header.",
        version: "1.0.0",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "carnet_session" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => withoutUnusedSchemas(jsonSchemaTransformObject(input)),
  });
  // No validator badge: it is an image from validator.swagger.io that would be told the document's URL.
  await server.register(fastifySwaggerUi, { routePrefix: "/api/docs", uiConfig: { validatorUrl: null } });
  server.get("/api/openapi.json", { schema: { hide: true } }, async () => server.swagger());

  registerAuth(server, app);
  // before the other routes: it hooks every write route to announce what it changed (U4)
  liveRoutes(server, app, options.live);
  authRoutes(server, app, options);
  publicRoutes(server, app, { publicUrl: options.publicUrl });
  accountRoutes(server, app, options);
  adminRoutes(server, app);
  staffRoutes(server, app);
  catalogRoutes(server, app);
  packageRoutes(server, app);
  reportRoutes(server, app);
  ticketRoutes(server, app);
  appointmentRoutes(server, app);
  classRoutes(server, app);
  dataRoutes(server, app);
  webhookRoutes(server, app);
  feedRoutes(server, app);
  metricsRoutes(server, options.metricsToken);

  if (options.webDir) await registerWebApp(server, options.webDir);
  return server;
}
