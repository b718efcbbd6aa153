// S3 under attack, against the real server (Fastify's inject runs the whole server but the socket):
// instants and dates outside the range Carnet keeps, dates that do not exist, the framework's own
// refusals, names built to spoof a screen or a receipt, and the security headers of every page.
// Every refusal is a 4xx with a stable code naming the field and the rule, and writes nothing.
import { Writable } from "node:stream";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookAppointment } from "../../src/app/appointments.js";
import { buildServer } from "../../src/http/server.js";
import { type Api, startApi } from "../support/http.js";
import { rowCounts, type Scenario, type Sold, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
let pkg: Sold;
let appointmentId: string;
let ticketId: string;
let sessionId: string;
let templateId: string;
let slug: string;
let balanceToken: string;

beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  templateId = await s.template({
    items: [
      { itemId: s.items.manicure, quantity: 5 },
      { itemId: s.items.yoga, quantity: 5 },
    ],
  });
  pkg = await s.sold(templateId);
  appointmentId = (
    await bookAppointment(s.as("front_desk"), {
      customerId: pkg.customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-03T08:00:00Z",
      services: [{ itemId: s.items.manicure }],
      allowOverlap: true,
    })
  ).id;
  // No ticket is opened: the body is checked before the ticket is looked up, so none is needed.
  ticketId = "00000000-0000-4000-8000-000000000000";
  const session = await api.call("owner", "POST", "/api/v1/class-sessions", {
    itemId: s.items.yoga,
    instructorId: s.staff.practitioner.staffId,
    startAt: "2026-06-05T16:00:00Z",
    capacity: 10,
  });
  sessionId = session.json().id;
  const row = await s.database.db
    .selectFrom("businesses")
    .select("slug")
    .where("id", "=", s.businessId)
    .executeTakeFirstOrThrow();
  slug = row.slug;
  // A token of the right form is enough: the body is checked before the token is looked up.
  balanceToken = "T".repeat(43);
}, 60_000);
afterAll(async () => {
  await api?.close();
  await s?.close();
});

type Method = "GET" | "POST" | "PATCH";
/** One field of one route, with a request that is valid but for the value under test. */
interface Probe {
  method: Method;
  url: () => string;
  role?: "owner" | "front_desk" | null;
  query?: () => Record<string, string>;
  body?: () => Record<string, unknown>;
  /** where the value goes: a query parameter, or a path into the body */
  at: { query: string } | { body: string[] };
  /** the field the answer must name */
  field: string;
}

const WEEK = { from: "2026-06-01T00:00:00Z", to: "2026-06-08T00:00:00Z" };

function withValue(probe: Probe, value: unknown) {
  const query = { ...(probe.query?.() ?? {}) };
  const body = structuredClone(probe.body?.() ?? undefined);
  if ("query" in probe.at) query[probe.at.query] = String(value);
  else {
    let target = body as Record<string, unknown>;
    const path = probe.at.body;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[path[path.length - 1]!] = value;
  }
  const qs = new URLSearchParams(query).toString();
  return { url: `${probe.url()}${qs ? `?${qs}` : ""}`, body };
}

function send(probe: Probe, value: unknown): Promise<LightMyRequestResponse> {
  const { url, body } = withValue(probe, value);
  return api.call(probe.role === undefined ? "owner" : probe.role, probe.method, url, body);
}

const period = (url: string): Probe[] =>
  (["from", "to"] as const).map((name) => ({
    method: "GET",
    url: () => url,
    query: () => ({ ...WEEK }),
    at: { query: name },
    field: `querystring.${name}`,
  }));

