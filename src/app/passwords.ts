// Staff passwords: scrypt (memory-hard), a random salt per password, compared in constant time. The
// cost is OWASP's current minimum for scrypt (N = 2^17, r = 8, p = 1); it is stored in each hash,
// so hashes made with an older cost still verify, and sign-in replaces them (needsRehash).
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

interface Cost {
  N: number;
  r: number;
  p: number;
}

export const PASSWORD_COST: Readonly<Cost> = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;
// Stored hashes come from our own database, but a corrupted or planted one must not make a sign-in
// allocate gigabytes or run for minutes: a cost above these is refused as unreadable.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 4;

// One hash at this cost holds 128 × N × r bytes = 128 MiB for its whole run. A burst of sign-ins
// (or of guesses, which the throttle lets through only a few at a time per key, but from many
// keys) waits here for a slot instead of taking as many 128 MiB blocks as libuv has threads.
export const HASHES_AT_ONCE = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function inHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < HASHES_AT_ONCE) running += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, so `running` never dips and lets a newcomer jump the queue.
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

/** Hashes being computed right now (at most HASHES_AT_ONCE) and waiting for a slot. */
export const hashingLoad = () => ({ running, waiting: waiting.length });

function derive(password: string, salt: Buffer, cost: Cost): Promise<Buffer> {
  // maxmem is a ceiling, not an allocation: twice what the cost needs.
  const options: ScryptOptions = { ...cost, maxmem: 2 * 128 * cost.N * cost.r };
  return inHashSlot(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) =>
          err ? reject(err) : resolve(key),
        ),
      ),
  );
}

interface Parsed {
  cost: Cost;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const [scheme, n, r, p, salt, key, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key || rest.length > 0) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = Number.isInteger(cost.N) && cost.N > 1 && (cost.N & (cost.N - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(cost.r) || cost.r < 1 || 128 * cost.N * cost.r > MAX_MEMORY_BYTES)
    return null;
  if (!Number.isInteger(cost.p) || cost.p < 1 || cost.p > MAX_P) return null;
  return { cost, salt: Buffer.from(salt, "base64"), key: Buffer.from(key, "base64") };
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PASSWORD_COST);
  const { N, r, p } = PASSWORD_COST;
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.cost);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** A hash made with another cost than today's, to be replaced once its password is known. */
export function needsRehash(stored: string): boolean {
  const cost = parse(stored)?.cost;
  return (
    cost !== undefined &&
    (cost.N !== PASSWORD_COST.N || cost.r !== PASSWORD_COST.r || cost.p !== PASSWORD_COST.p)
  );
}

/** The cost a hash was made with, or null when it is not one of ours. */
export const costOf = (stored: string): Cost | null => parse(stored)?.cost ?? null;
