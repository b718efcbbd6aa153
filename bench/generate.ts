// Seeded, set-based data for the benchmarks: one business, its catalog, and at SCALE=1 100,000
// customers, 300,000 packages (one line each) and 3,000,000 movements (a grant and nine
// redemptions per line), written with generate_series so that every counter equals its ledger and
// every CHECK holds. Ids are md5 of the seed and the row number: the same seed gives the same data.
import type pg from "pg";
import { hashPassword } from "../src/app/passwords.js";
import { openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrate.js";
import {
  BENCH_EMAIL,
  BENCH_PASSWORD,
  createDatabase,
  databaseExists,
  migrationsHash,
  round,
  SCALE,
  SEED,
  urlFor,
  withClient,
} from "./lib.js";

export const ITEMS = 20;
// md5 shaped as a version-4 UUID, which the API's id validation asks for
const uuidOf = (text: string) =>
  `overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;
const id = (tag: string, n: string) => uuidOf(`'${SEED}:${tag}:' || ${n}`);

export const ids = {
  business: () => uuidOf(`'${SEED}:business'`),
  location: () => uuidOf(`'${SEED}:location'`),
  staff: () => uuidOf(`'${SEED}:staff'`),
  item: (n: string) => id("item", n),
  template: (n: string) => id("template", n),
  customer: (n: string) => id("customer", n),
  package: (n: string) => id("package", n),
  line: (n: string) => id("line", n),
};

/** A migrated database with the business, its owner (who can sign in), items and templates. */
export async function createBusiness(database: string): Promise<void> {
  await createDatabase(database);
  const db = await openDatabase({ databaseUrl: urlFor(database), poolSize: 2 });
  await migrate(db);
  await db.close();
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  await withClient(database, (c) =>
    c.query(`
      INSERT INTO businesses (id, name, slug) VALUES (${ids.business()}, 'Bench Salon', 'bench-salon');
      INSERT INTO locations (business_id, id, name, time_zone, currency)
        VALUES (${ids.business()}, ${ids.location()}, 'Main', 'Europe/Budapest', 'HUF');
      INSERT INTO accounts (id, email, password_hash) VALUES (${ids.staff()}, '${BENCH_EMAIL}', '${passwordHash}');
      INSERT INTO staff (business_id, id, name, email, account_id, role, home_location_id)
        VALUES (${ids.business()}, ${ids.staff()}, 'Bench Owner', '${BENCH_EMAIL}', ${ids.staff()}, 'owner',
                ${ids.location()});
      INSERT INTO items (business_id, id, kind, name, prices, duration_minutes)
        SELECT ${ids.business()}, ${ids.item("k::text")}, 'service', 'Service ' || k, '{"HUF": 1000000}', 60
          FROM generate_series(1, ${ITEMS}) k;
      INSERT INTO package_templates (business_id, id, kind, name, prices, validity_kind, validity_count)
        SELECT ${ids.business()}, ${ids.template("k::text")}, 'package', (5 * (1 + k % 3) + 5) || 'x Service ' || k,
               '{"HUF": 8000000}', 'days', 365
          FROM generate_series(1, ${ITEMS}) k;
      INSERT INTO template_items (business_id, template_id, item_id, position, quantity)
        SELECT ${ids.business()}, ${ids.template("k::text")}, ${ids.item("k::text")}, 0, 5 * (1 + k % 3) + 5
          FROM generate_series(1, ${ITEMS}) k;`),
  );
}

/**
 * Packages numbered `from`..`to`, one line each, for customers numbered by `customerOf(i)`, every
 * line granted `granted(i)` credits of which `used` are redeemed, one movement per credit.
 */
export async function insertPackages(
  c: pg.Client,
  o: { from: number; to: number; customerOf: string; granted: string; used: number; expires: boolean },
): Promise<void> {
  const k = `(1 + (i - 1) % ${ITEMS})`; // the template and item of package i
  const purchased = `(timestamptz '2025-01-01 09:00:00+00' + ((i % 365) || ' days')::interval)`;
  const expiresOn = o.expires
    ? `CASE WHEN i % 10 = 0 THEN NULL ELSE date '2028-01-01' + (i % 365) END`
    : "NULL::date";
  await c.query(`
    INSERT INTO customer_packages (business_id, id, customer_id, template_id, name, kind, location_id, time_zone,
           currency, price_minor, commission_basis, online_bookable, validity, purchased_at, expires_on, expires_at)
    SELECT ${ids.business()}, ${ids.package("i::text")}, ${ids.customer(o.customerOf)}, ${ids.template(k)},
           (${o.granted}) || 'x Service ' || ${k}, 'package', ${ids.location()}, 'Europe/Budapest', 'HUF',
           8000000, 'item_retail_price', false, '{"kind": "days", "count": 365, "date": null}', ${purchased},
           e.on, ((e.on + 1)::timestamp AT TIME ZONE 'Europe/Budapest') - interval '1 millisecond'
      FROM generate_series(${o.from}, ${o.to}) i, LATERAL (SELECT ${expiresOn} AS on) e;
    INSERT INTO package_lines (business_id, id, package_id, customer_id, position, item_id, item_kind, item_name,
           retail_price_minor, granted, value_minor, total, used)
    SELECT ${ids.business()}, ${ids.line("i::text")}, ${ids.package("i::text")}, ${ids.customer(o.customerOf)}, 0,
           ${ids.item(k)}, 'service', 'Service ' || ${k}, 1000000, ${o.granted}, 8000000, ${o.granted}, ${o.used}
      FROM generate_series(${o.from}, ${o.to}) i;
    INSERT INTO movements (business_id, id, package_id, line_id, customer_id, kind, quantity, value_minor,
           occurred_at, location_id, total_after, used_after, booked_after)
    SELECT ${ids.business()}, ${uuidOf(`'${SEED}:movement:' || i || ':' || j`)}, ${ids.package("i::text")},
           ${ids.line("i::text")}, ${ids.customer(o.customerOf)},
           CASE WHEN j = 0 THEN 'grant' ELSE 'redeem' END, CASE WHEN j = 0 THEN g.n ELSE 1 END,
           CASE WHEN j = 0 THEN 0 ELSE 8000000 / g.n END,
           ${purchased} + (j || ' hours')::interval, ${ids.location()}, g.n, j, 0
      FROM generate_series(${o.from}, ${o.to}) i, LATERAL (SELECT (${o.granted})::int AS n) g,
           generate_series(0, ${o.used}) j
     ORDER BY i, j;`);
}

export async function insertCustomers(c: pg.Client, from: number, to: number): Promise<void> {
  await c.query(`
    INSERT INTO customers (business_id, id, name, email)
    SELECT ${ids.business()}, ${ids.customer("i::text")}, 'Customer ' || i, 'customer' || i || '@example.test'
      FROM generate_series(${from}, ${to}) i`);
}

export const LARGE_DB = "carnet_bench";

export interface LargeShape {
  customers: number;
  packages: number;
  movements: number;
  /** SQL of package i's credits: 10, 15 or 20 by its template in benchmarks 2 and 3 */
  granted: string;
}

export const largeSizes = (): LargeShape => {
  const customers = Math.max(100, Math.round(100_000 * SCALE));
  return {
    customers,
    packages: customers * 3,
    movements: customers * 30,
    granted: `5 * (1 + (1 + (i - 1) % ${ITEMS}) % 3) + 5`,
  };
};

/**
 * A large business (by default that of benchmarks 2 and 3: three packages a customer, ten
 * movements a package), reused when its seed, shape and migrations match.
 */
export async function ensureLargeDatabase(name = LARGE_DB, s: LargeShape = largeSizes()): Promise<void> {
  const stamp = `seed=${SEED} customers=${s.customers} packages=${s.packages} granted=${s.granted} migrations=${migrationsHash()} v3`;
  if (await databaseExists(name)) {
    const found = await withClient(name, (c) =>
      c.query("SELECT stamp FROM bench_stamp").then(
        (r) => r.rows[0]?.stamp as string | undefined,
        () => undefined,
      ),
    );
    if (found === stamp) {
      console.log(`reusing ${name} (${stamp})`);
      return;
    }
  }
  const t0 = performance.now();
  await createBusiness(name);
  await withClient(name, async (c) => {
    // The rows are valid by construction; skip the per-row foreign-key triggers while loading.
    await c.query("SET session_replication_role = replica");
    await insertCustomers(c, 1, s.customers);
    const chunk = 50_000;
    for (let from = 1; from <= s.packages; from += chunk) {
      await insertPackages(c, {
        from,
        to: Math.min(s.packages, from + chunk - 1),
        customerOf: `(((i - 1) % ${s.customers}) + 1)::text`,
        granted: s.granted,
        used: s.movements / s.packages - 1,
        expires: true,
      });
    }
    await c.query("SET session_replication_role = origin");
    await c.query("VACUUM ANALYZE");
    await c.query(
      `CREATE TABLE bench_stamp (stamp text NOT NULL); INSERT INTO bench_stamp VALUES ('${stamp}')`,
    );
  });
  console.log(
    `generated ${name}: ${s.customers} customers, ${s.packages} packages, ${s.movements} movements in ${round(
      (performance.now() - t0) / 1000,
      1,
    )} s`,
  );
}
