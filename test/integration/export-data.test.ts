// O6: a business takes all its data with it, and a customer gets their own on request. The ZIP holds
// one CSV per table with the business's rows only, never a password, token or hash, and cells a
// spreadsheet cannot run as formulas; the customer's JSON holds that customer's records only.
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, startApi } from "../support/http.js";
import { addBusiness, type Scenario, scenario } from "../support/scenario.js";

let a: Scenario;
let b: Omit<Scenario, "database" | "close">;
let api: Api;
const MARK_B = `zq-mark-b-${Math.random().toString(36).slice(2, 10)}`;
let annaId: string;
let bellaId: string;

beforeAll(async () => {
  a = await scenario();
  b = await addBusiness(a.database, a.clock, "Other salon");
  api = await startApi(a);
  const course = await a.template({
    name: "5x Manicure",
    items: [{ itemId: a.items.manicure, quantity: 5 }],
  });
  annaId = await a.customer("Anna Kertész");
  bellaId = await a.customer('=HYPERLINK("http://evil.example","Bella")');
  const annas = await a.sold(course, { customerId: annaId });
  await a.redeem(annas, 2);
  await a.sold(course, { customerId: bellaId });
  const other = await b.template({
    name: `Other ${MARK_B}`,
    items: [{ itemId: b.items.manicure, quantity: 3 }],
  });
  await b.sold(other, { customerId: await b.customer(`Customer ${MARK_B}`) });
});

afterAll(async () => {
  await api?.close();
  await a?.close();
});

function csvFiles(body: Buffer): Record<string, string> {
  const files = unzipSync(new Uint8Array(body));
  return Object.fromEntries(
    Object.entries(files).map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]),
  );
}

describe("the business's archive (O6)", () => {
  it("holds the business's customers, packages, lines and movements, and nothing of another business", async () => {
    const res = await api.call("owner", "GET", "/api/v1/exports/business.zip");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/zip");
    expect(res.headers["content-disposition"]).toMatch(
      /^attachment; filename="carnet-export-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    const files = csvFiles(res.rawPayload);
    for (const name of ["customers.csv", "packages.csv", "package_lines.csv", "movements.csv", "staff.csv"])
      expect(Object.keys(files)).toContain(name);
    expect(files["customers.csv"]).toContain("Anna Kertész");
    // one line per movement: two sales' lines and Anna's two redemptions at least
    expect(files["movements.csv"]!.split("\r\n").filter((l) => /(^|,)redeem(,|$)/.test(l))).toHaveLength(2);
    for (const [name, text] of Object.entries(files)) expect(text, name).not.toContain(MARK_B);
  });

  it("never carries a password, token or hash, nor a cell a spreadsheet would run", async () => {
    const files = csvFiles((await api.call("owner", "GET", "/api/v1/exports/business.zip")).rawPayload);
    for (const [name, text] of Object.entries(files)) {
      if (!name.endsWith(".csv")) continue;
      const header = text.split("\r\n")[0] ?? "";
      expect(header, name).not.toMatch(/hash|token|secret|password/i);
    }
    expect(files["staff.csv"]).not.toMatch(/scrypt|\$[0-9a-z]+\$/i);
    // the formula-shaped name is kept, behind a quote that makes it text
    expect(files["customers.csv"]).toContain(`"'=HYPERLINK(""http://evil.example"",""Bella"")"`);
    expect(files["customers.csv"]).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });

  it("is the owner's alone, and is logged", async () => {
    for (const role of ["manager", "front_desk", "practitioner"] as const)
      expect((await api.call(role, "GET", "/api/v1/exports/business.zip")).statusCode).toBe(403);
    const log = (await api.call("owner", "GET", "/api/v1/activity")).json().items as Array<{
      action: string;
    }>;
    expect(log.map((e) => e.action)).toContain("export_business");
  });
});

describe("one customer's data (O6)", () => {
  it("holds that customer's packages and movements, nobody else's", async () => {
    const res = await api.call("manager", "GET", `/api/v1/customers/${annaId}/export`);
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(text).toContain("Anna Kertész");
    expect(text).not.toContain("HYPERLINK");
    expect(text).not.toContain(MARK_B);
    const data = res.json() as { packages: unknown[]; movements: Array<{ kind: string }> };
    expect(data.packages).toHaveLength(1);
    expect(data.movements.filter((m) => m.kind === "redeem")).toHaveLength(2);
  });

  it("another business's customer is not found; the front desk may not ask", async () => {
    const theirs = await b.customer("Someone else");
    expect((await api.call("manager", "GET", `/api/v1/customers/${theirs}/export`)).statusCode).toBe(404);
    expect((await api.call("front_desk", "GET", `/api/v1/customers/${annaId}/export`)).statusCode).toBe(403);
  });
});

describe("webhook endpoints and calendar feeds in the archive and the activity log (O6, L7, W3, W4)", () => {
  it("exports them without their secret or token, and logs who made them, never what they hold", async () => {
    const made = await api.call("owner", "POST", "/api/v1/webhooks", {
      url: "https://93.184.216.34/carnet",
      events: ["package.redeemed"],
      description: "Accounting",
    });
    expect(made.statusCode).toBe(201);
    const { id: endpointId, secret } = made.json() as { id: string; secret: string };
    expect((await api.call("owner", "POST", `/api/v1/webhooks/${endpointId}/rotate-secret`)).statusCode).toBe(
      200,
    );
    const feed = await api.call("front_desk", "POST", `/api/v1/customers/${annaId}/calendar-feed`);
    expect(feed.statusCode).toBe(201);
    const { token } = feed.json() as { token: string };
    expect(
      (await api.call("front_desk", "DELETE", `/api/v1/customers/${annaId}/calendar-feed`)).statusCode,
    ).toBe(200);
    expect((await api.call("owner", "DELETE", `/api/v1/webhooks/${endpointId}`)).statusCode).toBe(200);
    await api.call("owner", "POST", "/api/v1/webhooks", {
      url: "https://93.184.216.34/kept",
      events: ["customer.created"],
    });

    const files = csvFiles((await api.call("owner", "GET", "/api/v1/exports/business.zip")).rawPayload);
    expect(files["webhook_endpoints.csv"]).toContain("https://93.184.216.34/kept");
    expect(files["calendar_feeds.csv"]?.split("\r\n")[0]).toMatch(/customer_id/);
    for (const text of Object.values(files)) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(token);
    }

    const log = (await api.call("owner", "GET", "/api/v1/activity?limit=200")).json().items as Array<{
      action: string;
      customerId: string | null;
      details: Record<string, unknown>;
    }>;
    const actions = log.map((e) => e.action);
    for (const action of [
      "create_webhook_endpoint",
      "rotate_webhook_secret",
      "delete_webhook_endpoint",
      "make_calendar_feed",
      "end_calendar_feed",
    ])
      expect(actions).toContain(action);
    expect(log.find((e) => e.action === "make_calendar_feed")?.customerId).toBe(annaId);
    const text = JSON.stringify(log);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
  });
});
