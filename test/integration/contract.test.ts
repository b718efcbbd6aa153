// W1: the API's contract. Every route declares what it answers (a success body and the refusal
// body), the OpenAPI document built from those declarations is a valid OpenAPI 3.1 document, and
// answers fit their declarations: the shared API client checks each answer (test/support/contract.ts)
// and a walk below calls representative routes of every route file. Refusals come as
// `{ error }` or, for a client that asks, as RFC 9457 problem documents.
import SwaggerParser from "@apidevtools/swagger-parser";
import Fastify, { type RouteOptions } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { handleError, withProblemDocuments } from "../../src/http/errors.js";
import { plainJsonSerializer, refusals } from "../../src/http/schemas.js";
import { buildServer } from "../../src/http/server.js";
import { businessSlug, scenarioWithApiEach } from "../support/api-scenario.js";
import { type ContractWatch, watchContract } from "../support/contract.js";
import type { Api } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

type Declared = Record<string, unknown>;
/**
 * Routes that have nothing they could refuse: the demo logins list answers from the server's
 * configuration, and liveness asks nothing of anyone (it answers, or the process is gone).
 */
const NOTHING_TO_REFUSE = new Set(["GET /api/v1/auth/demo-logins", "GET /api/v1/health/live"]);
const routes: Array<{ method: string; url: string; hide: boolean; response: Declared | undefined }> = [];

