// S2, S3 under abuse: fast-check generates requests against every endpoint of the OpenAPI document
// (wrong types, huge and unicode strings, negative and huge numbers, unknown ids, another
// business's ids, missing or forged auth). Whatever comes: never a 5xx, never a change of state on
// a 4xx, and never a byte of business B's data in an answer to business A's staff (B's records
// carry a marker string that no answer may contain). The seed is printed; FC_SEED replays it.
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookAppointment } from "../../src/app/appointments.js";
import { createSession, enrol } from "../../src/app/classes.js";
import { addTicketLine, openTicket } from "../../src/app/edit-ticket.js";
import { createCustomer } from "../../src/app/manage-customers.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { createApiToken } from "../../src/app/sign-in.js";
import type { Role } from "../../src/db/schema.js";
import { buildServer } from "../../src/http/server.js";
import { addBusiness, CHANGEABLE_TABLES, type Scenario, scenario } from "../support/scenario.js";

const MARK_B = `zq-mark-b-${Math.random().toString(36).slice(2, 10)}`;
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2_147_483_647;
const RUNS_PER_ROUTE = Number(process.env.CARNET_ABUSE_RUNS ?? 8);

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  query: Record<string, Schema>;
  body: Schema | null;
}
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  const?: unknown;
}

let a: Scenario;
let server: FastifyInstance;
let tokens: Record<Role, string>;
let idsA: string[] = [];
let idsB: string[] = [];
/** ids by the name of the field or parameter that takes them: A's first, then B's */
const pools = new Map<string, string[]>();
let operations: Operation[] = [];

async function fingerprint(): Promise<string> {
  const parts: string[] = [];
  for (const table of CHANGEABLE_TABLES) {
    const { rows } = await sql<{ h: string | null }>`
      SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM ${sql.table(table)} t`.execute(
      a.database.db,
    );
    parts.push(`${table}:${rows[0]?.h}`);
  }
  return parts.join("\n");
}

const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
  fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53, -(2 ** 53), 1e21, 1e308, -1e308, 0.5, -0.0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "💅🏽‍♀️".repeat(200), "x".repeat(10_000), "'; DROP TABLE movements; --"),
  fc.constantFrom("2026-02-30", "2026-06-02T08:00:00Z", "9999-12-31T23:59:59Z", "-001-01-01", "NaN"),
  fc.uuid(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);

function idValue(name?: string): fc.Arbitrary<unknown> {
  const typed = name ? pools.get(name) : undefined;
  if (typed) {
    const [own, other] = typed as [string, string];
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant(own) },
      { weight: 3, arbitrary: fc.constant(other) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: nasty },
    );
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...idsA) },
    { weight: 3, arbitrary: fc.constantFrom(...idsB) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: nasty },
  );
}

/** Values that fit the schema most of the time (so requests reach the use cases), nasty ones otherwise. */
function valueFor(schema: Schema | undefined, depth = 0, name?: string): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return nasty;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((v) => valueFor(v, depth + 1, name)));
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), nasty);
  if (schema.enum) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...schema.enum) }, nasty);
  const type = [schema.type].flat()[0];
  let fitting: fc.Arbitrary<unknown>;
  if (schema.format === "uuid") fitting = idValue(name);
  else if (schema.format === "date-time")
    fitting = fc.constantFrom("2026-06-02T08:00:00Z", "2026-06-01T00:00:00Z", "2026-12-31T23:00:00+01:00");
  else if (type === "integer" || type === "number")
    fitting = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -5, max: 20_000 }));
  else if (type === "boolean") fitting = fc.boolean();
  else if (type === "string")
    fitting = fc.oneof(
      fc.constantFrom("Manicure", "2026-07-01", "HUF", "a reason"),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
    );
  else if (type === "array") fitting = fc.array(valueFor(schema.items, depth + 1), { maxLength: 3 });
  else if (type === "object" && schema.properties) fitting = objectFor(schema, depth + 1);
  else fitting = nasty;
  return fc.oneof({ weight: 8, arbitrary: fitting }, { weight: 1, arbitrary: nasty });
}

function objectFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) record[k] = valueFor(v, depth, k);
  return fc.oneof(
    { weight: 5, arbitrary: fc.record(record, { requiredKeys: [] }) },
    { weight: 1, arbitrary: fc.record({ ...record, unexpected: nasty }, { requiredKeys: [] }) },
    { weight: 1, arbitrary: nasty },
  );
}

