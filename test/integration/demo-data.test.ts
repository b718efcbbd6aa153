// The demo data shows every status and the seed scenarios, relative to the day it is loaded.
import { Temporal } from "temporal-polyfill";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadSessions, reviewList } from "../../src/app/classes.js";
import { systemClock } from "../../src/app/context.js";
import { loadDemoData } from "../../src/app/demo-data.js";
import { loadPackages } from "../../src/app/package-view.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import type { Database } from "../../src/db/database.js";
import { createTestDatabase } from "../support/test-db.js";

let database: Database;
let businessId: string;
const now = systemClock();
beforeAll(async () => {
  database = await createTestDatabase();
  ({ businessId } = await loadDemoData({ database, clock: () => now }));
}, 120_000);
afterAll(async () => database.close());

it("covers every status and the seed scenarios, and verifies clean", async () => {
  const packages = await loadPackages(database.db, businessId, {}, now);
  expect(new Set(packages.map((p) => p.status))).toEqual(
    new Set(["active", "fully_used", "expired", "refunded"]),
  );
  const customers = await database.db
    .selectFrom("customers")
    .select(["id", "name"])
    .where("business_id", "=", businessId)
    .execute();
  const of = (name: string) =>
    packages.filter((p) => p.customerId === customers.find((c) => c.name === name)?.id);
  expect(of("Anna Kertész")[0]?.lines[0]).toMatchObject({
    itemName: "Manicure",
    total: 5,
    used: 3,
    remaining: 2,
  });
  expect(of("Bella Fodor").filter((p) => p.status === "active")).toHaveLength(3);
  expect(of("Clara Weiss")[0]?.lines[0]).toMatchObject({ total: 10, remaining: 5 });
  expect(of("Dóra Simon")[0]?.lines[0]).toMatchObject({ total: 15, remaining: 14 });
  expect(packages.some((p) => p.lines.some((l) => l.unlimited))).toBe(true);
  expect(packages.some((p) => p.currency === "USD")).toBe(true);
  expect((await verifyLedger(database.db)).mismatches).toEqual([]);
}, 60_000);

it("has classes around today with rosters paid by package, by price and on a ticket, and verifies clean (C1, C4, C7)", async () => {
  const day = 86_400_000;
  const sessions = await loadSessions(database.db, businessId, {
    from: new Date(now.epochMilliseconds - 2 * day),
    to: new Date(now.epochMilliseconds + 6 * day),
  });
  expect(new Set(sessions.map((s) => s.name))).toEqual(new Set(["Yoga class", "Haircut Training"]));
  expect(sessions.filter((s) => s.status === "cancelled")).toHaveLength(1);
  const roster = sessions.flatMap((s) => s.roster);
  const states = new Set(roster.map((r) => r.payment.state));
  for (const state of ["available_in_package", "package_used", "paid", "price"])
    expect(states).toContain(state);
  expect(roster.filter((r) => r.status === "cancelled")).toHaveLength(1);
  expect(roster.some((r) => r.payment.packageName === "10-class Yoga pass")).toBe(true);
  // A class today still to come with an attendee whose credit is booked, not yet used.
  const today = now.toZonedDateTimeISO("Europe/Budapest").toPlainDate();
  const tonight = sessions.find(
    (s) =>
      s.status === "scheduled" &&
      new Date(s.endAt).getTime() > now.epochMilliseconds &&
      Temporal.Instant.from(s.startAt).toZonedDateTimeISO("Europe/Budapest").toPlainDate().equals(today) &&
      s.roster.some((r) => r.payment.state === "available_in_package"),
  );
  expect(tonight).toBeDefined();
  const booked = tonight!.roster.find((r) => r.payment.state === "available_in_package")!;
  expect(booked.payment.package).toMatchObject({ booked: expect.any(Number) });
  expect(booked.payment.package!.booked).toBeGreaterThan(0);
  const manager = await database.db
    .selectFrom("staff")
    .select(["id", "home_location_id"])
    .where("business_id", "=", businessId)
    .where("role", "=", "manager")
    .executeTakeFirstOrThrow();
  const reviews = await reviewList({
    database,
    clock: () => now,
    actor: { businessId, staffId: manager.id, role: "manager", locationId: manager.home_location_id },
  });
  expect(reviews.map((r) => r.className)).toEqual(["Yoga class"]);
  expect((await verifyLedger(database.db)).mismatches).toEqual([]);
}, 60_000);
