// X1: backups that restore.
//
// Embedded database: the process that holds it writes the backup (no other process may open it).
// It takes the database's only session, so no transaction is half-way, checkpoints, and archives
// the data folder (PGlite's dumpDataDir, gzip); redemptions wait the few hundred milliseconds that
// takes. `carnet backup` asks a running server for it through a socket beside the data folder
// (src/ops/control.ts), or opens the folder itself when no server runs.
//
// PostgreSQL: the server's own tools of the installed version, pg_dump's custom format (one
// consistent snapshot while the server takes writes) and pg_restore. Point-in-time recovery with
// WAL archiving is the operator's, with PostgreSQL's tools: docs/operations.md.
//
// Every backup is written to `<file>.partial` and renamed when whole, so a file of that name is
// always a whole backup.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { sql } from "kysely";
import type { Database } from "../db/database.js";

export class BackupError extends Error {}

/** The embedded database's archive (a gzipped tar of its data folder), consistent at one instant. */
export async function embeddedArchive(database: Database): Promise<Buffer> {
  const pglite = database.pglite;
  if (!pglite) throw new BackupError("not an embedded database");
  // db.connection() holds the one session: every other query and transaction waits behind it.
  return database.db.connection().execute(async (session) => {
    await sql`CHECKPOINT`.execute(session);
    const blob = await pglite.dumpDataDir("gzip");
    return Buffer.from(await blob.arrayBuffer());
  });
}

/** Writes bytes to `file` whole or not at all. */
export function writeWhole(file: string, bytes: Buffer) {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  writeFileSync(partial, bytes, { mode: 0o600 });
  renameSync(partial, file);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (error) =>
      reject(
        new BackupError(
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? `${command} is not installed: install PostgreSQL's client tools (Debian: postgresql-client) of the server's version`
            : error.message,
        ),
      ),
    );
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new BackupError(`${command} failed (${code}): ${err.trim().slice(0, 2000)}`)),
    );
  });
}

/** pg_dump of the whole database, custom format, into `file`. */
export async function backupPostgres(databaseUrl: string, file: string): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  try {
    await run(process.env.PG_DUMP || "pg_dump", [
      "--format=custom",
      "--no-owner",
      "--no-privileges",
      `--file=${partial}`,
      `--dbname=${databaseUrl}`,
    ]);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** pg_restore of `file` into the database of `databaseUrl`, which must hold no Carnet yet. */
export async function restorePostgres(databaseUrl: string, file: string, database: Database): Promise<void> {
  const { rows } = await sql<{ present: boolean }>`
    SELECT to_regclass('public.carnet_migrations') IS NOT NULL AS present`.execute(database.db);
  if (rows[0]?.present) {
    throw new BackupError(
      "the database already holds a Carnet: restore into an empty database (createdb), then point DATABASE_URL at it",
    );
  }
  await run(process.env.PG_RESTORE || "pg_restore", [
    "--no-owner",
    "--no-privileges",
    "--exit-on-error",
    "--single-transaction",
    `--dbname=${databaseUrl}`,
    file,
  ]);
}

/** Unpacks an embedded archive into `dataDir`, which must be absent or empty. */
export async function restoreEmbedded(file: string, dataDir: string): Promise<void> {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new BackupError(
      `${dataDir} is not empty: restore into a new folder (CARNET_DATA_DIR), or move this one away first`,
    );
  }
  const { PGlite } = await import("@electric-sql/pglite");
  mkdirSync(dataDir, { recursive: true });
  const bytes = await readFile(file);
  const pglite = new PGlite({ dataDir, loadDataDir: new Blob([bytes]) });
  try {
    await pglite.waitReady;
    await pglite.query("SELECT 1");
  } finally {
    await pglite.close();
  }
}

const AUTOMATIC = /^carnet-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})Z\.(tar\.gz|dump)$/;

/** The automatic backups in `dir`, newest first (their names say when: they sort by time). */
function automaticBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => AUTOMATIC.test(f))
    .sort()
    .reverse();
}

/** Keeps the newest `keep` automatic backups of `dir`; removes the rest. */
export function keepNewest(dir: string, keep: number): string[] {
  const gone = automaticBackups(dir).slice(keep);
  for (const f of gone) rmSync(join(dir, f), { force: true });
  return gone;
}

/** The name of an automatic backup: carnet-2026-12-03T0400Z.tar.gz (embedded) or .dump (PostgreSQL). */
export function backupName(at: Date, backend: Database["backend"]): string {
  const stamp = at.toISOString().slice(0, 16).replace(/:/g, "");
  return `carnet-${stamp}Z.${backend === "pglite" ? "tar.gz" : "dump"}`;
}

/** When the newest automatic backup was made (from its name), or null when there is none. */
export function newestBackupAt(dir: string): Date | null {
  const newest = automaticBackups(dir)[0];
  const m = newest ? AUTOMATIC.exec(newest) : null;
  return m ? new Date(`${m[1]}T${m[2]}:${m[3]}:00Z`) : null;
}
