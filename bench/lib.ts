// Shared pieces of the benchmarks: databases on the PostgreSQL server, the real Carnet server in a
// child process (so the load generator never shares its event loop), bearer tokens obtained over
// HTTP, a closed-loop load generator with a fixed number of requests in flight, and the figures.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrationFiles } from "../src/db/migrate.js";
import { wrkAvailable, wrkLoad } from "./wrk.js";

export const ROOT = join(import.meta.dirname, "..");
export const BASE_URL = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
/** 1 = the sizes of the issue; 0.1 for a quick run while developing */
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
export const SEED = Number(process.env.BENCH_SEED ?? 42);
/**
 * Load before each measured run, not counted: a server just started is still compiling its hot
 * paths, filling its connection pool and running its start-up jobs (in a profile of the booking
 * panel the first five seconds ran at ≈80 % of the rate of the next ones).
 */
export const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 5);
export const BENCH_EMAIL = "bench-owner@carnet.test";
export const BENCH_PASSWORD = "bench-password-1";

export function urlFor(database: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export function migrationsHash(): string {
  const hash = createHash("sha256");
  const dir = join(ROOT, "src", "db", "migrations");
  for (const file of migrationFiles()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest("hex").slice(0, 12);
}

export async function adminQuery(text: string): Promise<pg.QueryResult> {
  const client = new pg.Client({
    connectionString: urlFor(new URL(BASE_URL).pathname.slice(1) || "postgres"),
  });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Lets the server finish what the previous benchmark left it: a checkpoint of the pages it
 * dirtied, then any autovacuum worker it set going (up to a minute), so that each benchmark
 * measures its own work. The wait is printed: 0.2–0.5 s in a full run (docs/benchmarks.md).
 */
export async function settle(): Promise<void> {
  const t0 = performance.now();
  await adminQuery("CHECKPOINT");
  for (let i = 0; i < 120; i++) {
    const r = await adminQuery(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'",
    );
    if (r.rows[0]?.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(`server settled in ${round((performance.now() - t0) / 1000, 1)} s (checkpoint, autovacuum)`);
}

const SAFE_NAME = /^carnet_bench[a-z0-9_]*$|^carnet_pgbench$/;

export async function dropDatabase(name: string): Promise<void> {
  if (!SAFE_NAME.test(name)) throw new Error(`refusing to drop ${name}`);
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function databaseExists(name: string): Promise<boolean> {
  const r = await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  return r.rowCount === 1;
}

export async function createDatabase(name: string): Promise<void> {
  await dropDatabase(name);
  await adminQuery(`CREATE DATABASE ${name}`);
}

export async function withClient<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlFor(database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Extra node flags for the server, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile it. */
const nodeArgs = () => (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);

/** `node bin/carnet.js serve` on DATABASE_URL (or an embedded data folder), ready when /health answers. */
export async function startServer(
  env: Record<string, string>,
  port: number,
): Promise<Server & { readyMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs(), join(ROOT, "bin", "carnet.js"), "serve"], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      CARNET_DEMO: "0",
      HOST: "127.0.0.1",
      PORT: String(port),
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error("the server exited before answering");
    try {
      const r = await fetch(`${url}/api/v1/health`);
      if (r.ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 25));
  }
  const readyMs = performance.now() - started;
  return {
    url,
    child,
    readyMs,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Sign in as the bench owner and create a bearer token, as an integration would. */
export async function bearerToken(
  url: string,
  login = { email: BENCH_EMAIL, password: BENCH_PASSWORD },
): Promise<string> {
  const signIn = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: login.email, password: login.password }),
  });
  if (!signIn.ok) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const made = await fetch(`${url}/api/v1/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
    body: JSON.stringify({ name: "bench" }),
  });
  if (!made.ok) throw new Error(`token: ${made.status} ${await made.text()}`);
  return ((await made.json()) as { token: string }).token;
}

export interface RequestSpec {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  statuses: Record<string, number>;
  errorBodies: string[];
}

let generator: "wrk" | "node" | undefined;

/** wrk when it is installed (BENCH_LOAD_GENERATOR=node forces the Node client), said once. */
export function loadGenerator(): "wrk" | "node" {
  if (!generator) {
    generator = wrkAvailable() ? "wrk" : "node";
    console.log(
      generator === "wrk"
        ? "load generator: wrk"
        : "load generator: Node's http (install wrk for a client that takes less of the machine)",
    );
  }
  return generator;
}

/**
 * Closed loop: `connections` keep-alive sockets, each sending its next request when the previous
 * answer arrived, for `durationS` seconds (after `warmupS` not counted).
 */
export async function load(
  url: string,
  connections: number,
  durationS: number,
  next: (client: number, n: number) => RequestSpec,
  warmupS = WARMUP_S,
): Promise<LoadResult> {
  if (loadGenerator() === "wrk") {
    // wrk cannot call back into JavaScript: it cycles through requests drawn here, 64 per client.
    const specs: RequestSpec[] = [];
    for (let n = 0; n < 64; n++) for (let c = 0; c < connections; c++) specs.push(next(c, n));
    return wrkLoad(url, connections, durationS, specs, warmupS);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const errorBodies: string[] = [];
  const startAt = performance.now();
  const measureFrom = startAt + warmupS * 1000;
  const endAt = measureFrom + durationS * 1000;
  let measuredRequests = 0;
  const one = (spec: RequestSpec) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: spec.method,
          path: spec.path,
          headers: {
            ...(spec.body
              ? { "content-type": "application/json", "content-length": Buffer.byteLength(spec.body) }
              : {}),
            ...spec.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(spec.body);
    });
  await Promise.all(
    Array.from({ length: connections }, async (_, client) => {
      for (let n = 0; ; n++) {
        const t0 = performance.now();
        if (t0 >= endAt) return;
        let status: string;
        try {
          const res = await one(next(client, n));
          status = String(res.status);
          if (res.status >= 400 && errorBodies.length < 5)
            errorBodies.push(`${res.status} ${res.body.slice(0, 300)}`);
        } catch (error) {
          status = `error:${(error as Error).message}`;
        }
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= endAt) {
          latencies.push(t1 - t0);
          measuredRequests++;
          statuses[status] = (statuses[status] ?? 0) + 1;
        }
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    requests: measuredRequests,
    rps: measuredRequests / durationS,
    p50_ms: round(pct(50), 2),
    p99_ms: round(pct(99), 2),
    statuses,
    errorBodies,
  };
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${round(totalmem() / 2 ** 30, 1)} GiB memory, load average ${process.platform === "linux" ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "?"}`;
}

export interface Target {
  figure: string;
  /** "≥" or "≤" */
  op: ">=" | "<=";
  value: number;
}

/** Prints the figures, each target met or missed, and ends with one `name=value` line per figure. */
export function report(title: string, figures: Record<string, number>, targets: Target[]): boolean {
  console.log(`\n== ${title} ==`);
  console.log(`machine: ${machine()}`);
  let allMet = true;
  for (const t of targets) {
    const v = figures[t.figure];
    const met = v !== undefined && (t.op === ">=" ? v >= t.value : v <= t.value);
    allMet &&= met;
    console.log(`target ${t.figure} ${t.op} ${t.value}: ${v ?? "?"} ${met ? "met" : "MISSED"}`);
  }
  for (const [name, value] of Object.entries(figures)) console.log(`${name}=${value}`);
  return allMet;
}

export function time<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  return fn().then((r) => {
    console.log(`${label}: ${round((performance.now() - t0) / 1000, 1)} s`);
    return r;
  });
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
