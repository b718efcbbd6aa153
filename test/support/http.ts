// An in-process HTTP client for API tests: the real Fastify server, bearer tokens per role.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { createApiToken } from "../../src/app/sign-in.js";
import type { Role } from "../../src/db/schema.js";
import { buildServer } from "../../src/http/server.js";
import { type ContractWatch, watchContract } from "./contract.js";
import type { Scenario } from "./scenario.js";

export interface Api {
  server: FastifyInstance;
  /** every answer is checked against its route's declared schema (contract.ts) */
  contract: ContractWatch;
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
  const contract = watchContract(server);
  const tokens = {} as Record<Role, string>;
  for (const role of ["owner", "manager", "front_desk", "practitioner"] as const) {
    tokens[role] = (await createApiToken(s.app, s.staff[role], `${role} token`)).token;
  }
  return {
    server,
    contract,
    tokens,
    async call(role, method, url, body, headers = {}) {
      const response = await server.inject({
        method,
        url,
        headers: { ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}), ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      contract.assertClean();
      return response;
    },
    // What a test sent through server.inject itself is reported here.
    close: async () => {
      await server.close();
      contract.assertClean();
    },
  };
}
