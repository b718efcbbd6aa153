// Scenario builders: tests read like the story they check ("a customer with 5x manicure, 3 used,
// redeems her 4th → 4/5"). Everything goes through the application layer on a real database.
import { Temporal } from "temporal-polyfill";
import { inject } from "vitest";
import { addMember } from "../../src/app/accounts/members.js";
import type { Actor, App, Ctx } from "../../src/app/context.js";
import { createItem, createTemplate, type TemplateInput } from "../../src/app/manage-catalog.js";
import { createCustomer } from "../../src/app/manage-customers.js";
import { hashPassword } from "../../src/app/passwords.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { sellPackage } from "../../src/app/sell-package.js";
import type { Database } from "../../src/db/database.js";
import type { Role } from "../../src/db/schema.js";
import { createTestDatabase } from "./test-db.js";

export const PASSWORD = "correct horse battery";
let passwordHash: Promise<string> | undefined;

export class FakeClock {
  constructor(public now: Temporal.Instant = Temporal.Instant.from("2026-06-01T10:00:00Z")) {}
  readonly fn = () => this.now;
  set(iso: string) {
    this.now = Temporal.Instant.from(iso);
  }
  /** a local wall-clock time in a zone, e.g. at("2026-03-29T23:59", "Europe/Budapest") */
  setLocal(local: string, zone: string) {
    this.now = Temporal.PlainDateTime.from(local).toZonedDateTime(zone).toInstant();
  }
  advance(duration: Temporal.DurationLike) {
    this.now = this.now.add(duration);
  }
}

export interface Scenario {
  database: Database;
  app: App;
  clock: FakeClock;
  businessId: string;
  budapest: string;
  newYork: string;
  staff: Record<Role, Actor & { email: string }>;
  items: { manicure: string; pedicure: string; facial: string; massage: string; yoga: string; oil: string };
  as(role: Role, locationId?: string): Ctx;
  template(input: Partial<TemplateInput> & Pick<TemplateInput, "items">): Promise<string>;
  customer(name?: string): Promise<string>;
  /** a customer who bought the template; returns the package and its first line */
  sold(
    templateId: string,
    options?: { customerId?: string; locationId?: string; priceMinor?: number },
  ): Promise<Sold>;
  redeem(sold: Sold, times?: number, role?: Role): Promise<void>;
  close(): Promise<void>;
}

export interface Sold {
  packageId: string;
  lineId: string;
  lineIds: string[];
  customerId: string;
}

let slugCounter = 0;