const appointmentBody = () => ({
  customerId: pkg.customerId,
  staffId: s.staff.practitioner.staffId,
  startAt: "2026-06-10T08:00:00Z",
  endAt: "2026-06-10T09:00:00Z",
  services: [{ itemId: s.items.manicure }],
  allowOverlap: true,
});
const sessionBody = () => ({
  itemId: s.items.yoga,
  instructorId: s.staff.practitioner.staffId,
  startAt: "2026-06-12T16:00:00Z",
  endAt: "2026-06-12T17:00:00Z",
  capacity: 5,
});
const templateBody = () => ({
  kind: "course",
  name: "Fixed-date course",
  prices: { HUF: 100_000 },
  validity: { kind: "fixed_date", date: "2026-12-31" },
  items: [{ itemId: s.items.manicure, quantity: 5 }],
});
const onlineBody = () => ({
  locationId: s.budapest,
  staffId: s.staff.practitioner.staffId,
  itemId: s.items.manicure,
  startAt: "2026-06-10T08:00:00Z",
  name: "Online Olga",
  email: "olga@example.test",
});

/** Every instant a request can carry. The OpenAPI document is checked against this list below. */
const INSTANT_PROBES: Probe[] = [
  ...period("/api/v1/appointments"),
  ...period("/api/v1/class-sessions"),
  ...period("/api/v1/activity"),
  ...period("/api/v1/reports/redemptions"),
  ...period("/api/v1/reports/revenue"),
  ...period("/api/v1/reports/commissions"),
  ...(["startAt", "endAt"] as const).flatMap((name): Probe[] => [
    {
      method: "POST",
      url: () => "/api/v1/appointments",
      body: appointmentBody,
      at: { body: [name] },
      field: name,
    },
    {
      method: "PATCH",
      url: () => `/api/v1/appointments/${appointmentId}`,
      body: () => ({ startAt: "2026-06-03T09:00:00Z", endAt: "2026-06-03T10:00:00Z", allowOverlap: true }),
      at: { body: [name] },
      field: name,
    },
    {
      method: "POST",
      url: () => "/api/v1/class-sessions",
      body: sessionBody,
      at: { body: [name] },
      field: name,
    },
  ]),
  {
    method: "POST",
    url: () => `/api/v1/public/businesses/${slug}/bookings`,
    role: null,
    body: onlineBody,
    at: { body: ["startAt"] },
    field: "startAt",
  },
  {
    method: "POST",
    url: () => `/api/v1/public/balance/${balanceToken}/bookings`,
    role: null,
    body: () => ({
      packageLineId: pkg.lineId,
      locationId: s.budapest,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-10T08:00:00Z",
    }),
    at: { body: ["startAt"] },
    field: "startAt",
  },
];

/** Every calendar date a request can carry. */
const DATE_PROBES: Probe[] = [
  {
    method: "POST",
    url: () => "/api/v1/templates",
    body: templateBody,
    at: { body: ["validity", "date"] },
    field: "validity.date",
  },
  {
    method: "PATCH",
    url: () => `/api/v1/templates/${templateId}`,
    body: () => ({ validity: { kind: "fixed_date", date: "2026-12-31" } }),
    at: { body: ["validity", "date"] },
    field: "validity.date",
  },
  {
    method: "POST",
    url: () => `/api/v1/packages/${pkg.packageId}/extend`,
    body: () => ({ expiresOn: "2027-12-31" }),
    at: { body: ["expiresOn"] },
    field: "expiresOn",
  },
  {
    method: "POST",
    url: () => `/api/v1/packages/${pkg.packageId}/transfer`,
    body: () => ({ toCustomerId: pkg.customerId, reason: "moved", expiresOn: "2027-12-31" }),
    at: { body: ["expiresOn"] },
    field: "expiresOn",
  },
  ...(["startsOn", "endsOn"] as const).map(
    (field): Probe => ({
      method: "POST",
      url: () => `/api/v1/packages/${pkg.packageId}/pauses`,
      body: () => ({ startsOn: "2026-07-01", endsOn: "2026-07-10", reason: "holiday" }),
      at: { body: [field] },
      field,
    }),
  ),
  {
    method: "POST",
    // the body is refused before the pause is looked for
    url: () => `/api/v1/packages/${pkg.packageId}/pauses/${pkg.packageId}/end`,
    body: () => ({ resumeOn: "2026-07-05" }),
    at: { body: ["resumeOn"] },
    field: "resumeOn",
  },
  {
    method: "POST",
    url: () => `/api/v1/tickets/${ticketId}/lines`,
    role: "front_desk",
    body: () => ({ itemId: s.items.manicure, serviceDate: "2026-06-02" }),
    at: { body: ["serviceDate"] },
    field: "serviceDate",
  },
  {
    method: "POST",
    url: () => "/api/v1/tickets",
    role: "front_desk",
    body: () => ({
      locationId: s.budapest,
      line: { itemId: s.items.manicure, serviceDate: "2026-06-02" },
    }),
    at: { body: ["line", "serviceDate"] },
    field: "line.serviceDate",
  },
  {
    method: "GET",
    url: () => `/api/v1/public/businesses/${slug}/slots`,
    role: null,
    query: () => ({
      locationId: s.budapest,
      staffId: s.staff.practitioner.staffId,
      itemId: s.items.manicure,
      date: "2026-06-10",
    }),
    at: { query: "date" },
    field: "querystring.date",
  },
];

