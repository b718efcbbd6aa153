// Tests that the server's request and error logs never carry a secret (a balance link, a booking
// confirmation, a calendar feed): servers whose log lines are kept, and how to look for a leak.
import type { FastifyInstance } from "fastify";
import type { App } from "../../src/app/context.js";
import { buildServer } from "../../src/http/server.js";

/**
 * Runs `fn` with request logging on (CARNET_LOG_REQUESTS=1) and a `build` that starts servers whose
 * log lines go to `lines`; the servers are closed and the setting restored afterwards.
 */
export async function withCapturedLog<T>(
  fn: (lines: string[], build: (app: App) => Promise<FastifyInstance>) => Promise<T>,
) {
  const lines: string[] = [];
  const previous = process.env.CARNET_LOG_REQUESTS;
  process.env.CARNET_LOG_REQUESTS = "1";
  const servers: FastifyInstance[] = [];
  const build = async (app: App) => {
    const server = await buildServer(app, {
      logger: { level: "info", stream: { write: (line: string) => lines.push(line) } },
      secureCookies: false,
      demoLogins: null,
    });
    servers.push(server);
    return server;
  };
  try {
    return await fn(lines, build);
  } finally {
    if (previous === undefined) delete process.env.CARNET_LOG_REQUESTS;
    else process.env.CARNET_LOG_REQUESTS = previous;
    for (const server of servers) await server.close();
  }
}

/** `app` whose database throws "the database went away" when `method` of Kysely is called. */
export function databaseGoneAway(app: App, method: string): App {
  return {
    ...app,
    database: {
      ...app.database,
      db: new Proxy(app.database.db, {
        get: (target, key, receiver) =>
          key === method
            ? () => {
                throw new Error("the database went away");
              }
            : Reflect.get(target, key, receiver),
      }),
    },
  };
}

/** Any 12 characters in a row of the secret: a partly encoded token must not slip through either. */
export function leaksOf(secret: string, text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 12 <= secret.length; i++)
    if (text.includes(secret.slice(i, i + 12))) found.push(secret.slice(i, i + 12));
  return found;
}
