// W3: webhooks, end to end. A real HTTP receiver on 127.0.0.1 (loopback allowed for it, as an
// operator could) checks every signature with its own HMAC code, written here from the Standard
// Webhooks specification, not with the library that signs.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app/context.js";
import { createCustomer } from "../../src/app/manage-customers.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import {
  allowWebhookNetworks,
  PUBLIC_ONLY,
  type WebhookNetworkPolicy,
} from "../../src/app/webhooks/network.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { sweepEndedClasses } from "../../src/jobs/class-sweep.js";
import { sweepExpiredPackages } from "../../src/jobs/expiry-sweep.js";
import { deliverWebhooks, purgeOldWebhookEvents } from "../../src/jobs/webhook-delivery.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

const LOOPBACK: WebhookNetworkPolicy = { allowLoopback: true, allowPrivate: false };

interface Received {
  id: string;
  timestamp: string;
  signatures: string[];
  body: string;
  headers: IncomingHttpHeaders;
}

/** A receiver: answers with `status()` after `delayMs`, and keeps every request. */
class Receiver {
  received: Received[] = [];
  status: () => number = () => 200;
  delayMs = 0;
  inFlight = new Map<string, number>();
  overlapped: string[] = [];
  private server!: Server;
  url = "";

  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const id = String(req.headers["webhook-id"]);
        const now = (this.inFlight.get(id) ?? 0) + 1;
        this.inFlight.set(id, now);
        if (now > 1) this.overlapped.push(id);
        this.received.push({
          id,
          timestamp: String(req.headers["webhook-timestamp"]),
          signatures: String(req.headers["webhook-signature"] ?? "").split(" "),
          body: Buffer.concat(chunks).toString("utf8"),
          headers: req.headers,
        });
        setTimeout(() => {
          this.inFlight.set(id, (this.inFlight.get(id) ?? 1) - 1);
          res.statusCode = this.status();
          res.end("thanks");
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The Standard Webhooks signature, computed here: base64(HMAC-SHA256(key, "id.timestamp.body")). */
function expectedSignature(secret: string, r: Pick<Received, "id" | "timestamp" | "body">): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return createHmac("sha256", key).update(`${r.id}.${r.timestamp}.${r.body}`).digest("base64");
}

function signedWith(secret: string, r: Received): boolean {
  const want = Buffer.from(expectedSignature(secret, r));
  return r.signatures.some((s) => {
    const [version, sig] = s.split(",");
    const got = Buffer.from(sig ?? "");
    return version === "v1" && got.length === want.length && timingSafeEqual(got, want);
  });
}

let s: Scenario;
let api: Api;
let receiver: Receiver;

beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  receiver = new Receiver();
  await receiver.start();
  allowWebhookNetworks(LOOPBACK);
});
afterAll(async () => {
  allowWebhookNetworks(null);
  await receiver.close();
  await api.close();
  await s.close();
});
afterEach(async () => {
  receiver.status = () => 200;
  receiver.delayMs = 0;
  // Each test hears only its own endpoint, even after another test failed half way.
  await s.database.db
    .updateTable("webhook_endpoints")
    .set({ enabled: false })
    .where("business_id", "=", s.businessId)
    .execute();
});