const pathValue = (name: string) =>
  fc.oneof(
    { weight: 6, arbitrary: idValue(name) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("..%2F..%2Fetc", "%00", "💅", "a".repeat(3000), "0", "-1", "null"),
    },
  );

type Auth = Role | "none" | "forged-bearer" | "junk-cookie" | "malformed-header";
const auth = fc.constantFrom<Auth>(
  "owner",
  "manager",
  "front_desk",
  "practitioner",
  "owner",
  "owner",
  "manager",
  "front_desk",
  "none",
  "forged-bearer",
  "junk-cookie",
  "malformed-header",
);

function headersFor(who: Auth): Record<string, string> {
  switch (who) {
    case "none":
      return {};
    case "forged-bearer":
      return { authorization: `Bearer carnet_${"A".repeat(40)}` };
    case "junk-cookie":
      return { cookie: `carnet_session=${"z".repeat(43)}`, "x-csrf-token": "z" };
    case "malformed-header":
      return { authorization: "Basic b3duZXI6cGFzcw==" };
    default:
      return { authorization: `Bearer ${tokens[who]}` };
  }
}

function encode(value: unknown): string {
  return encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value));
}

beforeAll(async () => {
  a = await scenario();
  const b = await addBusiness(a.database, a.clock, `Marker ${MARK_B}`);
  server = await buildServer(a.app, { logger: false, secureCookies: false, demoLogins: null });
  tokens = {} as Record<Role, string>;
  for (const role of ["owner", "manager", "front_desk", "practitioner"] as const)
    tokens[role] = (await createApiToken(a.app, a.staff[role], "abuse")).token;

  // Both businesses hold one of everything; B's carry the marker in every text they have.
  const world = async (x: typeof b, mark: string) => {
    const owner = x.as("owner");
    const desk = x.as("front_desk");
    const customer = (await createCustomer(owner, { name: `Customer ${mark}`, email: "c@example.test" })).id;
    const template = await x.template({
      name: `Template ${mark}`,
      items: [
        { itemId: x.items.manicure, quantity: 20 },
        { itemId: x.items.yoga, quantity: 5 },
      ],
    });
    const sold = await x.sold(template, { customerId: customer });
    const movement = await redeemLine(desk, { lineId: sold.lineId, quantity: 1, reason: `reason ${mark}` });
    const appointment = await bookAppointment(desk, {
      customerId: customer,
      staffId: x.staff.practitioner.staffId,
      startAt: "2026-06-03T08:00:00Z",
      services: [{ itemId: x.items.manicure, usePackage: true }],
      allowOverlap: true,
      notes: `notes ${mark}`,
    });
    const ticket = await openTicket(desk, { customerId: customer });
    const withLine = await addTicketLine(desk, ticket.id, { itemId: x.items.manicure });
    const session = await createSession(owner, {
      itemId: x.items.yoga,
      instructorId: x.staff.practitioner.staffId,
      startAt: "2026-06-05T16:00:00Z",
      capacity: 10,
    });
    const enrolled = await enrol(desk, session.id, { customerId: customer });
    const named: Record<string, string> = {
      customerId: customer,
      templateId: template,
      packageId: sold.packageId,
      lineId: sold.lineId,
      packageLineId: sold.lineId,
      movementId: movement.id,
      locationId: x.budapest,
      homeLocationId: x.budapest,
      itemId: x.items.manicure,
      staffId: x.staff.practitioner.staffId,
      instructorId: x.staff.practitioner.staffId,
      appointmentId: appointment.id,
      serviceId: appointment.services[0]!.id,
      ticketId: ticket.id,
      sessionId: session.id,
      enrolmentId: enrolled.roster[0]!.id,
      ticketLineId: withLine.lines[0]!.id,
    };
    return { named, all: [...Object.values(named), ...Object.values(x.items), x.newYork] };
  };
  const worldA = await world(a as unknown as typeof b, "of A");
  const worldB = await world(b, MARK_B);
  idsA = worldA.all;
  idsB = worldB.all;
  for (const [name, id] of Object.entries(worldA.named)) pools.set(name, [id, worldB.named[name]!]);
  await a.database.db
    .updateTable("items")
    .set({ name: sql`name || ${` ${MARK_B}`}` })
    .where("business_id", "=", b.businessId)
    .execute();

  const doc = (await server.inject({ method: "GET", url: "/api/openapi.json" })).json();
  for (const [path, methods] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as Array<{ in: string; name: string; schema: Schema }>;
      const body = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content?.["application/json"]?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === "path").map((p) => p.name),
        query: Object.fromEntries(parameters.filter((p) => p.in === "query").map((p) => [p.name, p.schema])),
        body: body ?? null,
      });
    }
  }
  // Public pages keyed by B's slug or balance token would rightly show B's data: they are left to
  // the pool of ids only, never given B's secrets.
  operations = operations.filter((o) => o.path.startsWith("/api/v1/"));
}, 60_000);