describe("W1: every route declares its answers", () => {
  let s: Scenario;
  let server: Awaited<ReturnType<typeof buildServer>>;
  let contract: ContractWatch;

  beforeAll(async () => {
    s = await scenario();
    server = await buildServer(s.app, {
      logger: false,
      secureCookies: false,
      demoLogins: null,
      onRoute: (route: RouteOptions) => {
        const schema = route.schema as { hide?: boolean; response?: Declared } | undefined;
        for (const method of [route.method].flat()) {
          routes.push({ method, url: route.url, hide: schema?.hide === true, response: schema?.response });
        }
      },
    });
    contract = watchContract(server);
    await server.ready();
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await s?.close();
  });

  it("W1: each API route declares a success answer and its refusals", () => {
    const api = routes.filter((r) => r.url.startsWith("/api/v1/") && r.method !== "HEAD");
    expect(api.length).toBeGreaterThan(50);
    const lacking: string[] = [];
    for (const r of api) {
      const statuses = Object.keys(r.response ?? {});
      if (!statuses.some((st) => /^2/.test(st))) lacking.push(`${r.method} ${r.url}: no success answer`);
      if (!statuses.some((st) => /^[45]/.test(st)) && !NOTHING_TO_REFUSE.has(`${r.method} ${r.url}`)) {
        lacking.push(`${r.method} ${r.url}: no refusal`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it("W1: the OpenAPI document is valid OpenAPI 3.1", async () => {
    const doc = (await server.inject({ method: "GET", url: "/api/openapi.json" })).json();
    expect(doc.openapi).toBe("3.1.0");
    await SwaggerParser.validate(structuredClone(doc));
    // what the document says of the redemption: the movement, and each refusal in both shapes
    const redeem = doc.paths["/api/v1/packages/{packageId}/lines/{lineId}/redeem"].post.responses;
    expect(redeem["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Movement",
    });
    expect(doc.components.schemas.Movement.properties).toHaveProperty("counters");
    // the shared answers are named once, and every name is used (no unused input variants)
    const named = Object.keys(doc.components.schemas);
    expect(named).toEqual(expect.arrayContaining(["Package", "PackageLine", "Ticket", "Customer", "Error"]));
    expect(doc.components.schemas.Problem.required).toEqual(
      expect.arrayContaining(["type", "title", "status", "detail", "code"]),
    );
    const text = JSON.stringify(doc.paths);
    const everywhere = JSON.stringify(doc);
    for (const name of named)
      expect(everywhere.split(`"#/components/schemas/${name}"`).length).toBeGreaterThan(1);
    expect(text).toContain('"#/components/schemas/Package"');
    for (const status of ["400", "401", "403", "404", "409", "422"]) {
      expect(Object.keys(redeem[status].content)).toEqual(["application/json", "application/problem+json"]);
      expect(redeem[status].content["application/json"].schema).toEqual({
        $ref: "#/components/schemas/Error",
      });
      expect(redeem[status].content["application/problem+json"].schema).toEqual({
        $ref: "#/components/schemas/Problem",
      });
    }
    const csv = doc.paths["/api/v1/reports/balances.csv"].get.responses["200"].content;
    expect(Object.keys(csv)).toEqual(["text/csv"]);
    expect(JSON.stringify(doc)).not.toContain("Default Response");
    contract.assertClean();
  });
});

describe("W1: the contract check itself", () => {
  // Without these, a check that never fires would pass every test above and below.
  it("W1: flags an answer with a field its schema lacks, one of the wrong type, and an undeclared status", async () => {
    const server = Fastify().withTypeProvider<ZodTypeProvider>();
    server.setValidatorCompiler(validatorCompiler);
    server.setSerializerCompiler(serializerCompiler);
    server.setErrorHandler(handleError);
    server.addHook("onRoute", withProblemDocuments);
    const answer = z.object({ id: z.string() });
    server.get(
      "/extra",
      { schema: { response: { 200: answer, 404: refusals[404] } }, serializerCompiler: plainJsonSerializer },
      async () => ({ id: "a", secret: "b" }),
    );
    server.get("/stripped", { schema: { response: { 200: answer, 404: refusals[404] } } }, async () => ({
      id: "a",
      secret: "b",
    }));
    server.get(
      "/wrong",
      { schema: { response: { 200: answer, 404: refusals[404] } } },
      async () => ({ id: 7 }) as never,
    );
    server.get(
      "/undeclared",
      { schema: { response: { 200: answer, 404: refusals[404] } } },
      // a status the route does not declare (the cast gets it past the route's types)
      async (_req, reply) => reply.status(409 as 404).send({ error: { code: "x", message: "y" } }),
    );
    const contract = watchContract(server);
    try {
      for (const url of ["/extra", "/stripped", "/wrong", "/undeclared"]) {
        await server.inject({ method: "GET", url });
      }
      const found = contract.violations.join("\n");
      expect(found).toMatch(/GET \/extra → 200: the body holds fields its schema does not declare/);
      expect(found).toMatch(/GET \/stripped → 200: serializing through the schema changed the answer/);
      expect(found).toMatch(/GET \/wrong: the answer does not fit its schema/);
      expect(found).toMatch(/GET \/undeclared → 409: status or content type application\/json not declared/);
      expect(() => contract.assertClean()).toThrow(/broke its contract/);
      expect(contract.violations).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("W1: a walk through every route file, each answer checked against its schema", () => {
  let s: Scenario;
  let api: Api;
  scenarioWithApiEach((scenario, a) => {
    s = scenario;
    api = a;
  });

  async function ok(
    role: Parameters<Api["call"]>[0],
    method: Parameters<Api["call"]>[1],
    url: string,
    status: number,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const response = await api.call(role, method, url, body, headers);
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status);
    return response;
  }

  it("W1: sell, redeem, undo, adjust, tickets, appointments, classes, reports and public pages", async () => {
    const templateId = await s.template({
      kind: "course",
      name: "5x Manicure",
      validity: { kind: "months", count: 6 },
      items: [{ itemId: s.items.manicure, quantity: 5 }],
    });
    const yogaTemplate = await s.template({
      name: "10x Yoga",
      items: [{ itemId: s.items.yoga, quantity: 10 }],
    });
    // packages (packages.ts) and customers (admin.ts)
    const customer = (
      await ok("front_desk", "POST", "/api/v1/customers", 201, { name: "Ágnes Kovács" })
    ).json();
    await ok("front_desk", "GET", `/api/v1/customers/${customer.id}`, 200);
    const sold = (
      await ok("front_desk", "POST", `/api/v1/customers/${customer.id}/packages`, 201, { templateId })
    ).json();
    await ok("front_desk", "POST", `/api/v1/customers/${customer.id}/packages`, 201, {
      templateId: yogaTemplate,
    });
    const lineId = sold.lines[0].id;
    await ok("front_desk", "GET", `/api/v1/customers/${customer.id}/packages`, 200);
    await ok("front_desk", "GET", `/api/v1/packages/${sold.id}`, 200);
    const redeemUrl = `/api/v1/packages/${sold.id}/lines/${lineId}/redeem`;
    const redeemed = (await ok("front_desk", "POST", redeemUrl, 200, {})).json();
    expect(redeemed.counters.used).toBe(1);
    await ok("front_desk", "POST", redeemUrl, 200, { quantity: 1 }, { "idempotency-key": "walk-1" });
    const replay = await ok(
      "front_desk",
      "POST",
      redeemUrl,
      200,
      { quantity: 1 },
      { "idempotency-key": "walk-1" },
    );
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    const fifo = (
      await ok("front_desk", "POST", `/api/v1/customers/${customer.id}/redemptions`, 200, {
        itemId: s.items.manicure,
      })
    ).json();
    await ok("manager", "POST", `/api/v1/movements/${fifo.id}/undo`, 200, { reason: "by mistake" });
    await ok("manager", "POST", `/api/v1/packages/${sold.id}/lines/${lineId}/adjustments`, 200, {
      direction: "add",
      quantity: 1,
      reason: "goodwill",
    });
    await ok("manager", "POST", `/api/v1/packages/${sold.id}/extend`, 200, { expiresOn: "2027-12-31" });
    await ok("front_desk", "GET", `/api/v1/packages/${sold.id}/usage`, 200);
    await ok("front_desk", "GET", `/api/v1/activity?customerId=${customer.id}`, 200);
    await ok("front_desk", "GET", `/api/v1/customers/${customer.id}/store-credit`, 200);
    // the ledger's refusals
    await ok("front_desk", "POST", redeemUrl, 409, { quantity: 100 });
    await ok("front_desk", "POST", `/api/v1/packages/${s.businessId}/lines/${lineId}/redeem`, 404, {});

    // the till (tickets.ts)
    const ticket = (
      await ok("front_desk", "POST", "/api/v1/tickets", 201, {
        customerId: customer.id,
        line: { itemId: s.items.manicure },
      })
    ).json();
    expect(ticket.lines[0].covered).toBe(true);
    const withOil = (
      await ok("front_desk", "POST", `/api/v1/tickets/${ticket.id}/lines`, 201, { itemId: s.items.oil })
    ).json();
    const oilLine = withOil.lines.find((l: { itemId: string }) => l.itemId === s.items.oil);
    await ok("front_desk", "POST", `/api/v1/tickets/${ticket.id}/lines/${ticket.lines[0].id}/coverage`, 200, {
      mode: "auto",
    });
    await ok("front_desk", "DELETE", `/api/v1/tickets/${ticket.id}/lines/${oilLine.id}`, 200);
    await ok("front_desk", "PATCH", `/api/v1/tickets/${ticket.id}`, 200, { customerId: customer.id });
    const closed = (await ok("front_desk", "POST", `/api/v1/tickets/${ticket.id}/close`, 200, {})).json();
    expect(closed.status).toBe("closed");
    await ok("front_desk", "GET", "/api/v1/tickets?status=closed", 200);
    await ok("front_desk", "GET", `/api/v1/tickets/${ticket.id}`, 200);
    const voided = (await ok("front_desk", "POST", "/api/v1/tickets", 201, {})).json();
    await ok("front_desk", "POST", `/api/v1/tickets/${voided.id}/void`, 200, { reason: "opened by mistake" });
    await ok(
      "manager",
      "GET",
      "/api/v1/reports/commissions?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z",
      200,
    );

    // the calendar (appointments.ts)
    const staffId = s.staff.practitioner.staffId;
    await ok("front_desk", "GET", `/api/v1/customers/${customer.id}/available-packages`, 200);
    const booked = (
      await ok("front_desk", "POST", "/api/v1/appointments", 201, {
        customerId: customer.id,
        staffId,
        startAt: "2026-06-02T08:00:00Z",
        services: [{ itemId: s.items.manicure, usePackage: true }],
      })
    ).json();
    expect(booked.services[0].fromPackage.state).toBe("booked");
    await ok(
      "front_desk",
      "GET",
      "/api/v1/appointments?from=2026-06-01T00:00:00Z&to=2026-06-08T00:00:00Z",
      200,
    );
    await ok("front_desk", "GET", `/api/v1/appointments/${booked.id}`, 200);
    await ok("front_desk", "PATCH", `/api/v1/appointments/${booked.id}`, 200, {
      startAt: "2026-06-02T09:00:00Z",
    });
    await ok(
      "front_desk",
      "POST",
      `/api/v1/appointments/${booked.id}/services/${booked.services[0].id}/coverage`,
      200,
      { mode: "paying" },
    );
    await ok("front_desk", "POST", `/api/v1/appointments/${booked.id}/check-in`, 200);
    await ok("front_desk", "POST", `/api/v1/appointments/${booked.id}/checkout`, 200);
    const other = (
      await ok("front_desk", "POST", "/api/v1/appointments", 201, {
        customerId: customer.id,
        staffId,
        startAt: "2026-06-03T08:00:00Z",
        services: [{ itemId: s.items.manicure, usePackage: true }],
      })
    ).json();
    await ok("front_desk", "POST", `/api/v1/appointments/${other.id}/no-show`, 200);
    const paid = (
      await ok("front_desk", "POST", "/api/v1/appointments", 201, {
        customerId: customer.id,
        staffId,
        startAt: "2026-06-04T08:00:00Z",
        services: [{ itemId: s.items.pedicure }],
      })
    ).json();
    await ok("front_desk", "POST", `/api/v1/appointments/${paid.id}/cancel`, 200, {});
    const deletable = (
      await ok("front_desk", "POST", "/api/v1/appointments", 201, {
        customerId: customer.id,
        staffId,
        startAt: "2026-06-05T08:00:00Z",
        services: [{ itemId: s.items.pedicure }],
      })
    ).json();
    await ok("front_desk", "DELETE", `/api/v1/appointments/${deletable.id}`, 200);
    await ok("front_desk", "POST", "/api/v1/appointments", 409, {
      customerId: customer.id,
      staffId,
      startAt: "2026-06-02T09:00:00Z",
      services: [{ itemId: s.items.pedicure }],
    });

    // classes (classes.ts)
    const session = (
      await ok("manager", "POST", "/api/v1/class-sessions", 201, {
        itemId: s.items.yoga,
        instructorId: s.staff.practitioner.staffId,
        startAt: "2026-06-06T08:00:00Z",
        capacity: 5,
      })
    ).json();
    const enrolled = (
      await ok("front_desk", "POST", `/api/v1/class-sessions/${session.id}/enrolments`, 201, {
        customerId: customer.id,
      })
    ).json();
    expect(enrolled.roster[0].payment.state).toBe("available_in_package");
    await ok(
      "front_desk",
      "GET",
      "/api/v1/class-sessions?from=2026-06-01T00:00:00Z&to=2026-06-08T00:00:00Z",
      200,
    );
    await ok("front_desk", "GET", `/api/v1/class-sessions/${session.id}`, 200);
    await ok("front_desk", "POST", `/api/v1/class-enrolments/${enrolled.roster[0].id}/checkout`, 200);
    const second = (
      await ok("front_desk", "POST", `/api/v1/class-sessions/${session.id}/enrolments`, 201, {
        newCustomer: { name: "Béla Nagy" },
      })
    ).json();
    const bela = second.roster.find((e: { customer: { name: string } }) => e.customer.name === "Béla Nagy");
    await ok("front_desk", "POST", `/api/v1/class-enrolments/${bela.id}/cancel`, 200);
    await ok("front_desk", "GET", "/api/v1/class-reviews", 200);
    await ok("manager", "POST", `/api/v1/class-sessions/${session.id}/cancel`, 200, {});

    // reports (reports.ts)
    await ok("manager", "GET", "/api/v1/reports/balances?status=all", 200);
    const csv = await ok("manager", "GET", "/api/v1/reports/balances.csv", 200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    await ok("manager", "GET", "/api/v1/reports/liability", 200);
    await ok("manager", "GET", "/api/v1/reports/expiring?days=365", 200);
    const period = "from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z";
    await ok("manager", "GET", `/api/v1/reports/redemptions?${period}&groupBy=staff`, 200);
    await ok("manager", "GET", `/api/v1/reports/revenue?${period}`, 200);
    await ok("front_desk", "GET", "/api/v1/reports/liability", 403);

    // public pages (public.ts)
    const link = (
      await ok("front_desk", "POST", `/api/v1/customers/${customer.id}/balance-link`, 201)
    ).json();
    const balance = (await ok(null, "GET", `/api/v1/public/balance/${link.token}`, 200)).json();
    expect(balance.packages.length).toBeGreaterThan(0);
    const slug = await businessSlug(s);
    await ok(null, "GET", `/api/v1/public/businesses/${slug}`, 200);
    await ok(
      null,
      "GET",
      `/api/v1/public/businesses/${slug}/slots?locationId=${s.budapest}&staffId=${staffId}&itemId=${s.items.manicure}&date=2026-06-10`,
      200,
    );
    await ok(null, "GET", "/api/v1/public/balance/AAAAAAAAAAAAAAAAAAAAAAAA", 404);
    await ok(null, "GET", "/api/v1/health", 200);
    await ok("front_desk", "DELETE", `/api/v1/customers/${customer.id}/balance-link`, 200);

    // and the refund at the end
    const unused = (
      await ok("front_desk", "POST", `/api/v1/customers/${customer.id}/packages`, 201, { templateId })
    ).json();
    const refunded = (
      await ok("manager", "POST", `/api/v1/packages/${unused.id}/refund`, 200, { kind: "store_credit" })
    ).json();
    expect(refunded.status).toBe("refunded");
    await ok("manager", "POST", `/api/v1/packages/${sold.id}/refund`, 409, { kind: "money" });
    await ok("front_desk", "GET", `/api/v1/customers/${customer.id}/store-credit`, 200);
    expect(api.contract.checked()).toBeGreaterThan(60);
  }, 120_000);

  describe("RFC 9457: problem documents for a client that asks for them", () => {
    const PROBLEM = { accept: "application/problem+json" };

    it("W1: a 400 names the field, as a problem document with code and field", async () => {
      const customerId = await s.customer();
      const response = await api.call(
        "front_desk",
        "POST",
        `/api/v1/customers/${customerId}/redemptions`,
        { itemId: s.items.manicure, quantity: 0 },
        PROBLEM,
      );
      expect(response.statusCode).toBe(400);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(response.json()).toEqual({
        type: "https://carnet.example/problems/invalid_input",
        title: "Bad Request",
        status: 400,
        detail: expect.stringMatching(/^quantity: /),
        code: "invalid_input",
        field: "quantity",
      });
    });

    it("W1: a 404 is a problem document; without the Accept header the same refusal keeps { error }", async () => {
      const url = `/api/v1/packages/${s.businessId}`;
      const problem = await api.call("front_desk", "GET", url, undefined, PROBLEM);
      expect(problem.statusCode).toBe(404);
      expect(problem.headers["content-type"]).toMatch(/^application\/problem\+json/);
      const body = problem.json();
      expect(body).toMatchObject({ status: 404, title: "Not Found", code: body.code, field: "packageId" });
      expect(body.type).toBe(`https://carnet.example/problems/${body.code}`);
      const plain = await api.call("front_desk", "GET", url);
      expect(plain.statusCode).toBe(404);
      expect(plain.headers["content-type"]).toMatch(/^application\/json/);
      expect(plain.json()).toEqual({ error: { code: body.code, message: body.detail, field: "packageId" } });
    });

    it("W1: a 401 and an unknown route are problem documents too; q=0 refuses them", async () => {
      const unauthenticated = await api.call(null, "GET", "/api/v1/tickets", undefined, PROBLEM);
      expect(unauthenticated.statusCode).toBe(401);
      expect(unauthenticated.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(unauthenticated.json()).toMatchObject({ status: 401, title: "Unauthorized" });
      const noRoute = await api.call("front_desk", "GET", "/api/v1/no-such-thing", undefined, PROBLEM);
      expect(noRoute.statusCode).toBe(404);
      expect(noRoute.json()).toMatchObject({ code: "route_not_found", status: 404 });
      const declined = await api.call(null, "GET", "/api/v1/tickets", undefined, {
        accept: "application/problem+json;q=0, application/json",
      });
      expect(declined.json()).toHaveProperty("error.code");
    });
  });
});
