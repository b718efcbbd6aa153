// S1, S2: every route the server registers × every role × the caller's own business or another
// one, against the table below. The table is written here by hand from the SPEC (S1: undo, adjust,
// extend and refund need manager or owner; reports and the catalog are for managers; settings and
// staff for the owner; S2: another business's ids answer 404), not read from the server's guards.
// A route that the server registers and the table lacks fails the test, and so does a row for a
// route that no longer exists. docs/authorization.md is this table; the test keeps it up to date
// (CARNET_UPDATE_DOCS=1 rewrites it).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from "fastify";
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../../src/app/accounts/members.js";
import { requestPasswordReset } from "../../src/app/accounts/passwords.js";
import { requestSignUp } from "../../src/app/accounts/sign-up.js";
import { requestOnlineBooking } from "../../src/app/online-booking.js";
import { createApiToken } from "../../src/app/sign-in.js";
import type { Role } from "../../src/db/schema.js";
import { buildServer } from "../../src/http/server.js";
import { addBusiness, PASSWORD, type Scenario, scenario } from "../support/scenario.js";

type Caller = Role | "anonymous";
const CALLERS: Caller[] = ["owner", "manager", "front_desk", "practitioner", "anonymous"];
/** ok = any 2xx; a number = exactly that status. */
type Outcome = "ok" | "302" | "400" | "401" | "403" | "404";

// Columns: owner manager front_desk practitioner anonymous.
// "own": the caller's business owns the ids in the request (or the request names none).
// "other": a caller of business B sends business A's ids. Requests that name no id ask for the
// caller's own data, which must carry nothing of A (checked below for every response to B).
const EVERYONE = "ok  ok  ok  ok  401";
const DESK = "ok  ok  ok  403 401";
const MANAGERS = "ok  ok  403 403 401";
const OWNER = "ok  403 403 403 401";
const PUBLIC = "ok  ok  ok  ok  ok";
const HIDDEN = "404 404 404 404 401";
const HIDDEN_DESK = "404 404 404 403 401";
const HIDDEN_MANAGERS = "404 404 403 403 401";

