// Plain SQL migrations, applied in file-name order, each in its own transaction, recorded in
// carnet_migrations. An advisory lock lets two servers start at once against one PostgreSQL.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { PROJECT_ROOT } from "../paths.js";
import type { Database } from "./database.js";

const MIGRATIONS_DIR = join(PROJECT_ROOT, "src", "db", "migrations");
const LOCK_KEY = 727_001;

export function migrationFiles(): string[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

export async function migrate(database: Database): Promise<string[]> {
  return database.withSession(async (query) => {
    await query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
    try {
      await query(
        "CREATE TABLE IF NOT EXISTS carnet_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      const rows = await query("SELECT name FROM carnet_migrations");
      const done = new Set(rows.map((r) => String(r.name)));
      const applied: string[] = [];
      for (const file of migrationFiles()) {
        if (done.has(file)) continue;
        const script = readFileSync(join(MIGRATIONS_DIR, file), "utf8");
        await query(
          `BEGIN;\n${script}\n;INSERT INTO carnet_migrations (name) VALUES ('${file}');\nCOMMIT;`,
        ).catch(async (error: unknown) => {
          await query("ROLLBACK").catch(() => {});
          throw new Error(`migration ${file} failed: ${(error as Error).message}`);
        });
        applied.push(file);
      }
      return applied;
    } finally {
      await query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
    }
  });
}

/** The migration files not yet applied to the database (X4: a server that is not ready says so). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`SELECT name FROM carnet_migrations`.execute(database.db);
  const done = new Set(rows.map((r) => r.name));
  return migrationFiles().filter((file) => !done.has(file));
}