/** A business of its own on the given database (a second tenant for S2 tests). */
export async function addBusiness(
  database: Database,
  clock: FakeClock,
  name = "Salon",
): Promise<Omit<Scenario, "database" | "close">> {
  const db = database.db;
  const app: App = { database, clock: clock.fn };
  // made once for the run by global-setup.ts; suites without it (soak) hash it here
  passwordHash ??= Promise.resolve(inject("scenarioPasswordHash") ?? hashPassword(PASSWORD));
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${++slugCounter}-${Math.floor(Math.random() * 1e6)}`;
  const business = await db
    .insertInto("businesses")
    .values({ name, slug })
    .returning("id")
    .executeTakeFirstOrThrow();
  const location = async (n: string, zone: string, currency: string) =>
    (
      await db
        .insertInto("locations")
        .values({ business_id: business.id, name: n, time_zone: zone, currency })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const budapest = await location("Budapest", "Europe/Budapest", "HUF");
  const newYork = await location("New York", "America/New_York", "USD");
  const staff = {} as Record<Role, Actor & { email: string }>;
  for (const role of ["owner", "manager", "front_desk", "practitioner"] as const) {
    const email = `${role}.${slug}@example.test`;
    // Every staff member is a person with an account (O1), as the application makes them.
    const { member } = await addMember(db, {
      businessId: business.id,
      name: `${role} of ${name}`,
      email,
      role,
      homeLocationId: budapest,
      passwordHash: await passwordHash,
    });
    staff[role] = { businessId: business.id, staffId: member.id, role, locationId: budapest, email };
  }
  const as = (role: Role, locationId?: string): Ctx => ({
    ...app,
    actor: { ...staff[role], ...(locationId ? { locationId } : {}) },
  });
  const owner = as("owner");
  const item = async (kind: "service" | "product" | "class_type", n: string, huf: number, usd: number) =>
    (await createItem(owner, { kind, name: n, prices: { HUF: huf, USD: usd } })).id;
  const items = {
    manicure: await item("service", "Manicure", 1_200_000, 4_500),
    pedicure: await item("service", "Pedicure", 1_500_000, 5_500),
    facial: await item("service", "Facial", 2_200_000, 9_000),
    massage: await item("service", "Massage", 2_500_000, 11_000),
    yoga: await item("class_type", "Yoga class", 400_000, 2_500),
    oil: await item("product", "Cuticle oil", 450_000, 1_800),
  };
  const template: Scenario["template"] = async (input) =>
    (
      await createTemplate(owner, {
        kind: input.items.length === 1 ? "course" : "package",
        name: input.name ?? "Package",
        prices: input.prices ?? { HUF: 5_400_000, USD: 20_000 },
        validity: input.validity ?? { kind: "none" },
        items: input.items,
        ...(input.locationIds ? { locationIds: input.locationIds } : {}),
        ...(input.commissionBasis ? { commissionBasis: input.commissionBasis } : {}),
      })
    ).id;
  const customer: Scenario["customer"] = async (n = "Anna Kertész") =>
    (await createCustomer(as("front_desk"), { name: n })).id;
  const sold: Scenario["sold"] = async (templateId, options = {}) => {
    const customerId = options.customerId ?? (await customer());
    const pkg = await sellPackage(as("front_desk", options.locationId), {
      customerId,
      templateId,
      ...(options.priceMinor !== undefined ? { priceMinor: options.priceMinor } : {}),
    });
    return { packageId: pkg.id, lineId: pkg.lines[0]!.id, lineIds: pkg.lines.map((l) => l.id), customerId };
  };
  const redeem: Scenario["redeem"] = async (s, times = 1, role = "front_desk") => {
    for (let i = 0; i < times; i++) await redeemLine(as(role), { lineId: s.lineId, quantity: 1 });
  };
  return {
    app,
    clock,
    businessId: business.id,
    budapest,
    newYork,
    staff,
    items,
    as,
    template,
    customer,
    sold,
    redeem,
  };
}

export async function scenario(clock = new FakeClock()): Promise<Scenario> {
  const database = await createTestDatabase();
  const business = await addBusiness(database, clock);
  return { ...business, database, close: () => database.close() };
}

// Every table a request could change, but the failed sign-in throttle (sign_in_throttle_*): counting
// refused sign-ins is the rate limit's job (S1), a change of state on a 4xx by design.
export const CHANGEABLE_TABLES = [
  "businesses",
  "locations",
  "staff",
  "accounts",
  "staff_invitations",
  "password_resets",
  "sign_up_requests",
  "first_run_claims",
  "staff_sessions",
  "api_tokens",
  "staff_working_hours",
  "location_opening_hours",
  "customers",
  "items",
  "commission_rates",
  "package_templates",
  "template_items",
  "template_locations",
  "customer_packages",
  "package_lines",
  "movements",
  "activity_log",
  "store_credit_accounts",
  "store_credit_movements",
  "idempotency_keys",
  "appointments",
  "appointment_services",
  "tickets",
  "ticket_counters",
  "ticket_lines",
  "ticket_payments",
  "class_sessions",
  "class_enrolments",
  "outbox",
  // not public_request_counts nor account_request_counts: counting refused booking, sign-up and
  // password reset requests is those limits' job (A10, O1, O2)
  "online_booking_requests",
] as const;

/** Row counts of every table in CHANGEABLE_TABLES, to prove a refused request wrote nothing. */
export async function rowCounts(
  database: Database,
): Promise<Record<(typeof CHANGEABLE_TABLES)[number], number>> {
  const counts = {} as Record<(typeof CHANGEABLE_TABLES)[number], number>;
  for (const t of CHANGEABLE_TABLES) {
    const row = await database.db
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    counts[t] = Number(row.n);
  }
  return counts;
}

export async function lineCounters(database: Database, lineId: string) {
  const l = await database.db
    .selectFrom("package_lines")
    .select(["total", "used", "booked", "expired"])
    .where("id", "=", lineId)
    .executeTakeFirstOrThrow();
  return { ...l, remaining: l.total - l.used - l.booked };
}