const label = (p: Probe) => `${p.method} ${p.url()} ${p.field}`;

async function expectRefused(
  probe: Probe,
  value: unknown,
  rule: RegExp,
  expected: { status?: number; code?: string; field?: string } = {},
) {
  const before = await rowCounts(s.database);
  const res = await send(probe, value);
  const context = `${label(probe)} = ${JSON.stringify(value)}: ${res.body}`;
  expect(res.statusCode, context).toBe(expected.status ?? 400);
  const { error } = res.json();
  expect(error.code, context).toBe(expected.code ?? "invalid_input");
  expect(error.field, context).toBe(expected.field ?? probe.field);
  expect(error.message, context).toMatch(rule);
  expect(await rowCounts(s.database), context).toEqual(before);
}

describe("instants and dates are kept to the years 1970–2199 (S3)", () => {
  it("the OpenAPI document has no instant or date that these tests do not try", async () => {
    const doc = (await api.server.inject({ method: "GET", url: "/api/openapi.json" })).json();
    const documented: string[] = [];
    const walk = (schema: Record<string, unknown> | undefined, path: string[], route: string) => {
      if (!schema) return;
      if (schema.format === "date-time" || schema.format === "date")
        documented.push(`${route} ${path.join(".")}`);
      for (const [k, v] of Object.entries(
        (schema.properties ?? {}) as Record<string, Record<string, unknown>>,
      ))
        walk(v, [...path, k], route);
      for (const v of [...((schema.anyOf ?? []) as []), ...((schema.oneOf ?? []) as [])])
        walk(v, path, route);
    };
    for (const [path, methods] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const route = `${method.toUpperCase()} ${path}`;
        for (const p of (op.parameters ?? []) as Array<{
          in: string;
          name: string;
          schema: Record<string, unknown>;
        }>)
          walk(p.schema, [p.in === "query" ? `querystring.${p.name}` : p.name], route);
        const body = (op.requestBody as { content?: Record<string, { schema: Record<string, unknown> }> })
          ?.content?.["application/json"]?.schema;
        walk(body, [], route);
      }
    }
    const templated = (url: string) =>
      url
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{}")
        .replace(slug, "{}")
        .replace(balanceToken, "{}");
    const tried = new Set(
      [...INSTANT_PROBES, ...DATE_PROBES].map((p) => `${p.method} ${templated(p.url())} ${p.field}`),
    );
    expect(documented.map((d) => d.replace(/\{[^}]+\}/g, "{}")).filter((d) => !tried.has(d))).toEqual([]);
    // Dates are documented as dates, not as bare strings that match a pattern.
    expect(
      documented.filter((d) => / (validity\.date|expiresOn|(line\.)?serviceDate|querystring\.date)$/.test(d)),
    ).toHaveLength(7);
  });

  it("a year-9999 instant on every route that takes one answers 400 naming the field, and writes nothing", async () => {
    for (const probe of INSTANT_PROBES) await expectRefused(probe, "9999-12-31T23:59:59Z", /1970.*2199/);
  });

  it("instants just outside the range are refused; the edges themselves are taken", async () => {
    for (const probe of INSTANT_PROBES) {
      for (const outside of ["2200-01-01T00:00:00Z", "2199-12-31T23:30:00-01:00", "1969-12-31T23:59:59Z"])
        await expectRefused(probe, outside, /1970.*2199/);
      for (const edge of ["1970-01-01T00:00:00Z", "2199-12-31T23:59:59Z", "2199-12-31T23:59:59.999+00:00"]) {
        const res = await send(probe, edge);
        const context = `${label(probe)} = ${edge}: ${res.body}`;
        expect(res.statusCode, context).toBeLessThan(500);
        if (res.statusCode === 400)
          expect(res.json().error, context).not.toMatchObject({ code: "invalid_input", field: probe.field });
      }
    }
  });

  it("a date outside the range or not in the calendar (2026-02-30) answers 400 naming the field", async () => {
    for (const probe of DATE_PROBES) {
      for (const outside of ["9999-12-31", "2200-01-01", "1969-12-31"])
        await expectRefused(probe, outside, /1970-01-01.*2199-12-31/);
      for (const impossible of ["2026-02-30", "2025-02-29", "2026-04-31", "2026-13-01", "2026-00-10"])
        await expectRefused(probe, impossible, /calendar/);
    }
  });

  it("the edges reach both databases intact: an appointment at 2199-12-31T23:00Z, a class at the epoch", async () => {
    const late = await api.call("front_desk", "POST", "/api/v1/appointments", {
      ...appointmentBody(),
      startAt: "2199-12-31T23:00:00Z",
      endAt: "2199-12-31T23:59:59Z",
    });
    expect(late.statusCode, late.body).toBe(201);
    expect(late.json().startAt).toBe("2199-12-31T23:00:00.000Z");
    const early = await api.call("owner", "POST", "/api/v1/class-sessions", {
      ...sessionBody(),
      startAt: "1970-01-01T00:00:00Z",
      endAt: "1970-01-01T01:00:00Z",
    });
    expect(early.statusCode, early.body).toBe(201);
    expect(early.json().startAt).toBe("1970-01-01T00:00:00.000Z");
  });
});

