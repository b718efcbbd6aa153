// What the database itself refuses, whatever the application does (L1, L2, L3), and that both
// backends hand back the same JavaScript types.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { lineCounters, type Scenario, type Sold, scenario } from "../support/scenario.js";
import { serverDatabaseUrl, testBackend } from "../support/test-db.js";

let s: Scenario;
let pkg: Sold;
let reserveId: string;

beforeAll(async () => {
  s = await scenario();
  pkg = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 3 }] }));
  await s.redeem(pkg);
  const { writeMovement } = await import("../../src/app/write-movement.js");
  const reserve = await writeMovement(s.database.db, {
    businessId: s.businessId,
    lineId: pkg.lineId,
    kind: "reserve",
    quantity: 1,
    at: s.clock.now,
    locationId: s.budapest,
    actorStaffId: s.staff.front_desk.staffId,
    activity: null,
  });
  reserveId = reserve.id;
});
afterAll(async () => s.close());

const db = () => s.database.db;

describe("history is append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE of movements", async () => {
    await expect(
      sql`UPDATE movements SET quantity = 2 WHERE line_id = ${pkg.lineId}`.execute(db()),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM movements WHERE line_id = ${pkg.lineId}`.execute(db())).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`TRUNCATE movements CASCADE`.execute(db())).rejects.toThrow(/append-only/);
  });
  it("refuses UPDATE and DELETE of activity entries", async () => {
    await expect(sql`UPDATE activity_log SET action = 'x'`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM activity_log`.execute(db())).rejects.toThrow(/append-only/);
  });
});

describe("counters", () => {
  it("refuses a negative remaining (used + booked > total) and negative counters", async () => {
    await expect(
      sql`UPDATE package_lines SET used = total WHERE id = ${pkg.lineId}`.execute(db()),
    ).rejects.toThrow(/remaining_non_negative/);
    await expect(
      sql`UPDATE package_lines SET booked = -1 WHERE id = ${pkg.lineId}`.execute(db()),
    ).rejects.toThrow(/counters_non_negative/);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({
      total: 3,
      used: 1,
      booked: 1,
      remaining: 1,
    });
  });
});

describe("the rules on one column (domains, migration 0009)", () => {
  it("refuse a bad value in a line or a new movement", async () => {
    for (const [set, rule] of [
      ["value_minor = -1", /amount_non_negative/],
      ["retail_price_minor = -1", /amount_non_negative/],
      ["granted = 0", /credits_positive/],
      ["expired = -1", /counters_non_negative/],
    ] as const) {
      await expect(
        sql`UPDATE package_lines SET ${sql.raw(set)} WHERE id = ${pkg.lineId}`.execute(db()),
        set,
      ).rejects.toThrow(rule);
    }
    // a copy of one of the line's movements with one value changed
    const copyWith = (column: string, value: string) => {
      const pick = (c: string) => (c === column ? sql.raw(value) : sql.ref(`m.${c}`));
      return sql`INSERT INTO movements (business_id, package_id, line_id, customer_id, kind, quantity,
            value_minor, reason, total_after, used_after, booked_after)
          SELECT m.business_id, m.package_id, m.line_id, m.customer_id, ${pick("kind")}, ${pick("quantity")},
                 ${pick("value_minor")}, ${pick("reason")}, m.total_after, m.used_after, m.booked_after
            FROM movements m WHERE m.line_id = ${pkg.lineId} AND m.kind = 'redeem' LIMIT 1`.execute(db());
    };
    await expect(copyWith("kind", "'bogus'")).rejects.toThrow(/movement_kind_known/);
    await expect(copyWith("quantity", "0")).rejects.toThrow(/credits_positive/);
    await expect(copyWith("value_minor", "-1")).rejects.toThrow(/amount_non_negative/);
    await expect(copyWith("reason", "repeat('x', 501)")).rejects.toThrow(/reason_at_most_500/);
    expect(await lineCounters(s.database, pkg.lineId)).toMatchObject({ total: 3, used: 1, booked: 1 });
  });
});

describe("reservations", () => {
  it("allow one resolution: a second consume or release of the same reservation is refused", async () => {
    const { writeMovement } = await import("../../src/app/write-movement.js");
    const resolve = (kind: "consume" | "release") =>
      writeMovement(db(), {
        businessId: s.businessId,
        lineId: pkg.lineId,
        kind,
        quantity: 1,
        at: s.clock.now,
        locationId: s.budapest,
        actorStaffId: null,
        reservationId: reserveId,
        activity: null,
      });
    await resolve("consume");
    // The counters would allow it (there is no booked credit left, but test the index directly too).
    await expect(resolve("release")).rejects.toMatchObject({
      code: expect.stringMatching(/reservation_already_resolved|nothing_booked/),
    });
    await expect(
      sql`INSERT INTO movements (business_id, package_id, line_id, customer_id, kind, quantity, reservation_id, total_after, used_after, booked_after)
          SELECT business_id, package_id, line_id, customer_id, 'release', 1, id, 0, 0, 0 FROM movements WHERE id = ${reserveId}`.execute(
        db(),
      ),
    ).rejects.toThrow(/movements_one_resolution/);
  });
});

describe("both backends give the same JavaScript types", () => {
  it("bigint, numeric, date and timestamptz", async () => {
    const row = await db()
      .selectFrom("movements")
      .select(["seq", "occurred_at", "value_minor"])
      .where("line_id", "=", pkg.lineId)
      .orderBy("seq")
      .executeTakeFirstOrThrow();
    expect(typeof row.seq).toBe("number");
    expect(typeof row.value_minor).toBe("number");
    expect(row.occurred_at).toBeInstanceOf(Date);
    const { rows } = await sql<{ n: number; d: string; big: number; c: number }>`
      SELECT 1.5::numeric AS n, DATE '2026-03-29' AS d, 9007199254740991::bigint AS big, count(*) AS c FROM movements`.execute(
      db(),
    );
    expect(rows[0]).toEqual({ n: 1.5, d: "2026-03-29", big: 9007199254740991, c: expect.any(Number) });
    const pkgRow = await db()
      .selectFrom("customer_packages")
      .select(["price_minor", "expires_on"])
      .where("id", "=", pkg.packageId)
      .executeTakeFirstOrThrow();
    expect(typeof pkgRow.price_minor).toBe("number");
  });
});

describe.runIf(testBackend() === "postgres")("closing a server database", () => {
  it("ends its connections even when no query went through Kysely", async () => {
    // migrate() uses withSession alone; its connection stayed open after close, and a test
    // template with a session refused CREATE DATABASE … TEMPLATE until the idle timeout.
    const database = await openDatabase({ databaseUrl: serverDatabaseUrl(), poolSize: 2 });
    const backendPid = await database.withSession(async (query) => {
      const rows = await query("SELECT pg_backend_pid() AS pid");
      return Number(rows[0]?.pid);
    });
    await database.close();
    const stillThere = async () =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${backendPid}`.execute(db())
      ).rows[0]?.n;
    // the server ends a backend a moment after its client has gone
    for (let i = 0; i < 50 && (await stillThere()) !== 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await stillThere()).toBe(0);
  });
});
