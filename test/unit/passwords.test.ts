// S1: password hashes. Today's cost is OWASP's minimum for scrypt; hashes made at an older cost still
// verify and are marked for replacement; a planted hash cannot make a check allocate gigabytes; and
// only a few hashes run at once.
import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  costOf,
  HASHES_AT_ONCE,
  hashingLoad,
  needsRehash,
  PASSWORD_COST,
  verifyPassword,
} from "../../src/app/passwords.js";

function hashAt(password: string, N: number, r = 8, p = 1) {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize("NFKC"), salt, 32, { N, r, p, maxmem: 256 * 1024 * 1024 });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

describe("password hashes", () => {
  it("today's cost is N = 2^17, r = 8, p = 1", () => {
    expect(PASSWORD_COST).toEqual({ N: 131072, r: 8, p: 1 });
  });

  it("a hash at an older cost still verifies, and is due for replacement", async () => {
    const old = hashAt("correct horse", 16384);
    expect(await verifyPassword("correct horse", old)).toBe(true);
    expect(await verifyPassword("wrong horse", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(costOf(old)).toEqual({ N: 16384, r: 8, p: 1 });
  });

  it.each([
    { what: "another scheme", stored: "bcrypt$2b$10$abc" },
    { what: "N not a power of two", stored: "scrypt$1000$8$1$c2FsdA==$a2V5" },
    { what: "a gigabyte of memory", stored: "scrypt$1048576$8$1$c2FsdA==$a2V5" },
    { what: "p far too high", stored: "scrypt$1024$8$64$c2FsdA==$a2V5" },
    { what: "extra fields", stored: "scrypt$1024$8$1$c2FsdA==$a2V5$more" },
    { what: "nothing", stored: "" },
  ])("refuses $what without hashing", async ({ stored }) => {
    expect(await verifyPassword("anything", stored)).toBe(false);
    expect(needsRehash(stored)).toBe(false);
  });

  it(`runs at most ${HASHES_AT_ONCE} hashes at once; the others wait their turn`, async () => {
    const cheap = hashAt("pw", 1024);
    let most = 0;
    let waited = 0;
    const sample = setInterval(() => {
      const load = hashingLoad();
      most = Math.max(most, load.running);
      waited = Math.max(waited, load.waiting);
    }, 0);
    const checks = Array.from({ length: 8 }, () => verifyPassword("pw", cheap));
    const load = hashingLoad();
    expect(load).toEqual({ running: HASHES_AT_ONCE, waiting: 8 - HASHES_AT_ONCE });
    expect(await Promise.all(checks)).toEqual(Array(8).fill(true));
    clearInterval(sample);
    expect(most).toBeLessThanOrEqual(HASHES_AT_ONCE);
    expect(hashingLoad()).toEqual({ running: 0, waiting: 0 });
    expect(waited).toBeLessThanOrEqual(8 - HASHES_AT_ONCE);
  });
});
