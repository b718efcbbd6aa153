// X1: automatic backups. One when none is recent enough, none again within the interval, the next
// after it, only the newest kept; each restores (the embedded archive here, pg_dump's file on
// PostgreSQL with the server's own tools).
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { automaticBackup } from "../../src/jobs/automatic-backup.js";
import { type Scenario, scenario } from "../support/scenario.js";
import { databaseUrlOf, testBackend } from "../support/test-db.js";

let s: Scenario;
const dir = mkdtempSync(join(tmpdir(), "carnet-auto-backup-"));
beforeAll(async () => {
  s = await scenario();
});
afterAll(async () => {
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("automatic backups (X1)", () => {
  it("makes one a day, catches up after a pause, and keeps the newest", async () => {
    const backups = {
      dir,
      keep: 2,
      everyHours: 24,
      databaseUrl: s.database.backend === "postgres" ? await databaseUrlOf(s.database) : undefined,
    };
    const ext = s.database.backend === "pglite" ? "tar.gz" : "dump";
    s.clock.set("2026-06-01T04:00:00Z");
    expect(await automaticBackup(s.app, backups)).toBe(join(dir, `carnet-2026-06-01T0400Z.${ext}`));
    s.clock.set("2026-06-01T20:00:00Z");
    expect(await automaticBackup(s.app, backups)).toBeNull();
    s.clock.set("2026-06-02T04:00:00Z");
    expect(await automaticBackup(s.app, backups)).not.toBeNull();
    // three days without a server: one backup at start, not three
    s.clock.set("2026-06-05T09:30:00Z");
    expect(await automaticBackup(s.app, backups)).not.toBeNull();
    expect(await automaticBackup(s.app, backups)).toBeNull();
    expect(readdirSync(dir).sort()).toEqual([
      `carnet-2026-06-02T0400Z.${ext}`,
      `carnet-2026-06-05T0930Z.${ext}`,
    ]);
  });

  it.skipIf(testBackend() !== "pglite")("writes an archive the embedded database opens again", async () => {
    const file = readdirSync(dir).sort().pop()!;
    const { readFile } = await import("node:fs/promises");
    const restored = await openDatabase({ loadDataDir: new Blob([await readFile(join(dir, file))]) });
    try {
      const row = await restored.db
        .selectFrom("businesses")
        .select("id")
        .where("id", "=", s.businessId)
        .executeTakeFirst();
      expect(row?.id).toBe(s.businessId);
    } finally {
      await restored.close();
    }
  });
});
