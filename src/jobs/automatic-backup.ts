// X1: automatic backups into a folder (CARNET_BACKUP_DIR), one every CARNET_BACKUP_EVERY_HOURS
// (24), the newest CARNET_BACKUP_KEEP (7) kept. The job looks every quarter of an hour whether the
// newest backup is old enough, so a server that was down catches up at start. On PostgreSQL an
// advisory lock lets one server of several make it; the embedded database has one server.
import { join } from "node:path";
import type { App } from "../app/context.js";
import {
  backupName,
  backupPostgres,
  embeddedArchive,
  keepNewest,
  newestBackupAt,
  writeWhole,
} from "../ops/backup.js";

export interface AutomaticBackups {
  dir: string;
  keep: number;
  everyHours: number;
  /** the PostgreSQL server's URL, for pg_dump; absent on the embedded database */
  databaseUrl: string | undefined;
}

const LOCK_KEY = 727_002;

/** Makes a backup when the newest is older than the interval; answers its file, or null. */
export async function automaticBackup(app: App, b: AutomaticBackups): Promise<string | null> {
  const now = new Date(app.clock().epochMilliseconds);
  const newest = newestBackupAt(b.dir);
  if (newest && now.getTime() - newest.getTime() < b.everyHours * 3_600_000 - 60_000) return null;
  const file = join(b.dir, backupName(now, app.database.backend));
  if (app.database.backend === "pglite") {
    writeWhole(file, await embeddedArchive(app.database));
  } else {
    const made = await app.database.withSession(async (query) => {
      const [row] = await query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS mine`);
      if (!row?.mine) return false; // another server is making it
      try {
        // looked at again under the lock: another server may have just made one
        const again = newestBackupAt(b.dir);
        if (again && now.getTime() - again.getTime() < b.everyHours * 3_600_000 - 60_000) return false;
        await backupPostgres(b.databaseUrl!, file);
        return true;
      } finally {
        await query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
      }
    });
    if (!made) return null;
  }
  keepNewest(b.dir, b.keep);
  return file;
}