const EXPECTED: Record<string, { own: string; other: string; note?: string }> = {
  // documentation and health
  "GET /api/openapi.json": { own: PUBLIC, other: PUBLIC },
  "GET /api/docs": { own: PUBLIC, other: PUBLIC },
  "HEAD /api/docs/": { own: PUBLIC, other: PUBLIC, note: "HEAD only (the GET twin is /api/docs)" },
  "GET /api/docs/static/index.html": {
    own: "302 302 302 302 302",
    other: "302 302 302 302 302",
    note: "redirects to the docs page",
  },
  "GET /api/docs/static/swagger-initializer.js": { own: PUBLIC, other: PUBLIC },
  "GET /api/docs/static/*": { own: PUBLIC, other: PUBLIC },
  "GET /api/docs/json": { own: PUBLIC, other: PUBLIC },
  "GET /api/docs/yaml": { own: PUBLIC, other: PUBLIC },
  "GET /api/v1/health": { own: PUBLIC, other: PUBLIC },
  "GET /api/v1/health/live": { own: PUBLIC, other: PUBLIC },
  "GET /api/v1/health/ready": { own: PUBLIC, other: PUBLIC },
  // sign-in and the session
  "POST /api/v1/auth/sign-in": { own: PUBLIC, other: PUBLIC, note: "public: the body signs in" },
  "POST /api/v1/auth/sign-out": { own: EVERYONE, other: EVERYONE },
  "GET /api/v1/auth/me": { own: EVERYONE, other: EVERYONE },
  "PATCH /api/v1/auth/me": { own: EVERYONE, other: EVERYONE, note: "U2: the caller's own language" },
  "GET /api/v1/live": {
    own: EVERYONE,
    other: EVERYONE,
    note: "U4: the caller's own business's live updates (`seconds=0` ends the stream after `ready`)",
  },
  "GET /api/v1/auth/session": {
    own: PUBLIC,
    other: PUBLIC,
    note: "nobody signed in answers `me: null`, not 401 (the web app's first load)",
  },
  "POST /api/v1/auth/location": {
    own: "400 400 400 400 401",
    other: "400 400 400 400 401",
    note: "sessions only: a bearer token has no working location (400 session_required)",
  },
  "POST /api/v1/auth/tokens": { own: MANAGERS, other: MANAGERS },
  // O2: API tokens and staff administration
  "GET /api/v1/auth/tokens": { own: MANAGERS, other: MANAGERS },
  "POST /api/v1/auth/tokens/:tokenId/revoke": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/staff/:staffId/role": { own: OWNER, other: "404 403 403 403 401" },
  "POST /api/v1/staff/:staffId/deactivate": { own: OWNER, other: "404 403 403 403 401" },
  "POST /api/v1/staff/:staffId/reactivate": { own: OWNER, other: "404 403 403 403 401" },
  "GET /api/v1/staff/:staffId/working-hours": { own: EVERYONE, other: HIDDEN },
  "PUT /api/v1/staff/:staffId/working-hours/:locationId": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "GET /api/v1/locations/:locationId/opening-hours": { own: EVERYONE, other: HIDDEN },
  "PUT /api/v1/locations/:locationId/opening-hours": { own: OWNER, other: "404 403 403 403 401" },
  "GET /api/v1/auth/demo-logins": { own: PUBLIC, other: PUBLIC },
  // O1, O2: the first run, open sign-up (on in this test), invitations and passwords; the pages a
  // link opens are public (its token is the key)
  "GET /api/v1/setup": { own: PUBLIC, other: PUBLIC },
  "POST /api/v1/setup/business": {
    own: "404 404 404 404 404",
    other: "404 404 404 404 404",
    note: "only while there is no business at all (404 first_run_over)",
  },
  "POST /api/v1/public/sign-ups": { own: PUBLIC, other: PUBLIC, note: "CARNET_SIGNUP=open only, else 404" },
  "GET /api/v1/public/sign-ups/:token": { own: PUBLIC, other: PUBLIC, note: "the e-mailed token is the key" },
  "POST /api/v1/public/sign-ups/:token": { own: PUBLIC, other: PUBLIC },
  "GET /api/v1/staff/invitations": { own: OWNER, other: OWNER },
  "POST /api/v1/staff/invitations": {
    own: OWNER,
    other: "404 403 403 403 401",
    note: "other: A's location id",
  },
  "POST /api/v1/staff/invitations/:invitationId/resend": { own: OWNER, other: "404 403 403 403 401" },
  "DELETE /api/v1/staff/invitations/:invitationId": { own: OWNER, other: "404 403 403 403 401" },
  "GET /api/v1/public/invites/:token": { own: PUBLIC, other: PUBLIC, note: "the e-mailed token is the key" },
  "POST /api/v1/public/invites/:token/accept": { own: PUBLIC, other: PUBLIC },
  "POST /api/v1/auth/password": {
    own: "400 400 400 400 401",
    other: "400 400 400 400 401",
    note: "sessions only: a bearer token has no password (400 session_required)",
  },
  "POST /api/v1/public/password-resets": {
    own: PUBLIC,
    other: PUBLIC,
    note: "the same answer for any e-mail",
  },
  "GET /api/v1/public/password-resets/:token": {
    own: PUBLIC,
    other: PUBLIC,
    note: "the e-mailed token is the key",
  },
  "POST /api/v1/public/password-resets/:token": { own: PUBLIC, other: PUBLIC },
  // public pages (the customer's balance link, online booking)
  "GET /api/v1/public/balance/:token": { own: PUBLIC, other: PUBLIC, note: "the token is the key" },
  "POST /api/v1/public/balance/:token/bookings": { own: PUBLIC, other: PUBLIC },
  "GET /api/v1/public/businesses/:slug": { own: PUBLIC, other: PUBLIC },
  "GET /api/v1/public/businesses/:slug/slots": { own: PUBLIC, other: PUBLIC },
  "POST /api/v1/public/businesses/:slug/bookings": { own: PUBLIC, other: PUBLIC },
  "GET /api/v1/public/booking-requests/:token": {
    own: PUBLIC,
    other: PUBLIC,
    note: "the token e-mailed to the customer is the key",
  },
  "POST /api/v1/public/booking-requests/:token/confirm": { own: PUBLIC, other: PUBLIC },
  // business, staff, catalog
  "GET /api/v1/business": { own: EVERYONE, other: EVERYONE },
  "PATCH /api/v1/business/settings": { own: OWNER, other: OWNER },
  "GET /api/v1/locations": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/locations": { own: OWNER, other: OWNER },
  "GET /api/v1/staff": { own: EVERYONE, other: EVERYONE },
  "GET /api/v1/items": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/items": { own: MANAGERS, other: MANAGERS },
  "PATCH /api/v1/items/:itemId": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "GET /api/v1/templates": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/templates": { own: MANAGERS, other: "404 404 403 403 401" },
  "PATCH /api/v1/templates/:templateId": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/templates/:templateId/retire": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/templates/preview": {
    own: MANAGERS,
    other: "404 404 403 403 401",
    note: "other: A's item ids",
  },
  "PATCH /api/v1/locations/:locationId": { own: OWNER, other: "404 403 403 403 401" },
  "GET /api/v1/commission-rates": { own: MANAGERS, other: MANAGERS },
  "POST /api/v1/commission-rates": { own: OWNER, other: "404 403 403 403 401", note: "other: A's staff id" },
  "DELETE /api/v1/commission-rates/:rateId": { own: OWNER, other: "404 403 403 403 401" },
  // customers and their packages
  "GET /api/v1/customers": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/customers": { own: DESK, other: DESK },
  "GET /api/v1/customers/:customerId": { own: EVERYONE, other: HIDDEN },
  "PATCH /api/v1/customers/:customerId": { own: DESK, other: HIDDEN_DESK },
  "POST /api/v1/customers/:customerId/balance-link": { own: DESK, other: HIDDEN_DESK },
  "DELETE /api/v1/customers/:customerId/balance-link": { own: DESK, other: HIDDEN_DESK },
  "GET /api/v1/customers/:customerId/packages": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/customers/:customerId/packages": { own: DESK, other: HIDDEN_DESK },
  "POST /api/v1/customers/:customerId/redemptions": { own: EVERYONE, other: HIDDEN },
  "GET /api/v1/customers/:customerId/store-credit": { own: EVERYONE, other: HIDDEN },
  "GET /api/v1/customers/:customerId/available-packages": { own: EVERYONE, other: HIDDEN },
  // the ledger
  "GET /api/v1/packages/:packageId": { own: EVERYONE, other: HIDDEN },
  "GET /api/v1/packages/:packageId/usage": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/packages/:packageId/lines/:lineId/redeem": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/packages/:packageId/lines/:lineId/adjustments": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/packages/:packageId/extend": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/packages/:packageId/refund": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/packages/:packageId/transfer": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/packages/:packageId/pauses": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/packages/:packageId/pauses/:pauseId/end": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/movements/:movementId/undo-transfer": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/movements/:movementId/undo": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "GET /api/v1/activity": { own: EVERYONE, other: EVERYONE },
  // appointments
  "GET /api/v1/appointments": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/appointments": { own: EVERYONE, other: HIDDEN },
  "GET /api/v1/appointments/:appointmentId": { own: EVERYONE, other: HIDDEN },
  "PATCH /api/v1/appointments/:appointmentId": { own: EVERYONE, other: HIDDEN },
  "DELETE /api/v1/appointments/:appointmentId": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/appointments/:appointmentId/cancel": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/appointments/:appointmentId/check-in": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/appointments/:appointmentId/no-show": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/appointments/:appointmentId/services/:serviceId/coverage": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/appointments/:appointmentId/checkout": { own: DESK, other: HIDDEN_DESK },
  // classes
  "GET /api/v1/class-sessions": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/class-sessions": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "GET /api/v1/class-sessions/:sessionId": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/class-sessions/:sessionId/cancel": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/class-sessions/:sessionId/enrolments": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/class-enrolments/:enrolmentId/cancel": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/class-enrolments/:enrolmentId/no-show": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/class-enrolments/:enrolmentId/review": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/class-enrolments/:enrolmentId/checkout": { own: DESK, other: HIDDEN_DESK },
  "GET /api/v1/class-reviews": { own: EVERYONE, other: EVERYONE },
  // the till
  "GET /api/v1/tickets": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/tickets": { own: DESK, other: HIDDEN_DESK },
  "GET /api/v1/tickets/:ticketId": { own: EVERYONE, other: HIDDEN },
  "PATCH /api/v1/tickets/:ticketId": { own: DESK, other: HIDDEN_DESK },
  "POST /api/v1/tickets/:ticketId/lines": { own: DESK, other: HIDDEN_DESK },
  "DELETE /api/v1/tickets/:ticketId/lines/:lineId": { own: DESK, other: HIDDEN_DESK },
  "POST /api/v1/tickets/:ticketId/lines/:lineId/coverage": { own: DESK, other: HIDDEN_DESK },
  "POST /api/v1/tickets/:ticketId/close": { own: DESK, other: HIDDEN_DESK },
  "POST /api/v1/tickets/:ticketId/void": { own: DESK, other: HIDDEN_DESK },
  "POST /api/v1/tickets/:ticketId/lines/:lineId/refund": { own: MANAGERS, other: HIDDEN_MANAGERS },
  // reports
  "GET /api/v1/reports/balances": { own: MANAGERS, other: MANAGERS },
  "GET /api/v1/reports/balances.csv": { own: MANAGERS, other: MANAGERS },
  "GET /api/v1/reports/liability": { own: MANAGERS, other: MANAGERS },
  "GET /api/v1/reports/source": { own: MANAGERS, other: MANAGERS },
  "GET /api/v1/reports/expiring": { own: MANAGERS, other: MANAGERS },
  "GET /api/v1/reports/redemptions": { own: MANAGERS, other: MANAGERS },
  "GET /api/v1/reports/revenue": { own: MANAGERS, other: MANAGERS },
  "GET /api/v1/reports/commissions": { own: MANAGERS, other: MANAGERS },
  // import and export (O5, O6)
  "POST /api/v1/imports/dry-run": { own: MANAGERS, other: MANAGERS, note: "other: into B's own business" },
  "POST /api/v1/imports": { own: MANAGERS, other: MANAGERS, note: "other: into B's own business" },
  "GET /api/v1/exports/business.zip": { own: OWNER, other: OWNER, note: "other: B's own archive" },
  "GET /api/v1/customers/:customerId/export": { own: MANAGERS, other: HIDDEN_MANAGERS },
  // W3: webhook endpoints and their delivery logs
  "GET /api/v1/webhooks": { own: MANAGERS, other: MANAGERS, note: "other: B's own endpoints" },
  "POST /api/v1/webhooks": { own: MANAGERS, other: MANAGERS, note: "other: into B's own business" },
  "GET /api/v1/webhooks/:endpointId": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "PATCH /api/v1/webhooks/:endpointId": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "DELETE /api/v1/webhooks/:endpointId": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/webhooks/:endpointId/rotate-secret": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "GET /api/v1/webhooks/:endpointId/deliveries": { own: MANAGERS, other: HIDDEN_MANAGERS },
  "POST /api/v1/webhooks/:endpointId/deliveries/:deliveryId/resend": {
    own: MANAGERS,
    other: HIDDEN_MANAGERS,
  },
  // W4: calendar feeds: one's own link, a customer's link, and the feed, whose token is the key
  "GET /api/v1/auth/me/calendar-feed": { own: EVERYONE, other: EVERYONE },
  "POST /api/v1/auth/me/calendar-feed": { own: EVERYONE, other: EVERYONE },
  "DELETE /api/v1/auth/me/calendar-feed": { own: EVERYONE, other: EVERYONE },
  "GET /api/v1/customers/:customerId/calendar-feed": { own: EVERYONE, other: HIDDEN },
  "POST /api/v1/customers/:customerId/calendar-feed": { own: DESK, other: HIDDEN_DESK },
  "DELETE /api/v1/customers/:customerId/calendar-feed": { own: DESK, other: HIDDEN_DESK },
  "GET /api/v1/feeds/:file": { own: PUBLIC, other: PUBLIC, note: "W4: `<token>.ics`, the token is the key" },
};

