// The API's contract, checked on every answer a test sees: each JSON body must fit the schema its
// route declares for that status and content type, and nothing the handler returned may have been
// dropped on the way (a field the schema lacks would silently vanish from the answer). A mismatch
// is recorded and thrown at the test that made the request (see http.ts), so every integration test
// that goes through the shared API client is also a contract test.
import { isDeepStrictEqual } from "node:util";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { problem, refusal } from "../../src/http/schemas.js";

/**
 * Refusals of the framework, which any route may give before its handler runs (a body too large or
 * not JSON, an overlong URL): docs/api.md lists them once rather than every route. They must still
 * be in the error shape.
 */
const FRAMEWORK_STATUSES = new Set([405, 406, 408, 411, 413, 414, 415, 416, 431]);

type Declared = z.ZodType | { content: Record<string, { schema: z.ZodType }> };

/** The schema a route declares for this status and content type; null: none fits. */
export function declaredSchema(
  response: Record<string, Declared> | undefined,
  status: number,
  mediaType: string,
): { schema: z.ZodType | null; declared: boolean } {
  if (!response) return { schema: null, declared: false };
  const entry = response[String(status)] ?? response[`${String(status)[0]}xx`] ?? response.default;
  if (!entry) return { schema: null, declared: false };
  if (entry instanceof z.ZodType) return { schema: entry, declared: true };
  const content = entry.content[mediaType] ?? entry.content["*/*"];
  return { schema: content?.schema ?? null, declared: content !== undefined };
}

export interface ContractWatch {
  /** mismatches not yet reported */
  violations: string[];
  /** how many JSON answers were checked against a schema */
  checked(): number;
  /** throws the mismatches seen since the last call, and forgets them */
  assertClean(): void;
}

function routeName(request: FastifyRequest) {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

/** Installs the checks on a server that is built but not yet ready. */
export function watchContract(server: FastifyInstance): ContractWatch {
  const violations: string[] = [];
  let checked = 0;
  const beforeSerialization = new WeakMap<FastifyRequest, string>();

  server.addHook("preSerialization", async (request, _reply, payload) => {
    beforeSerialization.set(request, JSON.stringify(payload));
    return payload;
  });

  server.addHook("onError", async (request, _reply, error) => {
    // The zod serializer refused what the handler returned: the declared shape is wrong.
    if (error.code === "FST_ERR_RESPONSE_SERIALIZATION" || error.name === "ResponseSerializationError") {
      const cause = (error as { cause?: unknown }).cause;
      violations.push(`${routeName(request)}: the answer does not fit its schema: ${String(cause ?? error)}`);
    }
  });

  server.addHook("onSend", async (request, reply, payload) => {
    const schema = request.routeOptions.schema as
      | { hide?: boolean; response?: Record<string, Declared> }
      | undefined;
    if (!schema?.response || schema.hide) return payload;
    const name = `${routeName(request)} → ${reply.statusCode}`;
    const contentType = String(reply.getHeader("content-type") ?? "");
    const mediaType = contentType.split(";")[0]!.trim().toLowerCase();
    let { schema: zodSchema, declared } = declaredSchema(schema.response, reply.statusCode, mediaType);
    if (!declared && FRAMEWORK_STATUSES.has(reply.statusCode)) {
      zodSchema = mediaType === "application/problem+json" ? problem : refusal;
      declared = true;
    }
    if (!declared) {
      // 5xx are the server's own failures (an outage, a bug): no route promises them.
      if (reply.statusCode < 500)
        violations.push(`${name}: status or content type ${mediaType} not declared`);
      return payload;
    }
    if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return payload; // a stream
    if (!mediaType.includes("json") || !zodSchema) return payload;
    const text = payload.toString();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      violations.push(`${name}: the body is not JSON though ${mediaType} says so`);
      return payload;
    }
    checked++;
    const parsed = zodSchema.safeParse(body);
    if (!parsed.success) {
      violations.push(`${name}: the body does not fit its schema: ${z.prettifyError(parsed.error)}`);
    } else if (!isDeepStrictEqual(parsed.data, body)) {
      violations.push(`${name}: the body holds fields its schema does not declare: ${text.slice(0, 400)}`);
    }
    const before = beforeSerialization.get(request);
    if (before !== undefined && !isDeepStrictEqual(JSON.parse(before), body)) {
      violations.push(
        `${name}: serializing through the schema changed the answer (a field the schema lacks?): ${before.slice(0, 400)}`,
      );
    }
    return payload;
  });

  return {
    violations,
    checked: () => checked,
    assertClean() {
      if (violations.length === 0) return;
      const found = violations.splice(0);
      throw new Error(`The API broke its contract:\n${found.join("\n")}`);
    },
  };
}
