// S1 through real server processes: a burst of wrong passwords gets no more password checks than the
// limit allows, because each attempt is claimed in the database before its password is checked. On
// PostgreSQL the burst is spread over two processes on one database; the embedded database opens in
// one process only, so there it goes through one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { type ServerProcess, startServerProcess } from "../support/processes.js";
import { addBusiness, FakeClock } from "../support/scenario.js";
import { createTestDatabase, databaseUrlOf, testBackend } from "../support/test-db.js";

/** wrong passwords one e-mail may try from one address at once, then after 1 s, 2 s, 4 s … more */
const FREE_FAILURES = 5;
const DELAYS_S = [1, 2, 4, 8, 16, 32, 64];

/** How many password checks the limit allows in a burst that lasted this long. */
function checksAllowedWithin(elapsedMs: number): number {
  let allowed = FREE_FAILURES;
  let at = 0;
  for (const delay of DELAYS_S) {
    at += delay * 1000;
    if (at <= elapsedMs) allowed += 1;
  }
  return allowed;
}

let database: Database;
let dataDir: string | undefined;
let servers: ServerProcess[] = [];
let email: string;

beforeAll(async () => {
  let env: Record<string, string>;
  if (testBackend() === "postgres") {
    database = await createTestDatabase();
    const url = await databaseUrlOf(database);
    env = { DATABASE_URL: url };
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "carnet-sign-in-"));
    database = await openDatabase({ dataDir });
    await migrate(database);
    env = { DATABASE_URL: "", CARNET_DATA_DIR: dataDir };
  }
  email = (await addBusiness(database, new FakeClock())).staff.owner.email;
  if (dataDir) await database.close();
  servers =
    testBackend() === "postgres"
      ? await Promise.all([startServerProcess(env), startServerProcess(env)])
      : [await startServerProcess(env)];
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((p) => p.stop()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  else await database.close();
});

it("S1: 40 parallel wrong passwords for one e-mail through real server processes never get more checks than the limit", async () => {
  const started = performance.now();
  const responses = await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      fetch(`${servers[i % servers.length]!.url}/api/v1/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: `wrong ${i}` }),
      }).then(async (r) => ({
        status: r.status,
        retryAfter: r.headers.get("retry-after"),
        body: (await r.json()) as { error?: { code: string } },
      })),
    ),
  );
  const elapsedMs = performance.now() - started;
  const checked = responses.filter((r) => r.status === 401);
  const refused = responses.filter((r) => r.status === 429);
  expect(checked.length + refused.length).toBe(40);
  expect(checked.length).toBeGreaterThanOrEqual(FREE_FAILURES);
  expect(checked.length).toBeLessThanOrEqual(checksAllowedWithin(elapsedMs));
  expect(new Set(refused.map((r) => r.body.error?.code))).toEqual(new Set(["too_many_attempts"]));
  for (const r of refused) expect(Number(r.retryAfter)).toBeGreaterThan(0);
  if (!dataDir) {
    const row = await sql<{ failures: number }>`
      SELECT failures FROM sign_in_throttle_pairs WHERE email = ${email}`.execute(database.db);
    expect(row.rows.map((r) => r.failures)).toEqual([checked.length]);
  }
}, 120_000);