const parse = (row: string) => row.trim().split(/\s+/) as Outcome[];

const DOC = join(import.meta.dirname, "..", "..", "docs", "authorization.md");
function authorizationDoc(): string {
  const cell = (o: Outcome) => (o === "ok" ? "✓" : o);
  const lines = [
    "# Who may call what",
    "",
    "Every route of the API × every role, for the caller's own business and for another business's",
    "ids. `✓` is a 2xx answer; a number is the status the server answers instead (401 not signed in,",
    "403 role, 404 unknown or another business's id, 400 see the note). Bearer tokens; HEAD answers",
    "as GET. Written out and checked by `test/integration/authorization-matrix.test.ts` against the",
    "running server; a route missing from the table fails that test.",
    "",
    "| route | owner | manager | front desk | practitioner | anonymous | other business: owner | manager | front desk | practitioner | anonymous | note |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const [route, row] of Object.entries(EXPECTED)) {
    const own = parse(row.own).map(cell);
    const other = parse(row.other).map(cell);
    lines.push(`| \`${route}\` | ${own.join(" | ")} | ${other.join(" | ")} | ${row.note ?? ""} |`);
  }
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------
// The world: business A (the ids every request names), business B (the "other" callers).

const MARK_A = `zq-mark-a-${Math.random().toString(36).slice(2, 10)}`;

let a: Scenario;
let server: FastifyInstance;
const routes: Array<{ method: string; url: string }> = [];
const tokens: Record<"a" | "b", Record<Role, string>> = { a: {} as never, b: {} as never };
let slugA: string;

interface Request {
  url: string;
  body?: unknown;
  /** the client's address, for public routes limited per address */
  remoteAddress?: string;
}
type Build = () => Promise<Request>;

async function asOwnerA(method: "GET" | "POST" | "PATCH", url: string, body?: unknown) {
  const res = await server.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens.a.owner}` },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`fixture ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

let n = 0;
interface Fixtures {
  customerId: string;
  balanceToken: string;
  packageId: string;
  lineId: string;
  templateId: string;
  datedTemplateId: string;
  yogaTemplateId: string;
  customer(): Promise<{ id: string; balanceToken: string }>;
  pkg(templateId?: string, customerId?: string): Promise<{ packageId: string; lineId: string }>;
  redemption(): Promise<string>;
  appointment(): Promise<{ id: string; serviceId: string }>;
  ticket(): Promise<{ id: string; lineId: string }>;
  closedTicket(): Promise<{ id: string; lineId: string }>;
  session(): Promise<string>;
  enrolment(): Promise<string>;
  reviewedEnrolment(): Promise<string>;
  /** the token of a new online booking request (as its e-mail carries it) */
  bookingRequest(): Promise<string>;
  /** O2: a new practitioner of business A, to change the role of or deactivate */
  /** O1, O2: the token an e-mail carries: a sign-up link, an invitation, a password link */
  signUpToken(): Promise<string>;
  invitation(): Promise<{ id: string; token: string }>;
  passwordToken(): Promise<string>;
  member(): Promise<string>;
}
const fixtures: Fixtures = {
  customerId: "",
  balanceToken: "",
  packageId: "",
  lineId: "",
  templateId: "",
  datedTemplateId: "",
  yogaTemplateId: "",
  async customer(): Promise<{ id: string; balanceToken: string }> {
    const c = await asOwnerA("POST", "/api/v1/customers", { name: `Customer ${MARK_A} ${++n}` });
    const link = await asOwnerA("POST", `/api/v1/customers/${c.id}/balance-link`);
    return { id: c.id as string, balanceToken: link.token as string };
  },
  async pkg(
    templateId: string = fixtures.templateId,
    customerId: string = fixtures.customerId,
  ): Promise<{ packageId: string; lineId: string }> {
    const p = await asOwnerA("POST", `/api/v1/customers/${customerId}/packages`, { templateId });
    return { packageId: p.id as string, lineId: p.lines[0].id as string };
  },
  async redemption(): Promise<string> {
    const r = await asOwnerA(
      "POST",
      `/api/v1/packages/${fixtures.packageId}/lines/${fixtures.lineId}/redeem`,
      { reason: `redeemed ${MARK_A}` },
    );
    return r.id as string;
  },
  async appointment(): Promise<{ id: string; serviceId: string }> {
    const start = `2026-06-${String(2 + (++n % 20)).padStart(2, "0")}T08:00:00Z`;
    const ap = await asOwnerA("POST", "/api/v1/appointments", {
      customerId: fixtures.customerId,
      staffId: a.staff.practitioner.staffId,
      startAt: start,
      services: [{ itemId: a.items.pedicure }],
      allowOverlap: true,
      notes: `notes ${MARK_A}`,
    });
    return { id: ap.id as string, serviceId: ap.services[0].id as string };
  },
  async ticket(): Promise<{ id: string; lineId: string }> {
    const t = await asOwnerA("POST", "/api/v1/tickets", { customerId: fixtures.customerId });
    const withLine = await asOwnerA("POST", `/api/v1/tickets/${t.id}/lines`, { itemId: a.items.manicure });
    return { id: t.id as string, lineId: withLine.lines[0].id as string };
  },
  async closedTicket(): Promise<{ id: string; lineId: string }> {
    const t = await fixtures.ticket();
    await asOwnerA("POST", `/api/v1/tickets/${t.id}/close`, {});
    return t;
  },
  async session(): Promise<string> {
    const s = await asOwnerA("POST", "/api/v1/class-sessions", {
      itemId: a.items.yoga,
      instructorId: a.staff.practitioner.staffId,
      startAt: `2026-06-${String(2 + (++n % 20)).padStart(2, "0")}T16:00:00Z`,
      capacity: 50,
    });
    return s.id as string;
  },
  async enrolment(): Promise<string> {
    const c = await fixtures.customer();
    await fixtures.pkg(fixtures.yogaTemplateId, c.id);
    const sessionId = await fixtures.session();
    const s = await asOwnerA("POST", `/api/v1/class-sessions/${sessionId}/enrolments`, { customerId: c.id });
    return s.roster.find((e: { customer: { id: string } }) => e.customer.id === c.id).id as string;
  },
  async bookingRequest(): Promise<string> {
    const email = `confirm.${++n}@example.test`;
    await requestOnlineBooking(
      a.app,
      slugA,
      { ...onlineBooking(), name: "Online customer", email },
      { address: `203.0.113.${(n % 250) + 1}`, linkBase: "http://localhost" },
    );
    const mail = await a.database.db
      .selectFrom("outbox")
      .select("body_text")
      .where("to_address", "=", email)
      .executeTakeFirstOrThrow();
    return /\/confirm-booking\/([A-Za-z0-9_-]+)/.exec(mail.body_text)![1]!;
  },
  async signUpToken(): Promise<string> {
    const email = `sign-up.${++n}@example.test`;
    await requestSignUp(
      a.app,
      {
        businessName: `Signed up ${n}`,
        location: { name: "Main", timeZone: "Europe/Budapest", currency: "HUF" },
        owner: { name: "New owner", email },
      },
      { ip: `192.0.2.${(n % 250) + 1}`, linkBase: "http://localhost" },
    );
    return tokenMailedTo(email, "sign-up");
  },
  async invitation(): Promise<{ id: string; token: string }> {
    const email = `invited.${++n}@example.test`;
    const i = await asOwnerA("POST", "/api/v1/staff/invitations", {
      name: `Invited ${n}`,
      email,
      role: "practitioner",
      homeLocationId: a.budapest,
    });
    return { id: i.id as string, token: await tokenMailedTo(email, "invite") };
  },
  async passwordToken(): Promise<string> {
    const email = `reset.${++n}@example.test`;
    await addMember(a.database.db, {
      businessId: a.businessId,
      name: `Forgetful ${n}`,
      email,
      role: "practitioner",
      homeLocationId: a.budapest,
      passwordHash: null,
    });
    await requestPasswordReset(a.app, {
      email,
      ip: `192.0.2.${(n % 250) + 1}`,
      linkBase: "http://localhost",
    });
    return tokenMailedTo(email, "reset-password");
  },
  async member(): Promise<string> {
    const { member } = await addMember(a.database.db, {
      businessId: a.businessId,
      name: `Member ${MARK_A} ${++n}`,
      email: `member.${n}.${Math.random().toString(36).slice(2)}@example.test`,
      role: "practitioner",
      homeLocationId: a.budapest,
      passwordHash: null,
    });
    return member.id;
  },
  async reviewedEnrolment(): Promise<string> {
    const id = await fixtures.enrolment();
    await asOwnerA("POST", `/api/v1/class-enrolments/${id}/no-show`);
    return id;
  },
};

/** O1, O2: the token of the link last e-mailed to `email` (`/sign-up/…`, `/invite/…`, `/reset-password/…`). */
async function tokenMailedTo(email: string, path: string): Promise<string> {
  const mail = await a.database.db
    .selectFrom("outbox")
    .select("body_text")
    .where("to_address", "=", email)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return new RegExp(`/${path}/([A-Za-z0-9_-]+)`).exec(mail.body_text)![1]!;
}

const period = "from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z";
/** An import file (O5) of one new package: both businesses have a Budapest and a Manicure. */
const importFile = () =>
  "package_ref,customer_name,customer_email,item,credits_total,credits_used,price_paid,purchase_date,location\n" +
  `M${++n},Imported ${n},imported.${n}@example.test,Manicure,5,1,10000,2025-03-01,Budapest\n`;
const f = fixtures;

// A10: online bookings take only the free slots offered (09:00-17:30 in Budapest, inside the
// booking window): each request gets a slot of the manager's of its own, from 3 June on.
let slotN = 0;
function nextFreeSlot(): string {
  const k = slotN++;
  return Temporal.PlainDate.from("2026-06-03")
    .add({ days: Math.floor(k / 18) })
    .toZonedDateTime({ timeZone: "Europe/Budapest", plainTime: { hour: 9 } })
    .add({ minutes: 30 * (k % 18) })
    .toInstant()
    .toString();
}
const onlineBooking = () => ({
  locationId: a.budapest,
  staffId: a.staff.manager.staffId,
  itemId: a.items.manicure,
  startAt: nextFreeSlot(),
});

/** One request per route that an allowed caller of business A could make successfully. */
/** W3: an endpoint on a public address literal (nothing is delivered in this test) */
const webhookBody = () => ({
  url: "https://93.184.215.14/carnet-hook",
  events: ["customer.created"],
  description: "a receiver",
});
const freshWebhookOfA = async () => (await asOwnerA("POST", "/api/v1/webhooks", webhookBody())).id as string;
/** one endpoint for the routes that leave it there (a business has at most 20) */
let webhookA: Promise<string> | undefined;
const webhookOfA = () => {
  webhookA ??= freshWebhookOfA();
  return webhookA;
};

const REQUESTS: Record<string, Build> = {
  "GET /api/openapi.json": async () => ({ url: "/api/openapi.json" }),
  "GET /api/docs": async () => ({ url: "/api/docs" }),
  "HEAD /api/docs/": async () => ({ url: "/api/docs/" }),
  "GET /api/docs/static/index.html": async () => ({ url: "/api/docs/static/index.html" }),
  "GET /api/docs/static/swagger-initializer.js": async () => ({
    url: "/api/docs/static/swagger-initializer.js",
  }),
  "GET /api/docs/static/*": async () => ({ url: "/api/docs/static/swagger-ui.css" }),
  "GET /api/docs/json": async () => ({ url: "/api/docs/json" }),
  "GET /api/docs/yaml": async () => ({ url: "/api/docs/yaml" }),
  "GET /api/v1/health": async () => ({ url: "/api/v1/health" }),
  "GET /api/v1/health/live": async () => ({ url: "/api/v1/health/live" }),
  "GET /api/v1/health/ready": async () => ({ url: "/api/v1/health/ready" }),
  "POST /api/v1/auth/sign-in": async () => ({
    url: "/api/v1/auth/sign-in",
    body: { email: a.staff.front_desk.email, password: PASSWORD },
  }),
  "POST /api/v1/auth/sign-out": async () => ({ url: "/api/v1/auth/sign-out" }),
  "GET /api/v1/auth/me": async () => ({ url: "/api/v1/auth/me" }),
  "GET /api/v1/live": async () => ({ url: "/api/v1/live?seconds=0" }),
  "PATCH /api/v1/auth/me": async () => ({ url: "/api/v1/auth/me", body: { language: "hu" } }),
  "GET /api/v1/auth/session": async () => ({ url: "/api/v1/auth/session" }),
  "POST /api/v1/auth/location": async () => ({
    url: "/api/v1/auth/location",
    body: { locationId: a.budapest },
  }),
  "POST /api/v1/auth/tokens": async () => ({ url: "/api/v1/auth/tokens", body: { name: "integration" } }),
  // O2: each request on a member, token or location of its own, so that deactivating, demoting or
  // closing never touches the callers nor the slots online bookings above take
  "GET /api/v1/auth/tokens": async () => ({ url: "/api/v1/auth/tokens" }),
  "POST /api/v1/auth/tokens/:tokenId/revoke": async () => {
    const t = await asOwnerA("POST", "/api/v1/auth/tokens", { name: `To revoke ${++n}` });
    return { url: `/api/v1/auth/tokens/${t.id}/revoke` };
  },
  "POST /api/v1/staff/:staffId/role": async () => ({
    url: `/api/v1/staff/${await f.member()}/role`,
    body: { role: "front_desk" },
  }),
  "POST /api/v1/staff/:staffId/deactivate": async () => ({
    url: `/api/v1/staff/${await f.member()}/deactivate`,
  }),
  "POST /api/v1/staff/:staffId/reactivate": async () => {
    const member = await f.member();
    await asOwnerA("POST", `/api/v1/staff/${member}/deactivate`);
    return { url: `/api/v1/staff/${member}/reactivate` };
  },
  "GET /api/v1/staff/:staffId/working-hours": async () => ({
    url: `/api/v1/staff/${a.staff.practitioner.staffId}/working-hours`,
  }),
  "PUT /api/v1/staff/:staffId/working-hours/:locationId": async () => ({
    url: `/api/v1/staff/${await f.member()}/working-hours/${a.budapest}`,
    body: { hours: [{ weekday: 1, start: "10:00", end: "12:00" }] },
  }),
  "GET /api/v1/locations/:locationId/opening-hours": async () => ({
    url: `/api/v1/locations/${a.budapest}/opening-hours`,
  }),
  "PUT /api/v1/locations/:locationId/opening-hours": async () => {
    const l = await asOwnerA("POST", "/api/v1/locations", {
      name: `Branch ${++n}`,
      timeZone: "Europe/Vienna",
      currency: "EUR",
    });
    return {
      url: `/api/v1/locations/${l.id}/opening-hours`,
      body: { hours: [{ weekday: 2, start: "08:00", end: "20:00" }] },
    };
  },
  "GET /api/v1/auth/demo-logins": async () => ({ url: "/api/v1/auth/demo-logins" }),
  "GET /api/v1/setup": async () => ({ url: "/api/v1/setup" }),
  "POST /api/v1/setup/business": async () => ({
    url: "/api/v1/setup/business",
    body: {
      businessName: "A second first",
      location: { name: "Main", timeZone: "Europe/Budapest", currency: "HUF" },
      owner: { name: "Owner", email: `first.${++n}@example.test`, password: "long-enough-1" },
    },
  }),
  "POST /api/v1/public/sign-ups": async () => ({
    url: "/api/v1/public/sign-ups",
    body: {
      businessName: `Signing up ${++n}`,
      location: { name: "Main", timeZone: "Europe/Budapest", currency: "HUF" },
      owner: { name: "New owner", email: `signing-up.${n}@example.test` },
    },
    remoteAddress: `198.51.100.${(n % 250) + 1}`,
  }),
  "GET /api/v1/public/sign-ups/:token": async () => ({
    url: `/api/v1/public/sign-ups/${await f.signUpToken()}`,
  }),
  "POST /api/v1/public/sign-ups/:token": async () => ({
    url: `/api/v1/public/sign-ups/${await f.signUpToken()}`,
    body: { password: "long-enough-1" },
  }),
  "GET /api/v1/staff/invitations": async () => ({ url: "/api/v1/staff/invitations" }),
  "POST /api/v1/staff/invitations": async () => ({
    url: "/api/v1/staff/invitations",
    body: {
      name: "Invited",
      email: `inviting.${++n}@example.test`,
      role: "front_desk",
      homeLocationId: a.budapest,
    },
  }),
  "POST /api/v1/staff/invitations/:invitationId/resend": async () => ({
    url: `/api/v1/staff/invitations/${(await f.invitation()).id}/resend`,
  }),
  "DELETE /api/v1/staff/invitations/:invitationId": async () => ({
    url: `/api/v1/staff/invitations/${(await f.invitation()).id}`,
  }),
  "GET /api/v1/public/invites/:token": async () => ({
    url: `/api/v1/public/invites/${(await f.invitation()).token}`,
  }),
  "POST /api/v1/public/invites/:token/accept": async () => ({
    url: `/api/v1/public/invites/${(await f.invitation()).token}/accept`,
    body: { password: "long-enough-1" },
  }),
  "POST /api/v1/auth/password": async () => ({
    url: "/api/v1/auth/password",
    body: { currentPassword: PASSWORD, newPassword: "long-enough-1" },
  }),
  "POST /api/v1/public/password-resets": async () => ({
    url: "/api/v1/public/password-resets",
    body: { email: `anyone.${++n}@example.test` },
    remoteAddress: `198.51.100.${(n % 250) + 1}`,
  }),
  "GET /api/v1/public/password-resets/:token": async () => ({
    url: `/api/v1/public/password-resets/${await f.passwordToken()}`,
  }),
  "POST /api/v1/public/password-resets/:token": async () => ({
    url: `/api/v1/public/password-resets/${await f.passwordToken()}`,
    body: { password: "long-enough-1" },
  }),
  "GET /api/v1/public/balance/:token": async () => ({ url: `/api/v1/public/balance/${f.balanceToken}` }),
  "POST /api/v1/public/balance/:token/bookings": async () => {
    const c = await f.customer();
    const p = await f.pkg(f.datedTemplateId, c.id);
    return {
      url: `/api/v1/public/balance/${c.balanceToken}/bookings`,
      body: {
        packageLineId: p.lineId,
        locationId: a.budapest,
        staffId: a.staff.manager.staffId,
        startAt: nextFreeSlot(),
      },
    };
  },
  "GET /api/v1/public/businesses/:slug": async () => ({ url: `/api/v1/public/businesses/${slugA}` }),
  "GET /api/v1/public/businesses/:slug/slots": async () => ({
    url: `/api/v1/public/businesses/${slugA}/slots?locationId=${a.budapest}&staffId=${a.staff.manager.staffId}&itemId=${a.items.manicure}&date=2026-06-03`,
  }),
  "POST /api/v1/public/businesses/:slug/bookings": async () => ({
    url: `/api/v1/public/businesses/${slugA}/bookings`,
    body: { ...onlineBooking(), name: "Online customer", email: `online.${++n}@example.test` },
    remoteAddress: `198.51.100.${(n % 250) + 1}`,
  }),
  "GET /api/v1/public/booking-requests/:token": async () => ({
    url: `/api/v1/public/booking-requests/${await f.bookingRequest()}`,
  }),
  "POST /api/v1/public/booking-requests/:token/confirm": async () => ({
    url: `/api/v1/public/booking-requests/${await f.bookingRequest()}/confirm`,
  }),
  "GET /api/v1/business": async () => ({ url: "/api/v1/business" }),
  "PATCH /api/v1/business/settings": async () => ({
    url: "/api/v1/business/settings",
    body: { classNoShowPolicy: "review" },
  }),
  "GET /api/v1/locations": async () => ({ url: "/api/v1/locations" }),
  "POST /api/v1/locations": async () => ({
    url: "/api/v1/locations",
    body: { name: `Branch ${++n}`, timeZone: "Europe/Vienna", currency: "EUR" },
  }),
  "GET /api/v1/staff": async () => ({ url: "/api/v1/staff" }),
  "GET /api/v1/items": async () => ({ url: "/api/v1/items" }),
  "POST /api/v1/items": async () => ({
    url: "/api/v1/items",
    body: { kind: "service", name: `Service ${++n}`, prices: { HUF: 100_000 } },
  }),
  "PATCH /api/v1/items/:itemId": async () => ({
    url: `/api/v1/items/${a.items.facial}`,
    body: { prices: { HUF: 2_200_000, USD: 9_000 } },
  }),
  "GET /api/v1/templates": async () => ({ url: "/api/v1/templates" }),
  "POST /api/v1/templates": async () => ({
    url: "/api/v1/templates",
    body: {
      kind: "course",
      name: `Course ${++n}`,
      prices: { HUF: 100_000 },
      validity: { kind: "none" },
      items: [{ itemId: a.items.manicure, quantity: 3 }],
    },
  }),
  "PATCH /api/v1/templates/:templateId": async () => ({
    url: `/api/v1/templates/${f.templateId}`,
    body: { onlineBookable: true },
  }),
  "POST /api/v1/templates/:templateId/retire": async () => {
    const t = await asOwnerA("POST", "/api/v1/templates", {
      kind: "course",
      name: `Retiring ${++n}`,
      prices: { HUF: 100_000 },
      validity: { kind: "none" },
      items: [{ itemId: a.items.manicure, quantity: 3 }],
    });
    return { url: `/api/v1/templates/${t.id}/retire` };
  },
  "POST /api/v1/templates/preview": async () => ({
    url: "/api/v1/templates/preview",
    body: { prices: { HUF: 100_000 }, items: [{ itemId: a.items.manicure, quantity: 3 }] },
  }),
  "PATCH /api/v1/locations/:locationId": async () => ({
    url: `/api/v1/locations/${a.budapest}`,
    body: { address: `Andrássy út ${++n}` },
  }),
  "GET /api/v1/commission-rates": async () => ({ url: "/api/v1/commission-rates" }),
  "POST /api/v1/commission-rates": async () => ({
    url: "/api/v1/commission-rates",
    body: { staffId: a.staff.practitioner.staffId, category: `Category ${++n}`, rateBp: 1_000 },
  }),
  "DELETE /api/v1/commission-rates/:rateId": async () => {
    const rate = await asOwnerA("POST", "/api/v1/commission-rates", {
      staffId: a.staff.practitioner.staffId,
      category: `Removed ${++n}`,
      rateBp: 500,
    });
    return { url: `/api/v1/commission-rates/${rate.id}` };
  },
  "GET /api/v1/customers": async () => ({ url: "/api/v1/customers?q=" }),
  "POST /api/v1/customers": async () => ({ url: "/api/v1/customers", body: { name: "Walk-in" } }),
  "GET /api/v1/customers/:customerId": async () => ({ url: `/api/v1/customers/${f.customerId}` }),
  "PATCH /api/v1/customers/:customerId": async () => ({
    url: `/api/v1/customers/${f.customerId}`,
    body: { phone: "+36 1 234 5678" },
  }),
  "POST /api/v1/customers/:customerId/balance-link": async () => ({
    url: `/api/v1/customers/${(await f.customer()).id}/balance-link`,
  }),
  "DELETE /api/v1/customers/:customerId/balance-link": async () => ({
    url: `/api/v1/customers/${(await f.customer()).id}/balance-link`,
  }),
  "GET /api/v1/customers/:customerId/packages": async () => ({
    url: `/api/v1/customers/${f.customerId}/packages`,
  }),
  "POST /api/v1/customers/:customerId/packages": async () => ({
    url: `/api/v1/customers/${f.customerId}/packages`,
    body: { templateId: f.templateId },
  }),
  "POST /api/v1/customers/:customerId/redemptions": async () => ({
    url: `/api/v1/customers/${f.customerId}/redemptions`,
    body: { itemId: a.items.manicure },
  }),
  "GET /api/v1/customers/:customerId/store-credit": async () => ({
    url: `/api/v1/customers/${f.customerId}/store-credit`,
  }),
  "GET /api/v1/customers/:customerId/available-packages": async () => ({
    url: `/api/v1/customers/${f.customerId}/available-packages`,
  }),
  "GET /api/v1/packages/:packageId": async () => ({ url: `/api/v1/packages/${f.packageId}` }),
  "GET /api/v1/packages/:packageId/usage": async () => ({ url: `/api/v1/packages/${f.packageId}/usage` }),
  "POST /api/v1/packages/:packageId/lines/:lineId/redeem": async () => ({
    url: `/api/v1/packages/${f.packageId}/lines/${f.lineId}/redeem`,
    body: {},
  }),
  "POST /api/v1/packages/:packageId/lines/:lineId/adjustments": async () => ({
    url: `/api/v1/packages/${f.packageId}/lines/${f.lineId}/adjustments`,
    body: { direction: "add", quantity: 1, reason: `goodwill ${MARK_A}` },
  }),
  "POST /api/v1/packages/:packageId/extend": async () => {
    const p = await f.pkg(f.datedTemplateId);
    return { url: `/api/v1/packages/${p.packageId}/extend`, body: { expiresOn: "2027-01-31" } };
  },
  "POST /api/v1/packages/:packageId/refund": async () => {
    const p = await f.pkg();
    return { url: `/api/v1/packages/${p.packageId}/refund`, body: { kind: "money" } };
  },
  "POST /api/v1/packages/:packageId/pauses": async () => {
    const p = await f.pkg();
    return {
      url: `/api/v1/packages/${p.packageId}/pauses`,
      body: { startsOn: "2026-07-01", endsOn: "2026-07-10", reason: `holiday ${MARK_A}` },
    };
  },
  "POST /api/v1/packages/:packageId/pauses/:pauseId/end": async () => {
    const p = await f.pkg();
    const paused = await asOwnerA("POST", `/api/v1/packages/${p.packageId}/pauses`, {
      startsOn: "2026-07-01",
      endsOn: "2026-07-10",
      reason: `holiday ${MARK_A}`,
    });
    return { url: `/api/v1/packages/${p.packageId}/pauses/${paused.pauses[0].id}/end`, body: {} };
  },
  "POST /api/v1/packages/:packageId/transfer": async () => {
    const p = await f.pkg();
    const to = await f.customer();
    return {
      url: `/api/v1/packages/${p.packageId}/transfer`,
      body: { toCustomerId: to.id, reason: `moved ${MARK_A}` },
    };
  },
  "POST /api/v1/movements/:movementId/undo-transfer": async () => {
    const p = await f.pkg();
    const to = await f.customer();
    const moved = await asOwnerA("POST", `/api/v1/packages/${p.packageId}/transfer`, {
      toCustomerId: to.id,
      reason: `moved ${MARK_A}`,
    });
    const usage = await asOwnerA("GET", `/api/v1/packages/${moved.to.id}/usage`);
    return { url: `/api/v1/movements/${usage.items[0].id}/undo-transfer`, body: {} };
  },
  "POST /api/v1/movements/:movementId/undo": async () => ({
    url: `/api/v1/movements/${await f.redemption()}/undo`,
    body: { reason: "mistake" },
  }),
  "GET /api/v1/activity": async () => ({ url: "/api/v1/activity" }),
  "GET /api/v1/appointments": async () => ({
    url: `/api/v1/appointments?${period.replace("12-31", "02-15")}`,
  }),
  "POST /api/v1/appointments": async () => ({
    url: "/api/v1/appointments",
    body: {
      customerId: f.customerId,
      staffId: a.staff.practitioner.staffId,
      startAt: "2026-06-03T12:00:00Z",
      services: [{ itemId: a.items.pedicure }],
      allowOverlap: true,
    },
  }),
  "GET /api/v1/appointments/:appointmentId": async () => ({
    url: `/api/v1/appointments/${(await f.appointment()).id}`,
  }),
  "PATCH /api/v1/appointments/:appointmentId": async () => ({
    url: `/api/v1/appointments/${(await f.appointment()).id}`,
    body: { startAt: "2026-06-25T09:00:00Z", allowOverlap: true },
  }),
  "DELETE /api/v1/appointments/:appointmentId": async () => ({
    url: `/api/v1/appointments/${(await f.appointment()).id}`,
  }),
  "POST /api/v1/appointments/:appointmentId/cancel": async () => ({
    url: `/api/v1/appointments/${(await f.appointment()).id}/cancel`,
    body: {},
  }),
  "POST /api/v1/appointments/:appointmentId/check-in": async () => ({
    url: `/api/v1/appointments/${(await f.appointment()).id}/check-in`,
  }),
  "POST /api/v1/appointments/:appointmentId/no-show": async () => ({
    url: `/api/v1/appointments/${(await f.appointment()).id}/no-show`,
  }),
  "POST /api/v1/appointments/:appointmentId/services/:serviceId/coverage": async () => {
    const ap = await f.appointment();
    return {
      url: `/api/v1/appointments/${ap.id}/services/${ap.serviceId}/coverage`,
      body: { mode: "paying" },
    };
  },
  "POST /api/v1/appointments/:appointmentId/checkout": async () => ({
    url: `/api/v1/appointments/${(await f.appointment()).id}/checkout`,
  }),
  "GET /api/v1/class-sessions": async () => ({
    url: `/api/v1/class-sessions?${period.replace("12-31", "02-15")}`,
  }),
  "POST /api/v1/class-sessions": async () => ({
    url: "/api/v1/class-sessions",
    body: {
      itemId: a.items.yoga,
      instructorId: a.staff.practitioner.staffId,
      startAt: "2026-06-10T16:00:00Z",
      capacity: 10,
    },
  }),
  "GET /api/v1/class-sessions/:sessionId": async () => ({
    url: `/api/v1/class-sessions/${await f.session()}`,
  }),
  "POST /api/v1/class-sessions/:sessionId/cancel": async () => ({
    url: `/api/v1/class-sessions/${await f.session()}/cancel`,
    body: {},
  }),
  "POST /api/v1/class-sessions/:sessionId/enrolments": async () => ({
    url: `/api/v1/class-sessions/${await f.session()}/enrolments`,
    body: { customerId: f.customerId },
  }),
  "POST /api/v1/class-enrolments/:enrolmentId/cancel": async () => ({
    url: `/api/v1/class-enrolments/${await f.enrolment()}/cancel`,
  }),
  "POST /api/v1/class-enrolments/:enrolmentId/no-show": async () => ({
    url: `/api/v1/class-enrolments/${await f.enrolment()}/no-show`,
  }),
  "POST /api/v1/class-enrolments/:enrolmentId/review": async () => ({
    url: `/api/v1/class-enrolments/${await f.reviewedEnrolment()}/review`,
    body: { decision: "release" },
  }),
  "POST /api/v1/class-enrolments/:enrolmentId/checkout": async () => ({
    url: `/api/v1/class-enrolments/${await f.enrolment()}/checkout`,
  }),
  "GET /api/v1/class-reviews": async () => ({ url: "/api/v1/class-reviews" }),
  "GET /api/v1/tickets": async () => ({ url: "/api/v1/tickets" }),
  "POST /api/v1/tickets": async () => ({ url: "/api/v1/tickets", body: { customerId: f.customerId } }),
  "GET /api/v1/tickets/:ticketId": async () => ({ url: `/api/v1/tickets/${(await f.ticket()).id}` }),
  "PATCH /api/v1/tickets/:ticketId": async () => ({
    url: `/api/v1/tickets/${(await f.ticket()).id}`,
    body: { customerId: null },
  }),
  "POST /api/v1/tickets/:ticketId/lines": async () => ({
    url: `/api/v1/tickets/${(await f.ticket()).id}/lines`,
    body: { itemId: a.items.oil },
  }),
  "DELETE /api/v1/tickets/:ticketId/lines/:lineId": async () => {
    const t = await f.ticket();
    return { url: `/api/v1/tickets/${t.id}/lines/${t.lineId}` };
  },
  "POST /api/v1/tickets/:ticketId/lines/:lineId/coverage": async () => {
    const t = await f.ticket();
    return { url: `/api/v1/tickets/${t.id}/lines/${t.lineId}/coverage`, body: { mode: "paying" } };
  },
  "POST /api/v1/tickets/:ticketId/close": async () => ({
    url: `/api/v1/tickets/${(await f.ticket()).id}/close`,
    body: {},
  }),
  "POST /api/v1/tickets/:ticketId/void": async () => ({
    url: `/api/v1/tickets/${(await f.ticket()).id}/void`,
    body: {},
  }),
  "POST /api/v1/tickets/:ticketId/lines/:lineId/refund": async () => {
    const t = await f.closedTicket();
    return { url: `/api/v1/tickets/${t.id}/lines/${t.lineId}/refund`, body: {} };
  },
  "GET /api/v1/reports/balances": async () => ({ url: "/api/v1/reports/balances" }),
  "GET /api/v1/reports/balances.csv": async () => ({ url: "/api/v1/reports/balances.csv" }),
  "GET /api/v1/reports/liability": async () => ({ url: "/api/v1/reports/liability" }),
  "GET /api/v1/reports/source": async () => ({ url: "/api/v1/reports/source" }),
  "GET /api/v1/reports/expiring": async () => ({ url: "/api/v1/reports/expiring" }),
  "GET /api/v1/reports/redemptions": async () => ({ url: `/api/v1/reports/redemptions?${period}` }),
  "GET /api/v1/reports/revenue": async () => ({ url: `/api/v1/reports/revenue?${period}` }),
  "GET /api/v1/reports/commissions": async () => ({ url: `/api/v1/reports/commissions?${period}` }),
  "POST /api/v1/imports/dry-run": async () => ({
    url: "/api/v1/imports/dry-run",
    body: { csv: importFile() },
  }),
  "POST /api/v1/imports": async () => ({ url: "/api/v1/imports", body: { csv: importFile() } }),
  "GET /api/v1/exports/business.zip": async () => ({ url: "/api/v1/exports/business.zip" }),
  "GET /api/v1/customers/:customerId/export": async () => ({
    url: `/api/v1/customers/${f.customerId}/export`,
  }),
  "GET /api/v1/webhooks": async () => ({ url: "/api/v1/webhooks" }),
  "POST /api/v1/webhooks": async () => ({ url: "/api/v1/webhooks", body: webhookBody() }),
  "GET /api/v1/webhooks/:endpointId": async () => ({ url: `/api/v1/webhooks/${await webhookOfA()}` }),
  "PATCH /api/v1/webhooks/:endpointId": async () => ({
    url: `/api/v1/webhooks/${await webhookOfA()}`,
    body: { description: `changed ${MARK_A}` },
  }),
  "DELETE /api/v1/webhooks/:endpointId": async () => ({ url: `/api/v1/webhooks/${await freshWebhookOfA()}` }),
  "POST /api/v1/webhooks/:endpointId/rotate-secret": async () => ({
    url: `/api/v1/webhooks/${await webhookOfA()}/rotate-secret`,
  }),
  "GET /api/v1/webhooks/:endpointId/deliveries": async () => ({
    url: `/api/v1/webhooks/${await webhookOfA()}/deliveries`,
  }),
  "POST /api/v1/webhooks/:endpointId/deliveries/:deliveryId/resend": async () => {
    const endpointId = await webhookOfA();
    await f.customer();
    const log = await asOwnerA("GET", `/api/v1/webhooks/${endpointId}/deliveries`);
    return { url: `/api/v1/webhooks/${endpointId}/deliveries/${log.items[0].id}/resend` };
  },
  "GET /api/v1/auth/me/calendar-feed": async () => ({ url: "/api/v1/auth/me/calendar-feed" }),
  "POST /api/v1/auth/me/calendar-feed": async () => ({ url: "/api/v1/auth/me/calendar-feed" }),
  "DELETE /api/v1/auth/me/calendar-feed": async () => ({ url: "/api/v1/auth/me/calendar-feed" }),
  "GET /api/v1/customers/:customerId/calendar-feed": async () => ({
    url: `/api/v1/customers/${f.customerId}/calendar-feed`,
  }),
  "POST /api/v1/customers/:customerId/calendar-feed": async () => ({
    url: `/api/v1/customers/${(await f.customer()).id}/calendar-feed`,
  }),
  "DELETE /api/v1/customers/:customerId/calendar-feed": async () => ({
    url: `/api/v1/customers/${(await f.customer()).id}/calendar-feed`,
  }),
  // a customer of A with a booking, and a new link to their feed
  "GET /api/v1/feeds/:file": async () => {
    const c = await f.customer();
    await asOwnerA("POST", "/api/v1/appointments", {
      customerId: c.id,
      staffId: a.staff.practitioner.staffId,
      startAt: `2026-06-${String(2 + (++n % 20)).padStart(2, "0")}T09:00:00Z`,
      services: [{ itemId: a.items.pedicure }],
      allowOverlap: true,
    });
    const feed = await asOwnerA("POST", `/api/v1/customers/${c.id}/calendar-feed`);
    return { url: feed.path as string };
  },
};

beforeAll(async () => {
  a = await scenario();
  const b = await addBusiness(a.database, a.clock, "Other Salon");
  server = await buildServer(a.app, {
    logger: false,
    secureCookies: false,
    demoLogins: null,
    signUpOpen: true,
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    },
  });
  await server.ready();
  for (const role of ["owner", "manager", "front_desk", "practitioner"] as const) {
    tokens.a[role] = (await createApiToken(a.app, a.staff[role], "matrix")).token;
    tokens.b[role] = (await createApiToken(b.app, b.staff[role], "matrix")).token;
  }
  slugA = (
    await a.database.db
      .selectFrom("businesses")
      .select("slug")
      .where("id", "=", a.businessId)
      .executeTakeFirstOrThrow()
  ).slug;
  const c = await f.customer();
  f.customerId = c.id;
  f.balanceToken = c.balanceToken;
  const template = await asOwnerA("POST", "/api/v1/templates", {
    kind: "package",
    name: `Big package ${MARK_A}`,
    prices: { HUF: 5_400_000, USD: 20_000 },
    validity: { kind: "none" },
    items: [
      { itemId: a.items.manicure, quantity: 5000 },
      { itemId: a.items.oil, quantity: 10 },
    ],
  });
  f.templateId = template.id;
  f.datedTemplateId = (
    await asOwnerA("POST", "/api/v1/templates", {
      kind: "course",
      name: `Dated pedicures ${MARK_A}`,
      prices: { HUF: 5_400_000, USD: 20_000 },
      validity: { kind: "days", count: 30 },
      onlineBookable: true,
      items: [{ itemId: a.items.pedicure, quantity: 10 }],
    })
  ).id;
  f.yogaTemplateId = (
    await asOwnerA("POST", "/api/v1/templates", {
      kind: "course",
      name: `Yoga pass ${MARK_A}`,
      prices: { HUF: 5_400_000, USD: 20_000 },
      validity: { kind: "none" },
      items: [{ itemId: a.items.yoga, quantity: 10 }],
    })
  ).id;
  const p = await f.pkg();
  f.packageId = p.packageId;
  f.lineId = p.lineId;
  await asOwnerA("PATCH", "/api/v1/business/settings", { classNoShowPolicy: "review" });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await a?.close();
});

