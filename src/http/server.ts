// The HTTP server: the JSON API under /api/v1, its OpenAPI document and docs page, and the staff
// web app (web/dist) at /.
import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
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
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { App } from "../app/context.js";
import { PROJECT_ROOT } from "../paths.js";
import { registerAuth } from "./auth.js";
import { errorBody, handleError } from "./errors.js";
import { adminRoutes } from "./routes/admin.js";
import { appointmentRoutes } from "./routes/appointments.js";
import { type AuthOptions, authRoutes } from "./routes/auth.js";
import { classRoutes } from "./routes/classes.js";
import { packageRoutes } from "./routes/packages.js";
import { publicRoutes } from "./routes/public.js";
import { reportRoutes } from "./routes/reports.js";
import { ticketRoutes } from "./routes/tickets.js";

export interface ServerOptions extends AuthOptions {
  logger: boolean | object;
  /** folder of the built web app; served at / when it exists */
  webDir?: string | undefined;
  trustProxy?: boolean;
  /** called for every route registered (the authorization matrix test lists them all) */
  onRoute?: (route: RouteOptions) => void;
}

export const WEB_DIST = join(PROJECT_ROOT, "web", "dist");

export async function buildServer(app: App, options: ServerOptions): Promise<FastifyInstance> {
  const server = Fastify({
    logger: options.logger,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 256 * 1024,
    // The router's own refusals (a malformed or overlong URL) answer in the error shape too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const code = (error.code ?? "bad_request").replace(/^FST_ERR_/, "").toLowerCase();
      reply.status(error.statusCode ?? 400).send(errorBody(code, error.message.slice(0, 200)));
    },
    // Per-request log lines cost more than a redemption on the hot path; errors are still logged.
    logController: new LogController({ disableRequestLogging: process.env.CARNET_LOG_REQUESTS !== "1" }),
  });
  if (options.onRoute) server.addHook("onRoute", options.onRoute);
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(handleError);
  server.setNotFoundHandler((req, reply) => {
    const webDir = options.webDir;
    if (
      !req.url.startsWith("/api/") &&
      req.method === "GET" &&
      webDir &&
      existsSync(join(webDir, "index.html"))
    ) {
      // The web app routes on the client: every other page is index.html.
      return reply.sendFile("index.html", webDir);
    }
    return reply
      .status(404)
      .send(errorBody("route_not_found", `No route ${req.method} ${req.url.split("?")[0]}.`));
  });

  await server.register(fastifyCookie);
  await server.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Carnet API",
        description:
          "Prepaid packages and courses: sell, book, redeem, and account for every credit. Every error is " +
          '`{ "error": { "code", "message", "field"? } }`. Mutating calls accept an `Idempotency-Key` header.',
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
  });
  await server.register(fastifySwaggerUi, { routePrefix: "/api/docs" });
  server.get("/api/openapi.json", { schema: { hide: true } }, async () => server.swagger());

  registerAuth(server, app);
  authRoutes(server, app, options);
  publicRoutes(server, app);
  adminRoutes(server, app);
  packageRoutes(server, app);
  reportRoutes(server, app);
  ticketRoutes(server, app);
  appointmentRoutes(server, app);
  classRoutes(server, app);

  if (options.webDir && existsSync(options.webDir)) {
    await server.register(fastifyStatic, { root: options.webDir, prefix: "/", wildcard: true });
  }
  return server;
}
