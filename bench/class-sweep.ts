// Benchmark 4: the end-of-class sweep. 10,000 enrolments (at BENCH_SCALE=1) holding reservations,
// in 20 classes that all end at the same instant, plus retroactive attendees (C5: enrolled with no
// package, two packages bought afterwards, so that FIFO has a choice), are swept by
// sweepEndedClasses in one call, as the scheduler would. Then: each enrolment paid exactly once
// (with the FIFO-first package for the retroactive ones), a second sweep finds nothing, and the
// ledger verifies (the logic of `carnet verify`).
import { Temporal } from "temporal-polyfill";
import { verifyLedger } from "../src/app/verify-ledger.js";
import { openDatabase } from "../src/db/database.js";
import { sweepEndedClasses } from "../src/jobs/class-sweep.js";
import { createBusiness, ITEMS, ids, insertCustomers, insertPackages } from "./generate.js";
import { dropDatabase, report, round, SCALE, SEED, settle, urlFor, withClient } from "./lib.js";

const DB = "carnet_bench_sweep";
const RESERVED = Math.max(ITEMS, Math.round(10_000 * SCALE));
/** retroactive attendees; a multiple of ITEMS so that a customer's second package is for the same class */
const RETROACTIVE = ITEMS * Math.max(1, Math.round(10 * SCALE));
const CREDITS = 10;
/** the sweep's batch size; unset: the scheduler's (sweepEndedClasses' default) */
const BATCH = process.env.BENCH_SWEEP_BATCH ? Number(process.env.BENCH_SWEEP_BATCH) : undefined;
/** the instant every class ends; the sweep runs a minute later */
const END_AT = "2026-06-01T10:00:00Z";
const SWEEP_AT = "2026-06-01T10:01:00Z";

const idOf = (tag: string, n: string) =>
  `overlay(overlay(md5('${SEED}:${tag}:' || ${n}) placing '4' from 13) placing '8' from 17)::uuid`;
const session = (k: string) => idOf("session", k);
const enrolment = (i: string) => idOf("enrolment", i);
const reservation = (i: string) => idOf("reserve", i);
/** the class (and item) of customer i: the same as their package's item in generate.ts */
const classOf = `(1 + (i - 1) % ${ITEMS})`;

async function generate(): Promise<void> {
  await createBusiness(DB);
  const all = RESERVED + RETROACTIVE;
  await withClient(DB, async (c) => {
    await insertCustomers(c, 1, all);
    // Customers 1..RESERVED booked with their package; RESERVED+1..all bought theirs afterwards,
    // and the last RETROACTIVE packages are a second, later package for the same late buyers.
    await insertPackages(c, {
      from: 1,
      to: all,
      customerOf: "i::text",
      granted: String(CREDITS),
      used: 0,
      expires: false,
    });
    await insertPackages(c, {
      from: all + 1,
      to: all + RETROACTIVE,
      customerOf: `(i - ${RETROACTIVE})::text`,
      granted: String(CREDITS),
      used: 0,
      expires: false,
    });
    const perClass = Math.ceil(all / ITEMS);
    await c.query(`
      INSERT INTO class_sessions (business_id, id, location_id, item_id, instructor_id, start_at, end_at, capacity)
      SELECT ${ids.business()}, ${session("k::text")}, ${ids.location()}, ${ids.item("k::text")}, ${ids.staff()},
             timestamptz '${END_AT}' - interval '1 hour', timestamptz '${END_AT}', ${Math.min(1000, perClass)}
        FROM generate_series(1, ${ITEMS}) k;
      INSERT INTO class_enrolments (business_id, id, session_id, customer_id, created_at)
      SELECT ${ids.business()}, ${enrolment("i::text")}, ${session(classOf)}, ${ids.customer("i::text")},
             timestamptz '2025-01-01 08:00:00+00'
        FROM generate_series(1, ${all}) i;
      -- the reservations of customers 1..RESERVED, as enrol writes them
      INSERT INTO movements (business_id, id, package_id, line_id, customer_id, kind, quantity, value_minor,
             occurred_at, location_id, class_enrolment_id, total_after, used_after, booked_after)
      SELECT ${ids.business()}, ${reservation("i::text")}, ${ids.package("i::text")}, ${ids.line("i::text")},
             ${ids.customer("i::text")}, 'reserve', 1, 0, timestamptz '2026-05-01 09:00:00+00', ${ids.location()},
             ${enrolment("i::text")}, ${CREDITS}, 0, 1
        FROM generate_series(1, ${RESERVED}) i ORDER BY i;
      UPDATE package_lines l SET booked = 1
        FROM generate_series(1, ${RESERVED}) i WHERE l.business_id = ${ids.business()} AND l.id = ${ids.line("i::text")};
      UPDATE class_enrolments e SET package_line_id = ${ids.line("i::text")}, reservation_id = ${reservation("i::text")}
        FROM generate_series(1, ${RESERVED}) i WHERE e.business_id = ${ids.business()} AND e.id = ${enrolment("i::text")};`);
    await c.query("VACUUM ANALYZE");
  });
}

