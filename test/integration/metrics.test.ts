// X4: what an operator observes. /metrics behind its token (absent without one), in Prometheus's
// format, with request times by route pattern (never an id), ledger statements, the outboxes'
// backlog; liveness apart from readiness, and readiness refused while a migration is missing.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { buildServer } from "../../src/http/server.js";
import { collectProcessMetrics, watchOutboxes } from "../../src/metrics.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

const TOKEN = "metrics-token-for-the-test-0123456789";

let s: Scenario;
let api: Api;
beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
});
afterAll(async () => {
  await api?.close();
  await s?.close();
});

/** A server of the scenario's app with /metrics on, behind TOKEN. */
const serverWithMetrics = () =>
  buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null, metricsToken: TOKEN });

/** The value of one series in a Prometheus text answer, or undefined when absent. */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("metrics (X4)", () => {
  it("answer only the metrics token, and count requests by route pattern and ledger statements", async () => {
    collectProcessMetrics(); // as a started server does
    const server = await serverWithMetrics();
    try {
      expect((await server.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
      const wrong = await server.inject({
        method: "GET",
        url: "/metrics",
        headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.code).toBe("unauthorized");
      // a session or API token of the business does not open them either
      const staff = await server.inject({
        method: "GET",
        url: "/metrics",
        headers: { authorization: `Bearer ${api.tokens.owner}` },
      });
      expect(staff.statusCode).toBe(401);

      const read = async () => {
        const res = await server.inject({
          method: "GET",
          url: "/metrics",
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers["content-type"]).toContain("text/plain");
        return res.body;
      };
      const before = await read();
      const sold = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 5 }] }));
      const redeemed = await server.inject({
        method: "POST",
        url: `/api/v1/packages/${sold.packageId}/lines/${sold.lineId}/redeem`,
        headers: { authorization: `Bearer ${api.tokens.front_desk}` },
        payload: { quantity: 1 },
      });
      expect(redeemed.statusCode).toBe(200);
      const after = await read();
      const route = "/api/v1/packages/:packageId/lines/:lineId/redeem";
      const count = (text: string) =>
        series(text, "carnet_http_request_duration_seconds_count", { route, status: "200" }) ?? 0;
      expect(count(after) - count(before)).toBe(1);
      expect(after).not.toContain(sold.packageId);
      const statements = (text: string) =>
        (series(text, "carnet_ledger_statements_total", { shape: "one" }) ?? 0) +
        (series(text, "carnet_ledger_statements_total", { shape: "batch" }) ?? 0);
      expect(statements(after)).toBeGreaterThan(statements(before));
      expect(series(after, "carnet_process_cpu_seconds_total")).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it("do not exist without a token", async () => {
    const res = await api.call(null, "GET", "/metrics");
    expect(res.statusCode).toBe(404);
  });

  it("report the outboxes' backlog and the age of its oldest message", async () => {
    watchOutboxes(s.database, () => new Date(Date.parse("2026-06-01T10:00:00Z")));
    await sql`DELETE FROM outbox WHERE status = 'pending'`.execute(s.database.db);
    await sql`INSERT INTO outbox (business_id, dedupe_key, message_id, to_address, subject, body_text, created_at, next_attempt_at)
              VALUES (${s.businessId}, 'metrics-test', '<metrics-test@carnet.test>', 'a@example.com', 'Hi', 'Hello',
                      '2026-06-01T09:59:00Z', '2026-06-01T09:59:00Z')`.execute(s.database.db);
    const server = await serverWithMetrics();
    try {
      const res = await server.inject({
        method: "GET",
        url: "/metrics",
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(series(res.body, "carnet_outbox_pending", { outbox: "mail" })).toBe(1);
      expect(series(res.body, "carnet_outbox_oldest_pending_age_seconds", { outbox: "mail" })).toBe(60);
    } finally {
      await server.close();
    }
  });

  it("refuse a metrics token short enough to guess", () => {
    expect(() => loadConfig({ CARNET_METRICS_TOKEN: "short" })).toThrow(/CARNET_METRICS_TOKEN/);
    expect(loadConfig({ CARNET_METRICS_PORT: "9464" }).metrics).toMatchObject({
      port: 9464,
      host: "127.0.0.1",
    });
    expect(() => loadConfig({ CARNET_METRICS_PORT: "http" })).toThrow(/CARNET_METRICS_PORT/);
  });
});

describe("health (X4)", () => {
  it("tells liveness from readiness, and is not ready while a migration is missing", async () => {
    expect((await api.call(null, "GET", "/api/v1/health/live")).json()).toEqual({ ok: true });
    const ready = await api.call(null, "GET", "/api/v1/health/ready");
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ok: true, backend: s.database.backend });
    const last = await sql<{ name: string }>`SELECT max(name) AS name FROM carnet_migrations`.execute(
      s.database.db,
    );
    const name = last.rows[0]!.name;
    await sql`DELETE FROM carnet_migrations WHERE name = ${name}`.execute(s.database.db);
    try {
      const notReady = await api.call(null, "GET", "/api/v1/health/ready");
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json().error.code).toBe("migrations_pending");
      expect(notReady.json().error.message).toContain(name);
      expect((await api.call(null, "GET", "/api/v1/health/live")).statusCode).toBe(200);
    } finally {
      await sql`INSERT INTO carnet_migrations (name) VALUES (${name})`.execute(s.database.db);
    }
  });
});
