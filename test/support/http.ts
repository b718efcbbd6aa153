// An in-process HTTP client for API tests: the real Fastify server, bearer tokens per role.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { createApiToken } from "../../src/app/sign-in.js";
import type { Role } from "../../src/db/schema.js";
import { buildServer } from "../../src/http/server.js";
import type { Scenario } from "./scenario.js";

export interface Api {
  server: FastifyInstance;
  tokens: Record<Role, string>;
  call(
    role: Role | null,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startApi(s: Pick<Scenario, "app" | "staff">): Promise<Api> {
  const server = await buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null });
  const tokens = {} as Record<Role, string>;
  for (const role of ["owner", "manager", "front_desk", "practitioner"] as const) {
    tokens[role] = (await createApiToken(s.app, s.staff[role], `${role} token`)).token;
  }
  return {
    server,
    tokens,
    call(role, method, url, body, headers = {}) {
      return server.inject({
        method,
        url,
        headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    },
    close: () => server.close(),
  };
}