/** Every enrolment paid exactly once, by the right line, and the lines' counters say so. */
async function consumedOnce(): Promise<{ ok: boolean; problems: string[] }> {
  return withClient(DB, async (c) => {
    const checks: Array<[string, string]> = [
      [
        "enrolments without exactly one consume or redeem",
        `SELECT count(*)::int AS n FROM class_enrolments e
          WHERE (SELECT count(*) FROM movements m WHERE m.business_id = e.business_id AND m.class_enrolment_id = e.id
                    AND m.kind IN ('consume', 'redeem')) <> 1`,
      ],
      [
        "enrolments not swept, or not pointing at their movement",
        `SELECT count(*)::int AS n FROM class_enrolments e
          WHERE e.swept_at IS NULL OR NOT EXISTS (SELECT 1 FROM movements m WHERE m.business_id = e.business_id
                AND m.id = e.consumed_movement_id AND m.class_enrolment_id = e.id AND m.line_id = e.package_line_id)`,
      ],
      [
        "reservations not consumed by their own enrolment",
        `SELECT count(*)::int AS n FROM class_enrolments e
          WHERE e.reservation_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM movements m WHERE m.business_id = e.business_id
                AND m.kind = 'consume' AND m.reservation_id = e.reservation_id AND m.id = e.consumed_movement_id)`,
      ],
      [
        "retroactive enrolments not paid by their customer's first package (FIFO)",
        `SELECT count(*)::int AS n FROM class_enrolments e
           JOIN package_lines l ON l.business_id = e.business_id AND l.id = e.package_line_id
           JOIN customer_packages p ON p.business_id = l.business_id AND p.id = l.package_id
          WHERE e.reservation_id IS NULL AND EXISTS (SELECT 1 FROM customer_packages q
                WHERE q.business_id = p.business_id AND q.customer_id = p.customer_id AND q.id <> p.id
                  AND (q.purchased_at, q.id) < (p.purchased_at, p.id))`,
      ],
      [
        "package lines whose counters are not what one class took",
        `SELECT count(*)::int AS n FROM package_lines l
          WHERE l.booked <> 0 OR l.used <> (SELECT count(*) FROM class_enrolments e
                WHERE e.business_id = l.business_id AND e.package_line_id = l.id)`,
      ],
      [
        "retroactive redemptions without their activity entry",
        `SELECT count(*)::int AS n FROM movements m WHERE m.kind = 'redeem' AND NOT EXISTS (SELECT 1 FROM activity_log a
                WHERE a.business_id = m.business_id AND a.movement_id = m.id AND a.action = 'redeem')`,
      ],
    ];
    const problems: string[] = [];
    for (const [what, query] of checks) {
      const n = (await c.query(query)).rows[0].n as number;
      if (n !== 0) problems.push(`${n} ${what}`);
    }
    return { ok: problems.length === 0, problems };
  });
}

export async function runClassSweep(): Promise<boolean> {
  console.log("preparing the database…");
  const t0 = performance.now();
  await generate();
  console.log(
    `generated ${DB}: ${RESERVED} enrolments holding reservations and ${RETROACTIVE} retroactive ones, in ${ITEMS} classes ending at ${END_AT}, in ${round((performance.now() - t0) / 1000, 1)} s`,
  );
  await settle();
  const now = Temporal.Instant.from(SWEEP_AT);
  const database = await openDatabase({ databaseUrl: urlFor(DB), poolSize: 2 });
  const figures: Record<string, number> = {};
  try {
    const app = { database, clock: () => now };
    const started = performance.now();
    const swept = await sweepEndedClasses(app, now, BATCH);
    const seconds = (performance.now() - started) / 1000;
    const again = await sweepEndedClasses(app, now);
    const once = await consumedOnce();
    for (const p of once.problems) console.log(`problem: ${p}`);
    const { lines, mismatches } = await verifyLedger(database.db);
    console.log(`verified ${lines} package lines: ${mismatches.length} mismatches`);
    Object.assign(figures, {
      class_sweep_enrolments: swept,
      class_sweep_seconds: round(seconds, 2),
      class_sweep_enrolments_per_s: round(swept / seconds, 0),
      class_sweep_second_run_enrolments: again,
      class_sweep_consumed_once: once.ok && swept === RESERVED + RETROACTIVE && again === 0 ? 1 : 0,
      class_sweep_verify_clean: mismatches.length === 0 ? 1 : 0,
    });
  } finally {
    await database.close();
    await dropDatabase(DB);
  }
  return report("class sweep", figures, [
    { figure: "class_sweep_enrolments_per_s", op: ">=", value: 5000 },
    { figure: "class_sweep_consumed_once", op: ">=", value: 1 },
    { figure: "class_sweep_verify_clean", op: ">=", value: 1 },
  ]);
}

if (import.meta.filename === process.argv[1]) await runClassSweep();
