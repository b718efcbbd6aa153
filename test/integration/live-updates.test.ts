// U4: live updates. A browser's stream (GET /api/v1/live, Server-Sent Events) hears within 2 s of
// any write to its business, through whichever server process made it; another business's stream
// hears nothing; a stream ends when its session does. On PostgreSQL two servers on one database,
// each with its own pool, tell each other's browsers (LISTEN/NOTIFY); a burst of redemptions costs
// one notification, not one each.
import type { FastifyInstance, RouteOptions } from "fastify";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app/context.js";
import { createApiToken } from "../../src/app/sign-in.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import type { Role } from "../../src/db/schema.js";
import { isWriteRoute, WRITE_ROUTES } from "../../src/http/routes/live.js";
import { buildServer, type ServerOptions } from "../../src/http/server.js";
import { sweepEndedAppointments } from "../../src/jobs/appointment-sweep.js";
import { addBusiness, PASSWORD, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

const WITHIN_MS = 2_000;

interface Event {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

interface Stream {
  status: number;
  events: Event[];
  comments: number;
  closed: boolean;
  /** the first event after `from` (an index into events) that matches, or a failure after `ms` */
  next(match: (e: Event) => boolean, options?: { ms?: number; from?: number }): Promise<Event>;
  close(): void;
}

/** A client of the event stream as a browser's EventSource reads it. */
async function openStream(url: string, headers: Record<string, string>): Promise<Stream & { body: string }> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const stream = {
    status: res.status,
    body: "",
    events: [] as Event[],
    comments: 0,
    closed: false,
    async next(match: (e: Event) => boolean, { ms = WITHIN_MS, from = 0 } = {}) {
      const until = performance.now() + ms;
      for (;;) {
        const found = stream.events.slice(from).find(match);
        if (found) return found;
        if (performance.now() > until || stream.closed)
          throw new Error(`no such event within ${ms} ms; got ${JSON.stringify(stream.events)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => controller.abort(),
  };
  if (res.status !== 200 || !res.body) {
    stream.body = await res.text();
    stream.closed = true;
    return stream;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) stream.comments++;
            else if (line.startsWith("event: ")) event = line.slice(7);
            else if (line.startsWith("data: ")) data += line.slice(6);
          }
          if (data) stream.events.push({ event, data: JSON.parse(data), at: performance.now() });
        }
      }
    } catch {
      // aborted by the test
    }
    stream.closed = true;
  })();
  return stream;
}

interface Served {
  server: FastifyInstance;
  url: string;
}

async function serve(app: App, options: Partial<ServerOptions> = {}): Promise<Served> {
  const server = await buildServer(app, {
    logger: false,
    secureCookies: false,
    demoLogins: null,
    live: { heartbeatMs: 200, recheckMs: 60_000 },
    ...options,
  });
  const url = await server.listen({ port: 0, host: "127.0.0.1" });
  return { server, url };
}

let s: Scenario;
let a: Served;
const tokens = {} as Record<Role, string>;
let otherToken: string;
let pkg: Sold;
const streams: Stream[] = [];

const stream = async (served: Served, token: string | null, query = "") => {
  const opened = await openStream(
    `${served.url}/api/v1/live${query}`,
    token ? { authorization: `Bearer ${token}` } : {},
  );
  streams.push(opened);
  return opened;
};
const ready = async (st: Stream) => {
  expect(st.status).toBe(200);
  await st.next((e) => e.event === "ready");
  return st;
};
const changed = (resource: string) => (e: Event) => e.event === "change" && e.data.resource === resource;

const call = async (
  served: Served,
  token: string,
  method: "POST" | "PATCH",
  path: string,
  body: unknown = {},
) => {
  const res = await served.server.inject({
    method,
    url: path,
    headers: { authorization: `Bearer ${token}` },
    payload: body as object,
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return { body: res.json(), at: performance.now() };
};

let slot = 0;
const booking = () => ({
  customerId: pkg.customerId,
  staffId: s.staff.practitioner.staffId,
  startAt: `2026-06-${String(2 + (slot++ % 25)).padStart(2, "0")}T09:00:00Z`,
  services: [{ itemId: s.items.manicure, packageLineId: pkg.lineId }],
  allowOverlap: true,
});

beforeAll(async () => {
  s = await scenario();
  a = await serve(s.app);
  for (const role of ["owner", "manager", "front_desk", "practitioner"] as const)
    tokens[role] = (await createApiToken(s.app, s.staff[role], `${role} live`)).token;
  const other = await addBusiness(s.database, s.clock, "Other Salon");
  otherToken = (await createApiToken(other.app, other.staff.front_desk, "other live")).token;
  pkg = await s.sold(
    await s.template({ name: "500x Manicure", items: [{ itemId: s.items.manicure, quantity: 500 }] }),
  );
}, 180_000);

afterEach(() => {
  for (const st of streams.splice(0)) st.close();
});

afterAll(async () => {
  await a?.server.close();
  await s?.close();
});

describe("the stream (U4)", () => {
  it("a booking through the API reaches an open stream of the business within 2 s; another business's stream hears nothing", async () => {
    const desk = await ready(await stream(a, tokens.front_desk));
    const other = await ready(await stream(a, otherToken));
    const booked = await call(a, tokens.owner, "POST", "/api/v1/appointments", booking());
    const heard = await desk.next(changed("appointments"));
    expect(heard.at - booked.at).toBeLessThan(WITHIN_MS);
    // the package's booked credit shows too
    await desk.next(changed("packages"));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(other.events.map((e) => e.event)).toEqual(["ready"]);
  });

  it("names the ids a route names: a redemption names its package", async () => {
    const desk = await ready(await stream(a, tokens.practitioner));
    await call(a, tokens.front_desk, "POST", `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`);
    const heard = await desk.next(changed("packages"));
    expect(heard.data.ids).toEqual([pkg.packageId]);
    await desk.next(changed("activity"));
  });

  it("a burst of 20 redemptions arrives gathered: a few events, not 20", async () => {
    const desk = await ready(await stream(a, tokens.front_desk));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        call(a, tokens.front_desk, "POST", `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`),
      ),
    );
    await desk.next(changed("packages"));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const packageEvents = desk.events.filter(changed("packages")).length;
    expect(packageEvents).toBeGreaterThanOrEqual(1);
    expect(packageEvents).toBeLessThan(20);
  });

  it("a write that fails announces nothing", async () => {
    const desk = await ready(await stream(a, tokens.front_desk));
    const res = await a.server.inject({
      method: "POST",
      url: "/api/v1/customers",
      headers: { authorization: `Bearer ${tokens.front_desk}` },
      payload: { name: "" },
    });
    expect(res.statusCode).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(desk.events.filter(changed("customers"))).toEqual([]);
  });

  it("the sweep that uses booked credits when appointments end announces them (A5)", async () => {
    const desk = await ready(await stream(a, tokens.front_desk));
    const from = desk.events.length;
    await call(a, tokens.front_desk, "POST", "/api/v1/appointments", {
      ...booking(),
      startAt: s.clock.now.add({ hours: 1 }).toString(),
    });
    await desk.next(changed("appointments"), { from });
    const after = desk.events.length;
    s.clock.advance({ hours: 3 });
    expect(await sweepEndedAppointments(s.app, s.clock.now)).toBeGreaterThanOrEqual(1);
    await desk.next(changed("appointments"), { from: after });
    await desk.next(changed("packages"), { from: after });
  });

  it("a booking through a customer's own balance link (no one signed in) reaches the business's stream", async () => {
    const desk = await ready(await stream(a, tokens.front_desk));
    const template = await call(a, tokens.owner, "POST", "/api/v1/templates", {
      kind: "course",
      name: "Online pedicures",
      prices: { HUF: 5_400_000, USD: 20_000 },
      validity: { kind: "days", count: 60 },
      onlineBookable: true,
      items: [{ itemId: s.items.pedicure, quantity: 10 }],
    });
    const customerId = (
      await call(a, tokens.front_desk, "POST", "/api/v1/customers", { name: "Online Olga" })
    ).body.id;
    const sold = await call(a, tokens.front_desk, "POST", `/api/v1/customers/${customerId}/packages`, {
      templateId: template.body.id,
    });
    const link = await call(a, tokens.front_desk, "POST", `/api/v1/customers/${customerId}/balance-link`);
    const from = desk.events.length;
    const res = await a.server.inject({
      method: "POST",
      url: `/api/v1/public/balance/${link.body.token}/bookings`,
      payload: {
        packageLineId: sold.body.lines[0].id,
        locationId: s.budapest,
        staffId: s.staff.manager.staffId,
        startAt: "2026-06-10T08:00:00Z",
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    await desk.next(changed("appointments"), { from });
  });

  it("unauthenticated gets 401, a bad query 400 naming the field, never a 500", async () => {
    const none = await stream(a, null);
    expect(none.status).toBe(401);
    expect(JSON.parse((none as Stream & { body: string }).body).error.code).toBe("unauthenticated");
    const wrong = await stream(a, "not-a-real-token-at-all");
    expect(wrong.status).toBe(401);
    const bad = await a.server.inject({
      method: "GET",
      url: "/api/v1/live?seconds=soon",
      headers: { authorization: `Bearer ${tokens.front_desk}` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toMatch(/seconds/);
    const once = await a.server.inject({
      method: "GET",
      url: "/api/v1/live?seconds=0",
      headers: { authorization: `Bearer ${tokens.front_desk}` },
    });
    expect(once.statusCode).toBe(200);
    expect(once.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(once.headers["x-frame-options"]).toBe("DENY");
    expect(once.body).toContain("event: ready");
  });

  it("heartbeats keep the stream open past the server's idle timeout", async () => {
    const quick = await serve(s.app, {
      timeouts: { idleMs: 800, requestMs: 800, headersMs: 800, checkEveryMs: 100 },
      live: { heartbeatMs: 250, recheckMs: 60_000 },
    });
    try {
      const desk = await ready(await stream(quick, tokens.front_desk));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(desk.closed).toBe(false);
      expect(desk.comments).toBeGreaterThanOrEqual(4);
      await call(quick, tokens.front_desk, "POST", "/api/v1/customers", { name: "Still listening" });
      await desk.next(changed("customers"));
    } finally {
      for (const st of streams.splice(0)) st.close();
      await quick.server.close();
    }
  });

  it("ends with `end` when its session is signed out, and when its staff member is deactivated", async () => {
    const signIn = await a.server.inject({
      method: "POST",
      url: "/api/v1/auth/sign-in",
      payload: { email: s.staff.manager.email, password: PASSWORD },
    });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const cookie = String(signIn.headers["set-cookie"]).split(";")[0]!;
    const bySession = await openStream(`${a.url}/api/v1/live`, { cookie });
    streams.push(bySession);
    await ready(bySession);
    const out = await a.server.inject({
      method: "POST",
      url: "/api/v1/auth/sign-out",
      headers: { cookie, "x-csrf-token": signIn.json().csrfToken },
    });
    expect(out.statusCode).toBe(200);
    const ended = await bySession.next((e) => e.event === "end");
    expect(ended.data).toEqual({ reason: "session_ended" });
    await expect.poll(() => bySession.closed).toBe(true);

    const staffId = s.staff.practitioner.staffId;
    const practitioner = await ready(await stream(a, tokens.practitioner));
    const desk = await ready(await stream(a, tokens.front_desk));
    await call(a, tokens.owner, "POST", `/api/v1/staff/${staffId}/deactivate`);
    expect((await practitioner.next((e) => e.event === "end")).data).toEqual({ reason: "session_ended" });
    await desk.next(changed("staff"));
    expect(desk.closed).toBe(false);
    await call(a, tokens.owner, "POST", `/api/v1/staff/${staffId}/reactivate`);
  });

  it("is in the OpenAPI document as an event stream, with its parameter and its 401", async () => {
    const doc = (await a.server.inject({ method: "GET", url: "/api/openapi.json" })).json();
    const op = doc.paths["/api/v1/live"]?.get;
    expect(op?.summary).toMatch(/Server-Sent Events/);
    expect(Object.keys(op.responses[200].content)).toEqual(["text/event-stream"]);
    expect(op.responses[401]).toBeDefined();
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(["seconds"]);
  });

  it("every write route of the API says what it changes", async () => {
    const writes: string[] = [];
    const server = await buildServer(s.app, {
      logger: false,
      secureCookies: false,
      demoLogins: null,
      onRoute: (route: RouteOptions) => {
        for (const method of [route.method].flat())
          if (isWriteRoute(method, route.url)) writes.push(`${method} ${route.url}`);
      },
    });
    await server.ready();
    await server.close();
    expect(
      writes.filter((w) => !(w in WRITE_ROUTES)),
      "write routes missing from WRITE_ROUTES",
    ).toEqual([]);
    expect(
      Object.keys(WRITE_ROUTES).filter((w) => !writes.includes(w)),
      "rows for no route",
    ).toEqual([]);
  });
});

describe.runIf(testBackend() === "postgres")("two server processes on one PostgreSQL (U4)", () => {
  let second: Database;
  let b: Served;
  let listener: pg.Client;
  const notifications: string[] = [];

  beforeAll(async () => {
    const url = await databaseUrlOf(s.database);
    second = await openDatabase({ databaseUrl: url, poolSize: 3 });
    b = await serve({ database: second, clock: s.clock.fn });
    listener = new pg.Client({ connectionString: url });
    await listener.connect();
    listener.on("notification", (n) => notifications.push(n.payload ?? ""));
    await listener.query("LISTEN carnet_live");
  });

  afterAll(async () => {
    await listener?.end();
    await b?.server.close();
    await second?.close();
  });

  it("a booking through server A reaches a stream on server B within 2 s, and only its own business's", async () => {
    const onB = await ready(await stream(b, tokens.front_desk));
    const otherOnB = await ready(await stream(b, otherToken));
    const booked = await call(a, tokens.front_desk, "POST", "/api/v1/appointments", booking());
    const heard = await onB.next(changed("appointments"));
    expect(heard.at - booked.at).toBeLessThan(WITHIN_MS);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(otherOnB.events.map((e) => e.event)).toEqual(["ready"]);
  });

  it("a burst of 30 redemptions through both servers costs a few NOTIFYs, not 30", async () => {
    const onB = await ready(await stream(b, tokens.manager));
    await ready(await stream(b, tokens.front_desk));
    await ready(await stream(a, tokens.front_desk));
    await ready(await stream(a, tokens.owner));
    await new Promise((resolve) => setTimeout(resolve, 300));
    notifications.length = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(
          i % 2 ? a : b,
          tokens.front_desk,
          "POST",
          `/api/v1/packages/${pkg.packageId}/lines/${pkg.lineId}/redeem`,
        ),
      ),
    );
    await onB.next(changed("packages"));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const ofBusiness = notifications.filter((n) => n.includes(s.businessId));
    expect(ofBusiness.length).toBeGreaterThanOrEqual(1);
    expect(ofBusiness.length).toBeLessThanOrEqual(10);
    // each server process listens on one connection of its own, whatever its number of streams
    const ours = (await listener.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query ILIKE 'LISTEN carnet_live' AND pid <> ${ours}`.execute(
      s.database.db,
    );
    expect(rows[0]!.n).toBe(2);
  });

  it("a lost listening connection is made again, and the streams are told to refresh everything", async () => {
    const onB = await ready(await stream(b, tokens.front_desk));
    const onA = await ready(await stream(a, tokens.front_desk));
    const ours = (await listener.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    await listener.query("LISTEN carnet_live");
    const { rows } = await sql<{ n: number }>`
      SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND query ILIKE 'LISTEN carnet_live' AND pid <> ${ours}`.execute(
      s.database.db,
    );
    expect(rows[0]!.n).toBe(2);
    await onB.next((e) => e.event === "resync", { ms: 5_000 });
    await onA.next((e) => e.event === "resync", { ms: 5_000 });
    const from = onB.events.length;
    await call(a, tokens.front_desk, "POST", "/api/v1/customers", { name: "After the reconnect" });
    await onB.next(changed("customers"), { from });
  });
});