afterAll(async () => {
  await server?.close();
  await a?.close();
});

describe(`abuse (S2, S3), FC_SEED=${SEED}`, () => {
  it("covers every documented endpoint", () => {
    expect(operations.length).toBeGreaterThan(60);
  });

  it("never a 5xx, never a change of state on a 4xx, never business B's data", async () => {
    console.log(`abuse: FC_SEED=${SEED}, ${operations.length} endpoints × ${RUNS_PER_ROUTE} requests`);
    const failures: string[] = [];
    let before = await fingerprint();
    const statuses: Record<string, number> = {};
    for (const op of operations) {
      const request = fc.record({
        params: fc.tuple(
          ...op.pathParams.map((name) =>
            pathValue(name === "lineId" && op.path.includes("/tickets/") ? "ticketLineId" : name),
          ),
        ),
        query: fc.record(
          Object.fromEntries(Object.entries(op.query).map(([k, s]) => [k, valueFor(s, 0, k)])),
          {
            requiredKeys: [],
          },
        ),
        body: op.body ? objectFor(op.body) : fc.option(nasty, { nil: undefined }),
        who: auth,
        idempotencyKey: fc.option(fc.constantFrom("k1", "k2", "💅", "x".repeat(300)), { nil: undefined }),
      });
      const samples = fc.sample(request, { numRuns: RUNS_PER_ROUTE, seed: SEED + op.path.length });
      for (const r of samples) {
        let url = op.path;
        op.pathParams.forEach((name, i) => {
          url = url.replace(`{${name}}`, encode(r.params[i]));
        });
        const qs = Object.entries(r.query)
          .map(([k, v]) => `${k}=${encode(v)}`)
          .join("&");
        if (qs) url += `?${qs}`;
        const headers: Record<string, string> = headersFor(r.who);
        if (r.idempotencyKey !== undefined && op.method !== "GET")
          headers["idempotency-key"] = r.idempotencyKey;
        const res = await server.inject({
          method: op.method as "GET",
          url,
          headers,
          ...(r.body !== undefined && op.method !== "GET" ? { payload: JSON.stringify(r.body) } : {}),
          ...(r.body !== undefined && op.method !== "GET"
            ? { headers: { ...headers, "content-type": "application/json" } }
            : {}),
        });
        const label = `${op.method} ${url.slice(0, 200)} as ${r.who} ${JSON.stringify(r.body)?.slice(0, 200)}`;
        statuses[String(res.statusCode)] = (statuses[String(res.statusCode)] ?? 0) + 1;
        if (res.statusCode >= 500) failures.push(`${res.statusCode} ${label}: ${res.body.slice(0, 300)}`);
        if (res.body.includes(MARK_B)) failures.push(`B's data in the answer to ${label}`);
        if (res.statusCode >= 400) {
          if (!/^\{"error":\{"code":"[a-z0-9_]+"/.test(res.body))
            failures.push(`not the error shape: ${label}: ${res.body.slice(0, 200)}`);
          const after = await fingerprint();
          if (after !== before) failures.push(`state changed on ${res.statusCode}: ${label}`);
          before = after;
        } else {
          before = await fingerprint();
        }
      }
    }
    console.log(`abuse: statuses ${JSON.stringify(statuses)}`);
    expect(failures).toEqual([]);
    // The generator must reach the use cases, not only the validators.
    expect(statuses["200"] ?? 0).toBeGreaterThan(0);
    expect(statuses["404"] ?? 0).toBeGreaterThan(0);
  }, 180_000);
});