async function call(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown) {
  const res = await api.call("owner", method, url, body);
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function register(events: string[], url = receiver.url): Promise<{ id: string; secret: string }> {
  const endpoint = await call("POST", "/api/v1/webhooks", { url, events, description: "test receiver" });
  expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  return endpoint;
}

/** Runs the worker until nothing is due now. */
async function deliverAll(app: App = s.app, policy: WebhookNetworkPolicy = LOOPBACK) {
  let total = { delivered: 0, failed: 0 };
  for (let i = 0; i < 20; i++) {
    const r = await deliverWebhooks(app, s.clock.now, { policy });
    total = { delivered: total.delivered + r.delivered, failed: total.failed + r.failed };
    if (r.delivered + r.failed === 0) break;
  }
  return total;
}

async function disable(endpointId: string) {
  await call("PATCH", `/api/v1/webhooks/${endpointId}`, { enabled: false });
}

const ALL_EVENTS = [
  "package.sold",
  "package.redeemed",
  "package.redemption_reversed",
  "package.adjusted",
  "package.extended",
  "package.expired",
  "package.refunded",
  "appointment.booked",
  "appointment.cancelled",
  "appointment.no_show",
  "ticket.closed",
  "ticket.refunded",
  "class.enrolment.consumed",
  "customer.created",
];

describe("W3: webhooks", () => {
  it("W3: a scripted day reaches the receiver signed, each event once after de-duplication by id", async () => {
    receiver.received = [];
    const endpoint = await register(ALL_EVENTS);
    const customerId = (await call("POST", "/api/v1/customers", { name: "Webhook Vera" })).id as string;
    const tenSessions = await s.template({ items: [{ itemId: s.items.manicure, quantity: 10 }] });
    const dated = await s.template({
      items: [{ itemId: s.items.pedicure, quantity: 5 }],
      validity: { kind: "days", count: 30 },
    });
    const shortLived = await s.template({
      items: [{ itemId: s.items.facial, quantity: 3 }],
      validity: { kind: "days", count: 2 },
    });
    const yoga = await s.template({ items: [{ itemId: s.items.yoga, quantity: 5 }] });

    const pkg = await call("POST", `/api/v1/customers/${customerId}/packages`, { templateId: tenSessions });
    const line = pkg.lines[0].id as string;
    const redeemed = await call("POST", `/api/v1/packages/${pkg.id}/lines/${line}/redeem`, {});
    const undone = await call("POST", `/api/v1/movements/${redeemed.id}/undo`, { reason: "mistake" });
    const adjusted = await call("POST", `/api/v1/packages/${pkg.id}/lines/${line}/adjustments`, {
      direction: "add",
      quantity: 2,
      reason: "goodwill",
    });
    const datedPkg = await call("POST", `/api/v1/customers/${customerId}/packages`, { templateId: dated });
    await call("POST", `/api/v1/packages/${datedPkg.id}/extend`, { expiresOn: "2027-01-31" });
    const refundable = await call("POST", `/api/v1/customers/${customerId}/packages`, { templateId: dated });
    await call("POST", `/api/v1/packages/${refundable.id}/refund`, { kind: "money" });
    const expiring = await call("POST", `/api/v1/customers/${customerId}/packages`, {
      templateId: shortLived,
    });

    const appointment = async (day: number) =>
      (await call("POST", "/api/v1/appointments", {
        customerId,
        staffId: s.staff.practitioner.staffId,
        startAt: `2026-06-${String(day).padStart(2, "0")}T08:00:00Z`,
        services: [{ itemId: s.items.massage }],
        allowOverlap: true,
      })) as { id: string };
    const cancelled = await appointment(10);
    await call("POST", `/api/v1/appointments/${cancelled.id}/cancel`, {});
    const noShow = await appointment(1);
    await call("POST", `/api/v1/appointments/${noShow.id}/no-show`, {});

    const ticket = await call("POST", "/api/v1/tickets", { customerId });
    const withLine = await call("POST", `/api/v1/tickets/${ticket.id}/lines`, { itemId: s.items.oil });
    await call("POST", `/api/v1/tickets/${ticket.id}/close`, {
      payments: [{ tender: "card", amountMinor: withLine.totals.dueMinor }],
    });
    await call("POST", `/api/v1/tickets/${ticket.id}/lines/${withLine.lines[0].id}/refund`, {});

    await call("POST", `/api/v1/customers/${customerId}/packages`, { templateId: yoga });
    const session = await call("POST", "/api/v1/class-sessions", {
      itemId: s.items.yoga,
      instructorId: s.staff.practitioner.staffId,
      startAt: "2026-06-02T16:00:00Z",
      capacity: 10,
    });
    const enrolled = await call("POST", `/api/v1/class-sessions/${session.id}/enrolments`, { customerId });
    const enrolmentId = enrolled.roster.find(
      (e: { customer: { id: string } }) => e.customer.id === customerId,
    ).id as string;

    s.clock.advance({ hours: 72 });
    await sweepEndedClasses(s.app, s.clock.now);
    await sweepExpiredPackages(s.database.db, s.clock.now);

    // Twice, as a crash after the post and before the mark would: nothing is sent again once marked.
    await deliverAll();
    await deliverAll();

    // Every request is signed with the endpoint's secret, checked here by our own HMAC.
    expect(receiver.received.length).toBeGreaterThan(0);
    for (const r of receiver.received) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(signedWith(endpoint.secret, r)).toBe(true);
      expect(JSON.parse(r.body).type).toBeTypeOf("string");
    }
    // biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by the assertions below
    type Data = Record<string, any>;
    const unique = new Map<string, { type: string; data: Data }>();
    for (const r of receiver.received) unique.set(r.id, JSON.parse(r.body));
    const stored = await s.database.db
      .selectFrom("webhook_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("business_id", "=", s.businessId)
      .executeTakeFirstOrThrow();
    expect(unique.size).toBe(Number(stored.n));

    const events = [...unique.values()];
    const one = (type: string, match: (d: Data) => boolean) => {
      const found = events.filter((e) => e.type === type && match(e.data));
      expect(found, type).toHaveLength(1);
      return found[0]!.data;
    };
    expect(one("customer.created", (d) => d.customerId === customerId).name).toBe("Webhook Vera");
    expect(one("package.sold", (d) => d.packageId === pkg.id).lines[0].counters).toEqual({
      total: 10,
      used: 0,
      booked: 0,
      remaining: 10,
    });
    const r = one("package.redeemed", (d) => d.movementId === redeemed.id);
    expect(r).toMatchObject({ packageId: pkg.id, lineId: line, customerId, quantity: 1 });
    expect(r.counters).toEqual({ total: 10, used: 1, booked: 0, remaining: 9 });
    expect(one("package.redemption_reversed", (d) => d.movementId === undone.id)).toMatchObject({
      reversesId: redeemed.id,
      counters: { total: 10, used: 0, booked: 0, remaining: 10 },
    });
    expect(one("package.adjusted", (d) => d.movementId === adjusted.id).counters.total).toBe(12);
    expect(one("package.extended", (d) => d.packageId === datedPkg.id).expiresOn).toBe("2027-01-31");
    expect(one("package.refunded", (d) => d.packageId === refundable.id).refundKind).toBe("money");
    const expired = one("package.expired", (d) => d.packageId === expiring.id);
    expect(expired.lines[0].counters.remaining).toBe(3);
    expect(expired.lines[0].movementId).toBeTypeOf("string");
    expect(one("appointment.booked", (d) => d.appointmentId === cancelled.id).status).toBe("booked");
    expect(one("appointment.cancelled", (d) => d.appointmentId === cancelled.id).status).toBe("cancelled");
    expect(one("appointment.no_show", (d) => d.appointmentId === noShow.id).status).toBe("no_show");
    expect(one("ticket.closed", (d) => d.ticketId === ticket.id).status).toBe("closed");
    expect(one("ticket.refunded", (d) => d.ticketId === ticket.id).refundedLineId).toBe(withLine.lines[0].id);
    const consumed = one("class.enrolment.consumed", (d) => d.classEnrolmentId === enrolmentId);
    expect(consumed.customerId).toBe(customerId);
    expect(consumed.counters).toMatchObject({ total: 5, used: 1, booked: 0, remaining: 4 });
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(ALL_EVENTS));

    // The delivery log shows each attempt's outcome.
    const log = await call("GET", `/api/v1/webhooks/${endpoint.id}/deliveries?limit=5`);
    expect(log.items).toHaveLength(5);
    expect(log.items[0]).toMatchObject({ status: "delivered", lastStatusCode: 200, lastResponse: "thanks" });
    expect(log.nextCursor).toBeTypeOf("string");
    const next = await call(
      "GET",
      `/api/v1/webhooks/${endpoint.id}/deliveries?limit=200&cursor=${log.nextCursor}`,
    );
    expect(next.items.length + 5).toBe(unique.size);
    expect(new Set([...log.items, ...next.items].map((d: { eventId: string }) => d.eventId)).size).toBe(
      unique.size,
    );
    await disable(endpoint.id);
  });

  it("W3: a change that rolls back sends nothing", async () => {
    const endpoint = await register(["customer.created", "package.redeemed"]);
    const sold = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 3 }] }));
    await deliverAll();
    receiver.received = [];
    const events = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`SELECT count(*) AS n FROM webhook_events WHERE business_id = ${s.businessId}`.execute(
            s.database.db,
          )
        ).rows[0]!.n,
      );
    const before = await events();
    await expect(
      s.database.db.transaction().execute(async (tx) => {
        await createCustomer(s.as("front_desk"), { name: "Never here" }, tx);
        await redeemLine(s.as("front_desk"), { lineId: sold.lineId, quantity: 1 }, tx);
        throw new Error("the till crashed");
      }),
    ).rejects.toThrow("the till crashed");
    expect(await events()).toBe(before);
    await deliverAll();
    expect(receiver.received).toHaveLength(0);
    // The same changes, committed, are sent.
    await s.redeem(sold);
    await deliverAll();
    expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(["package.redeemed"]);
    await disable(endpoint.id);
  });

  it("W3: a receiver that answers 500 gets the event again, with the same id, after the backoff", async () => {
    const endpoint = await register(["customer.created"]);
    receiver.received = [];
    receiver.status = () => 500;
    await s.customer("Retry Rita");
    expect(await deliverAll()).toEqual({ delivered: 0, failed: 1 });
    const [failed] = (await call("GET", `/api/v1/webhooks/${endpoint.id}/deliveries`)).items;
    expect(failed).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    // Not before its time.
    expect(await deliverAll()).toEqual({ delivered: 0, failed: 0 });
    receiver.status = () => 200;
    s.clock.advance({ seconds: 31 });
    expect(await deliverAll()).toEqual({ delivered: 1, failed: 0 });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.id).toBe(receiver.received[0]!.id);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    for (const r of receiver.received) expect(signedWith(endpoint.secret, r)).toBe(true);
    // "Resend" posts it once more, with the same id.
    const resent = await call("POST", `/api/v1/webhooks/${endpoint.id}/deliveries/${failed.id}/resend`);
    expect(resent.status).toBe("pending");
    await deliverAll();
    expect(receiver.received.map((r) => r.id)).toEqual([failed.eventId, failed.eventId, failed.eventId]);
    await disable(endpoint.id);
  });

  it("W3: after three days of failures the endpoint is turned off and the owner e-mailed", async () => {
    const endpoint = await register(["customer.created"]);
    receiver.status = () => 503;
    await s.customer("Failing Fanni");
    for (let hours = 0; hours <= 80; hours += 4) {
      await deliverAll();
      s.clock.advance({ hours: 4 });
    }
    const after = await call("GET", `/api/v1/webhooks/${endpoint.id}`);
    expect(after).toMatchObject({ enabled: false, disabledReason: "failing_for_three_days" });
    const mail = await s.database.db
      .selectFrom("outbox")
      .select(["to_address", "subject"])
      .where("business_id", "=", s.businessId)
      .where("dedupe_key", "like", `webhook-disabled:${endpoint.id}:%`)
      .execute();
    expect(mail.map((m) => m.to_address)).toEqual([s.staff.owner.email]);
    expect(mail[0]!.subject).toContain(receiver.url);
    const [d] = (await call("GET", `/api/v1/webhooks/${endpoint.id}/deliveries`)).items;
    expect(d.status).toBe("failed");
    expect(d.attempts).toBeGreaterThanOrEqual(8);
    expect(d.attempts).toBeLessThanOrEqual(16);
  });

  it("W3: two workers (two server processes) never post one event twice at once", async () => {
    const endpoint = await register(["customer.created"]);
    receiver.received = [];
    receiver.overlapped = [];
    receiver.delayMs = 15;
    for (let i = 0; i < 30; i++) await s.customer(`Crowd ${i}`);
    let second: Database = s.database;
    if (testBackend() === "postgres")
      second = await openDatabase({ databaseUrl: await databaseUrlOf(s.database) });
    try {
      const other: App = { database: second, clock: s.clock.fn };
      const [a, b] = await Promise.all([
        deliverWebhooks(s.app, s.clock.now, { policy: LOOPBACK, batch: 4 }),
        deliverWebhooks(other, s.clock.now, { policy: LOOPBACK, batch: 4 }),
      ]);
      expect(a.delivered + b.delivered).toBe(30);
      expect(a.failed + b.failed).toBe(0);
    } finally {
      if (second !== s.database) await second.close();
    }
    expect(receiver.overlapped).toEqual([]);
    expect(receiver.received).toHaveLength(30);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(30);
    await disable(endpoint.id);
  });

  it("W3: private and loopback URLs are refused unless the operator allows them", async () => {
    allowWebhookNetworks(PUBLIC_ONLY);
    try {
      for (const url of [
        receiver.url,
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
      ]) {
        const res = await api.call("owner", "POST", "/api/v1/webhooks", {
          url,
          events: ["customer.created"],
        });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().error).toMatchObject({ code: "webhook_url_not_public", field: "url" });
      }
      const bad = await api.call("owner", "POST", "/api/v1/webhooks", {
        url: "ftp://example.com/x",
        events: ["customer.created"],
      });
      expect(bad.json().error).toMatchObject({ code: "webhook_url_invalid", field: "url" });
      const noEvents = await api.call("owner", "POST", "/api/v1/webhooks", {
        url: "https://example.com",
        events: [],
      });
      expect(noEvents.statusCode).toBe(400);
      const unknown = await api.call("owner", "POST", "/api/v1/webhooks", {
        url: "https://example.com",
        events: ["package.stolen"],
      });
      expect(unknown.statusCode).toBe(400);
    } finally {
      allowWebhookNetworks(LOOPBACK);
    }
    // Registered while allowed, then refused at delivery: the address is checked again each time.
    const endpoint = await register(["customer.created"]);
    receiver.received = [];
    await s.customer("Rebinding Rozi");
    expect(await deliverAll(s.app, PUBLIC_ONLY)).toEqual({ delivered: 0, failed: 1 });
    expect(receiver.received).toHaveLength(0);
    const [d] = (await call("GET", `/api/v1/webhooks/${endpoint.id}/deliveries`)).items;
    expect(d.lastError).toMatch(/refused: the address 127\.0\.0\.1 is not public/);
    await disable(endpoint.id);
  });

  it("W3: a rotated secret signs beside the previous one for a day, then alone", async () => {
    const endpoint = await register(["customer.created"]);
    const rotated = await call("POST", `/api/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.previousSecretUntil)).toBe(s.clock.now.add({ hours: 24 }).epochMilliseconds);
    const listed = await call("GET", `/api/v1/webhooks/${endpoint.id}`);
    expect(listed.secret).toBeUndefined();
    receiver.received = [];
    await s.customer("Rotation Rebeka");
    await deliverAll();
    expect(receiver.received).toHaveLength(1);
    const during = receiver.received[0]!;
    expect(during.signatures).toHaveLength(2);
    expect(during.signatures[0]).toBe(`v1,${expectedSignature(rotated.secret, during)}`);
    expect(during.signatures[1]).toBe(`v1,${expectedSignature(endpoint.secret, during)}`);
    s.clock.advance({ hours: 25 });
    await s.customer("Rotation Rozália");
    await deliverAll();
    const afterOverlap = receiver.received[1]!;
    expect(afterOverlap.signatures).toEqual([`v1,${expectedSignature(rotated.secret, afterOverlap)}`]);
    expect(signedWith(endpoint.secret, afterOverlap)).toBe(false);
    await call("DELETE", `/api/v1/webhooks/${endpoint.id}`);
    expect((await api.call("owner", "GET", `/api/v1/webhooks/${endpoint.id}`)).statusCode).toBe(404);
  });

  it("W3: the delivery log forgets finished events after 30 days, never pending ones", async () => {
    const endpoint = await register(["customer.created"]);
    receiver.received = [];
    await s.customer("Delivered Dóra");
    await deliverAll();
    receiver.status = () => 500;
    await s.customer("Pending Panna");
    await deliverAll();
    const log = async () => (await call("GET", `/api/v1/webhooks/${endpoint.id}/deliveries`)).items;
    expect((await log()).map((d: { status: string }) => d.status).sort()).toEqual(["delivered", "pending"]);
    await purgeOldWebhookEvents(s.database.db, s.clock.now.add({ hours: 24 * 29 }));
    expect(await log()).toHaveLength(2);
    await disable(endpoint.id); // stays pending: its endpoint is off
    expect(await purgeOldWebhookEvents(s.database.db, s.clock.now.add({ hours: 24 * 31 }))).toBeGreaterThan(
      0,
    );
    expect((await log()).map((d: { status: string }) => d.status)).toEqual(["pending"]);
  });

  it("W3: front desk and practitioners may not manage webhooks", async () => {
    for (const role of ["front_desk", "practitioner"] as const) {
      expect((await api.call(role, "GET", "/api/v1/webhooks")).statusCode).toBe(403);
    }
    expect((await api.call("manager", "GET", "/api/v1/webhooks")).statusCode).toBe(200);
  });
});