/** A server whose log lines are kept, to read what an attack leaves in the log. */
async function serverWithLog(): Promise<{ server: FastifyInstance; log: string[] }> {
  const log: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log.push(String(chunk));
      done();
    },
  });
  const server = await buildServer(s.app, {
    logger: { level: "info", stream },
    secureCookies: false,
    demoLogins: null,
  });
  return { server, log };
}

describe("database errors are answered without a 500 and logged without the query's values (S3)", () => {
  it("the year-9999 appointment that answered 500 on the embedded database is a 400 and leaves no value in the log", async () => {
    const { server, log } = await serverWithLog();
    try {
      const res = await server.inject({
        method: "POST",
        url: "/api/v1/appointments",
        headers: { authorization: `Bearer ${api.tokens.front_desk}` },
        payload: { ...appointmentBody(), startAt: "9999-12-31T23:59:59Z", endAt: undefined },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe("startAt");
      const text = log.join("");
      expect(text).not.toMatch(/9999|010000/);
      expect(text).not.toContain(s.staff.practitioner.staffId);
    } finally {
      await server.close();
    }
  });

  it("an instant the database cannot hold is a 400, not a 500, under the schemas as a net", async () => {
    const { server, log } = await serverWithLog();
    server.get("/test/far-instant", async () => {
      // The latest instant JavaScript holds: PGlite's driver writes it "+275760-09-13T…", a form
      // PGlite refuses (22009, as it did for the year-9999 appointment); the server takes it.
      await sql`SELECT ${new Date(8.64e15)}::timestamptz`.execute(s.database.db);
      // Past PostgreSQL's own range: both refuse it (22008).
      await sql`SELECT ${"294277-01-01T00:00:00Z"}::timestamptz`.execute(s.database.db);
      return {};
    });
    try {
      const res = await server.inject({ method: "GET", url: "/test/far-instant" });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe("invalid_input");
      expect(log.join("")).not.toMatch(/275760|294277/);
    } finally {
      await server.close();
    }
  });

  it("an unexpected database error answers 500 and logs its code and route, never the statement's values", async () => {
    const { server, log } = await serverWithLog();
    const secret = `secret-${Math.random().toString(36).slice(2)}`;
    server.get("/test/failing-query", async () => {
      // Names a relation that does not exist: both databases quote the value in the message.
      await sql`SELECT ${secret}::text::regclass`.execute(s.database.db);
      return {};
    });
    try {
      const res = await server.inject({ method: "GET", url: "/test/failing-query" });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        error: { code: "internal_error", message: "Something went wrong on our side." },
      });
      const text = log.join("");
      expect(text).toContain("42P01");
      expect(text).toContain("/test/failing-query");
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/"params"|"query"|"parameters"/);
    } finally {
      await server.close();
    }
  });
});