function key(route: { method: string; url: string }) {
  return `${route.method} ${route.url}`;
}

function outcomeOf(res: LightMyRequestResponse): Outcome | string {
  if (res.statusCode >= 200 && res.statusCode < 300) return "ok";
  return String(res.statusCode);
}

describe("authorization matrix (S1, S2)", () => {
  it("lists every registered route, and only those", () => {
    // A HEAD route that mirrors a GET route is called below with the GET row's expectations;
    // a HEAD route of its own needs a row of its own.
    const gets = new Set(routes.filter((r) => r.method === "GET").map((r) => r.url));
    const registered = new Set(routes.filter((r) => r.method !== "HEAD" || !gets.has(r.url)).map(key));
    expect(
      [...registered].filter((r) => !(r in EXPECTED)),
      "routes missing from the table",
    ).toEqual([]);
    expect(
      Object.keys(EXPECTED).filter((r) => !registered.has(r)),
      "rows for no route",
    ).toEqual([]);
    expect(Object.keys(REQUESTS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it("every route × role × own/other business answers as the table says", async () => {
    const mismatches: string[] = [];
    const leaks: string[] = [];
    const all = routes.map(key);
    for (const route of Object.keys(EXPECTED)) {
      const [method] = route.split(" ") as ["GET" | "HEAD" | "POST" | "PATCH" | "DELETE"];
      const methods = method === "GET" && all.includes(`HEAD ${route.slice(4)}`) ? ["GET", "HEAD"] : [method];
      for (const side of ["own", "other"] as const) {
        const expected = parse(EXPECTED[route]![side]);
        for (const [i, caller] of CALLERS.entries()) {
          for (const m of methods) {
            const req = await REQUESTS[route]!().catch((error: Error) => error);
            if (req instanceof Error) {
              mismatches.push(`${route}: ${req.message.slice(0, 200)}`);
              continue;
            }
            const token = caller === "anonymous" ? null : tokens[side === "own" ? "a" : "b"][caller];
            const res = await server.inject({
              method: m as "GET",
              url: req.url,
              headers: token ? { authorization: `Bearer ${token}` } : {},
              ...(req.body !== undefined ? { payload: req.body as object } : {}),
              ...(req.remoteAddress ? { remoteAddress: req.remoteAddress } : {}),
            });
            const got = outcomeOf(res);
            if (got !== expected[i])
              mismatches.push(
                `${m} ${route.slice(method.length + 1)} ${side} ${caller}: expected ${expected[i]}, got ${got} ${res.body.slice(0, 160)}`,
              );
            if (res.statusCode >= 500) mismatches.push(`${route} ${side} ${caller}: ${res.statusCode}`);
            // The public balance link shows its customer's data to whoever holds the token (R4).
            // The public catalog shows its business's bookable staff by name to anyone (A10).
            // A calendar feed shows its person's bookings to whoever holds its token (W4).
            const publicByDesign =
              route.includes("/public/balance/") ||
              route.includes("/public/businesses/") ||
              route.startsWith("GET /api/v1/feeds/");
            if (side === "other" && !publicByDesign && res.body.includes(MARK_A))
              leaks.push(`${m} ${req.url} (${caller})`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(leaks, "responses to business B that carry business A's data").toEqual([]);
    // every route × 4 roles × 2 businesses with their fixtures: 70 s on an idle 2-core machine
  }, 300_000);

  it("docs/authorization.md is this table", () => {
    const doc = authorizationDoc();
    if (process.env.CARNET_UPDATE_DOCS === "1") writeFileSync(DOC, doc);
    expect(existsSync(DOC) ? readFileSync(DOC, "utf8") : "", "run CARNET_UPDATE_DOCS=1 on this test").toBe(
      doc,
    );
  });
});
