// A fresh, migrated, empty database for each test, on the backend chosen by CARNET_TEST_BACKEND:
// `pglite` (default) clones one migrated in-memory template; `postgres` creates a database from a
// migrated template database on the server (CARNET_TEST_DATABASE_URL) and drops it on close.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate, migrationFiles } from "../../src/db/migrate.js";

export type TestBackend = "pglite" | "postgres";

export function testBackend(): TestBackend {
  return process.env.CARNET_TEST_BACKEND === "postgres" ? "postgres" : "pglite";
}

export function serverDatabaseUrl(): string {
  return process.env.CARNET_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
}

let pgliteTemplate: Promise<Blob> | undefined;

async function buildPgliteTemplate(): Promise<Blob> {
  const database = await openDatabase({});
  await migrate(database);
  const dump = await database.pglite!.dumpDataDir("none");
  await database.close();
  return dump;
}

function migrationsHash(): string {
  const hash = createHash("sha256");
  const dir = join(import.meta.dirname, "..", "..", "src", "db", "migrations");
  for (const file of migrationFiles()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest("hex").slice(0, 12);
}

function urlFor(name: string): string {
  const url = new URL(serverDatabaseUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

let postgresTemplate: Promise<string> | undefined;

/** One statement on the server's own test database, in a session of its own. */
export async function adminQuery<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function buildPostgresTemplate(): Promise<string> {
  const name = `carnet_tpl_${migrationsHash()}`;
  const client = new pg.Client({ connectionString: serverDatabaseUrl() });
  await client.connect();
  try {
    // Workers race to build it: one builds under the lock, the others find it done.
    await client.query("SELECT pg_advisory_lock(727002)");
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE ${name}`);
      const database = await openDatabase({ databaseUrl: urlFor(name), poolSize: 1 });
      try {
        await migrate(database);
      } finally {
        await database.close();
      }
      await client.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true`);
    }
    await client.query("SELECT pg_advisory_unlock(727002)");
  } finally {
    await client.end();
  }
  return name;
}

export async function createTestDatabase(): Promise<Database> {
  if (testBackend() === "pglite") {
    pgliteTemplate ??= buildPgliteTemplate();
    return openDatabase({ loadDataDir: await pgliteTemplate });
  }
  postgresTemplate ??= buildPostgresTemplate();
  const template = await postgresTemplate;
  const name = `carnet_t_${randomBytes(6).toString("hex")}`;
  // Right after the template is built its last session may still be closing on the server, and
  // CREATE DATABASE … TEMPLATE refuses a template with sessions (55006): wait and try again.
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== "55006" || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const database = await openDatabase({ databaseUrl: urlFor(name), poolSize: 10 });
  return {
    ...database,
    db: database.db,
    backend: database.backend,
    exec: database.exec,
    withSession: database.withSession,
    async close() {
      await database.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export async function withTestDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await createTestDatabase();
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** Drops test databases left behind by an interrupted run. */
export async function dropStaleTestDatabases(): Promise<void> {
  // Left behind by an interrupted run: nobody is connected to them. A database that another run
  // is using right now has connections and is left alone (no FORCE), so runs can go side by side.
  const rows = await adminQuery<{ datname: string }>(
    `SELECT d.datname FROM pg_database d
      WHERE d.datname LIKE 'carnet\\_t\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`,
  );
  for (const r of rows) await adminQuery(`DROP DATABASE IF EXISTS ${r.datname}`).catch(() => {});
}

/**
 * An empty database of the test backend with the migrations before `upTo` applied, recorded as
 * migrate() records them: rows written now are the data a later migration finds; migrate() then
 * applies the rest.
 */
export async function databaseBefore(
  upTo: string,
): Promise<{ database: Database; dispose(): Promise<void> }> {
  let database: Database;
  let dispose: () => Promise<void>;
  if (testBackend() === "pglite") {
    database = await openDatabase({});
    dispose = () => database.close();
  } else {
    const name = `carnet_t_${randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    database = await openDatabase({ databaseUrl: urlFor(name), poolSize: 2 });
    dispose = async () => {
      await database.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    };
  }
  const dir = join(import.meta.dirname, "..", "..", "src", "db", "migrations");
  await database.exec(
    "CREATE TABLE carnet_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  for (const file of migrationFiles().filter((f) => f < upTo)) {
    await database.exec(
      `BEGIN;\n${readFileSync(join(dir, file), "utf8")}\n;INSERT INTO carnet_migrations (name) VALUES ('${file}');\nCOMMIT;`,
    );
  }
  return { database, dispose };
}

/** The URL of a test database on the server, for another process or pool to open it. */
export async function databaseUrlOf(database: Database, via?: { port: number }): Promise<string> {
  const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(database.db);
  const url = new URL(serverDatabaseUrl());
  url.pathname = `/${rows[0]!.name}`;
  if (via) {
    url.hostname = "127.0.0.1";
    url.port = String(via.port);
  }
  return url.toString();
}