describe("every refusal of the framework carries a stable code (S3)", () => {
  const owner = () => ({ authorization: `Bearer ${api.tokens.owner}` });
  const json = () => ({ ...owner(), "content-type": "application/json" });
  const cases: Array<[string, () => InjectOptions, number, string]> = [
    [
      "a 1 MB body",
      () => ({
        method: "POST",
        url: "/api/v1/customers",
        headers: json(),
        payload: JSON.stringify({ name: "x".repeat(1024 * 1024) }),
      }),
      413,
      "payload_too_large",
    ],
    [
      "a body that is not JSON",
      () => ({ method: "POST", url: "/api/v1/customers", headers: json(), payload: "{name: x" }),
      400,
      "invalid_json",
    ],
    [
      "an empty JSON body",
      () => ({ method: "POST", url: "/api/v1/customers", headers: json(), payload: "" }),
      400,
      "invalid_json",
    ],
    [
      "a prototype-poisoning body",
      () => ({ method: "POST", url: "/api/v1/customers", headers: json(), payload: '{"__proto__":{"x":1}}' }),
      400,
      "invalid_json",
    ],
    [
      "an XML body",
      () => ({
        method: "POST",
        url: "/api/v1/customers",
        headers: { ...owner(), "content-type": "text/xml" },
        payload: "<name>x</name>",
      }),
      415,
      "unsupported_media_type",
    ],
    [
      "a malformed URL",
      () => ({ method: "GET", url: "/api/v1/customers/%E0%A4%A", headers: owner() }),
      400,
      "malformed_url",
    ],
    [
      "an overlong path parameter",
      () => ({ method: "GET", url: `/api/v1/customers/${"a".repeat(300)}`, headers: owner() }),
      414,
      "uri_too_long",
    ],
    [
      "an unknown route",
      () => ({ method: "GET", url: "/api/v1/nothing-here", headers: owner() }),
      404,
      "route_not_found",
    ],
  ];

  it.each(cases)("%s", async (_name, request, status, code) => {
    const before = await rowCounts(s.database);
    const res = await api.server.inject(request());
    expect(res.statusCode, res.body).toBe(status);
    const { error } = res.json();
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/FST_|content-type is set/);
    expect(JSON.stringify(error)).not.toMatch(/fst_|ctp_/i);
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("a template with validity date 2026-02-30 answers 400 naming validity.date", async () => {
    const res = await api.call("owner", "POST", "/api/v1/templates", {
      ...templateBody(),
      validity: { kind: "fixed_date", date: "2026-02-30" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: "invalid_input",
      field: "validity.date",
      message: expect.stringMatching(/^validity\.date: .*calendar/),
    });
  });
});

describe("names cannot spoof a screen or a receipt (S3)", () => {
  const customerBody = () => ({ name: "Anna Kovács" });
  const NAME_PROBES: Probe[] = [
    {
      method: "POST",
      url: () => "/api/v1/customers",
      body: customerBody,
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "PATCH",
      url: () => `/api/v1/customers/${pkg.customerId}`,
      body: customerBody,
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "POST",
      url: () => "/api/v1/staff/invitations",
      body: () => ({
        name: "Nóra",
        email: "nora.new@example.test",
        role: "front_desk",
        homeLocationId: s.budapest,
      }),
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "POST",
      url: () => "/api/v1/locations",
      body: () => ({ name: "Debrecen", timeZone: "Europe/Budapest", currency: "HUF" }),
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "POST",
      url: () => "/api/v1/items",
      body: () => ({ kind: "service", name: "Gel polish", prices: { HUF: 900_000 } }),
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "PATCH",
      url: () => `/api/v1/items/${s.items.pedicure}`,
      body: () => ({ name: "Pedicure deluxe" }),
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "POST",
      url: () => "/api/v1/templates",
      body: templateBody,
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "PATCH",
      url: () => `/api/v1/templates/${templateId}`,
      body: () => ({ name: "Renamed" }),
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "POST",
      url: () => "/api/v1/auth/tokens",
      body: () => ({ name: "till integration" }),
      at: { body: ["name"] },
      field: "name",
    },
    {
      method: "POST",
      url: () => `/api/v1/class-sessions/${sessionId}/enrolments`,
      role: "front_desk",
      body: () => ({ newCustomer: { name: "Walk-in Wanda" } }),
      at: { body: ["newCustomer", "name"] },
      field: "newCustomer.name",
    },
    {
      method: "POST",
      url: () => `/api/v1/public/businesses/${slug}/bookings`,
      role: null,
      body: onlineBody,
      at: { body: ["name"] },
      field: "name",
    },
  ];
  const TEXT_PROBES: Probe[] = [
    {
      method: "POST",
      url: () => `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/adjustments`,
      body: () => ({ direction: "add", quantity: 1, reason: "goodwill" }),
      at: { body: ["reason"] },
      field: "reason",
    },
    {
      method: "POST",
      url: () => `/api/v1/packages/${pkg.packageId}/extend`,
      body: () => ({ expiresOn: "2027-12-31", reason: "holiday" }),
      at: { body: ["reason"] },
      field: "reason",
    },
    {
      method: "POST",
      url: () => `/api/v1/appointments/${appointmentId}/cancel`,
      role: "front_desk",
      body: () => ({ reason: "ill" }),
      at: { body: ["reason"] },
      field: "reason",
    },
    {
      method: "POST",
      url: () => "/api/v1/appointments",
      body: appointmentBody,
      at: { body: ["notes"] },
      field: "notes",
    },
  ];

  const SPOOFS: Array<[string, string, RegExp]> = [
    ["a line break (CR LF)", "Anna\r\nPAID IN FULL", /control characters/],
    ["a line feed", "Anna\nKovács", /control characters/],
    ["a tab", "Anna\tKovács", /control characters/],
    ["NUL", "Anna\u0000", /control characters/],
    ["a C1 control (NEL)", "Anna\u0085Kovács", /control characters/],
    ["a line separator", "Anna\u2028Kovács", /control characters/],
    ["a right-to-left override", "Anna \u202Egpj.exe", /bidirectional/],
    ["a left-to-right embedding", "\u202AAnna\u202C", /bidirectional/],
    ["a first-strong isolate", "Anna \u2068x\u2069", /bidirectional/],
    ["a lone high surrogate", "Anna\uD83D", /Unicode/],
    ["a lone low surrogate", "\uDC85Anna", /Unicode/],
    ["a zero-width space", "An\u200Bna", /invisible/],
    ["a byte order mark", "An\uFEFFna", /invisible/],
  ];

  it("every name-bearing route refuses control, bidi-override and invisible characters and lone surrogates", async () => {
    for (const probe of NAME_PROBES)
      for (const [, value, rule] of SPOOFS) await expectRefused(probe, value, rule);
  });

  it("reasons and notes may span lines but refuse the rest", async () => {
    for (const probe of TEXT_PROBES)
      for (const [what, value, rule] of SPOOFS)
        if (!/line break|line feed/.test(what)) await expectRefused(probe, value, rule);
    const res = await api.call(
      "owner",
      "POST",
      `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/adjustments`,
      {
        direction: "add",
        quantity: 1,
        reason: "Goodwill:\r\nthe dryer broke",
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    const entry = await s.database.db
      .selectFrom("movements")
      .select("reason")
      .where("line_id", "=", pkg.lineId)
      .where("kind", "=", "add")
      .executeTakeFirstOrThrow();
    expect(entry.reason).toBe("Goodwill:\nthe dryer broke");
  });

  it("names in any script are taken as written, joiners and direction marks included", async () => {
    for (const name of [
      "Zoë Ó'Brien-Nagy",
      "محمد علي",
      "נועה כהן",
      "می\u200Cخواهم",
      "Nail bar 💅🏽‍♀️",
      "Café \u200FRTL mark\u200E",
      "Ōtautahi 𝒜",
    ]) {
      const res = await api.call("front_desk", "POST", "/api/v1/customers", { name });
      expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
      expect(res.json().name).toBe(name);
    }
  });
});

describe("security headers on the web app, the API docs and the API", () => {
  let withWeb: FastifyInstance;
  let behindTls: FastifyInstance;
  beforeAll(async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const webDir = mkdtempSync(join(tmpdir(), "carnet-web-"));
    writeFileSync(join(webDir, "index.html"), "<!doctype html><title>Carnet</title><div id=root></div>");
    mkdirSync(join(webDir, "assets"));
    writeFileSync(join(webDir, "assets", "app.js"), "console.log(1)");
    const options = { logger: false, secureCookies: false, demoLogins: null, webDir };
    withWeb = await buildServer(s.app, options);
    behindTls = await buildServer(s.app, { ...options, trustProxy: ["127.0.0.1"] });
  });
  afterAll(async () => {
    await withWeb?.close();
    await behindTls?.close();
  });

  const PAGES = [
    "/",
    "/customers/some-page",
    "/assets/app.js",
    "/api/docs",
    "/api/docs/static/index.html",
    "/api/v1/business",
    "/api/v1/health",
  ];

  it.each(PAGES)(
    "%s carries CSP with frame-ancestors 'none', nosniff, a referrer policy, and no HSTS over HTTP",
    async (url) => {
      const res = await withWeb.inject({
        method: "GET",
        url,
        headers: { authorization: `Bearer ${api.tokens.owner}` },
      });
      expect(res.statusCode, res.body.slice(0, 200)).toBeLessThan(400);
      const csp = String(res.headers["content-security-policy"]);
      for (const directive of [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ])
        expect(csp, url).toContain(directive);
      expect(csp).not.toContain("upgrade-insecure-requests");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["strict-transport-security"]).toBeUndefined();
    },
  );

  it("an error answer carries them too", async () => {
    const res = await withWeb.inject({ method: "GET", url: "/api/v1/customers" });
    expect(res.statusCode).toBe(401);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(res.headers["content-security-policy"])).toContain("frame-ancestors 'none'");
  });

  it("HSTS only when the request came over TLS, through a proxy the server trusts", async () => {
    const viaTls = await behindTls.inject({
      method: "GET",
      url: "/",
      headers: { "x-forwarded-proto": "https" },
    });
    expect(viaTls.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    const plain = await behindTls.inject({
      method: "GET",
      url: "/",
      headers: { "x-forwarded-proto": "http" },
    });
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
    // Without trust, anyone could claim TLS: the header is ignored.
    const spoofed = await withWeb.inject({
      method: "GET",
      url: "/",
      headers: { "x-forwarded-proto": "https" },
    });
    expect(spoofed.headers["strict-transport-security"]).toBeUndefined();
  });
});
