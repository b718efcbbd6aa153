// The load generator in C: wrk (Debian package `wrk`), driven by a Lua script made from the
// benchmark's own requests. pgbench, which Carnet is compared with, is a C client; a Node client
// beside the server would take a good part of the same two cores and measure itself as well.
// Each request is one of the specs drawn in turn; a spec with an Idempotency-Key header gets a
// unique suffix per request, so a key is never sent twice.
import { execFile, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadResult, RequestSpec } from "./lib.js";

const WRK = process.env.WRK || "wrk";

export function wrkAvailable(): boolean {
  if (process.env.BENCH_LOAD_GENERATOR === "node") return false;
  try {
    execFileSync(WRK, ["--version"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // wrk --version prints its banner and exits 1: it is there when it could be spawned.
    return (error as { code?: string }).code !== "ENOENT";
  }
}

const lua = (value: string) => JSON.stringify(value); // a JSON string is a valid Lua string here

function script(specs: RequestSpec[], threads: number, nonce: string): string {
  const entries = specs.map((s) => {
    const headers = Object.entries({
      ...(s.body ? { "content-type": "application/json" } : {}),
      ...s.headers,
    })
      .filter(([name]) => name.toLowerCase() !== "idempotency-key")
      .map(([name, value]) => `[${lua(name)}] = ${lua(value)}`)
      .join(", ");
    const keyed = Object.keys(s.headers ?? {}).some((h) => h.toLowerCase() === "idempotency-key");
    return `{ method = ${lua(s.method)}, path = ${lua(s.path)}, body = ${s.body ? lua(s.body) : "nil"}, keyed = ${keyed}, headers = { ${headers} } }`;
  });
  return `
local specs = { ${entries.join(",\n")} }
local nthreads = ${threads}
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
  codes = {}
  run = ${lua(nonce)}
end
function request()
  counter = counter + 1
  local s = specs[((counter - 1) * nthreads + tid - 1) % #specs + 1]
  local headers = {}
  for k, v in pairs(s.headers) do headers[k] = v end
  if s.keyed then headers["Idempotency-Key"] = run .. "-" .. tid .. "-" .. counter end
  return wrk.format(s.method, s.path, headers, s.body)
end
function response(status, headers, body)
  local k = tostring(status)
  codes[k] = (codes[k] or 0) + 1
end
function done(summary, latency, requests)
  local parts = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do
      parts[k] = (parts[k] or 0) + v
    end
  end
  local codes_json = {}
  for k, v in pairs(parts) do table.insert(codes_json, string.format("%q:%d", k, v)) end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"socket_errors":%d,"statuses":{%s}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, table.concat(codes_json, ",")))
end
`;
}

/** Closed loop with `connections` keep-alive connections (wrk's own model), for `durationS`. */
export async function wrkLoad(
  url: string,
  connections: number,
  durationS: number,
  specs: RequestSpec[],
  warmupS: number,
): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "carnet-wrk-"));
  try {
    const threads = Math.min(2, connections);
    const run = (seconds: number) => {
      const file = join(dir, `load-${seconds}.lua`);
      writeFileSync(file, script(specs, threads, `${Date.now().toString(36)}-${randomUUID()}`));
      return new Promise<string>((resolve, reject) =>
        execFile(
          WRK,
          [
            "-t",
            String(threads),
            "-c",
            String(connections),
            "-d",
            `${seconds}s`,
            "--timeout",
            "10s",
            "-s",
            file,
            url,
          ],
          { maxBuffer: 1 << 24 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
    };
    if (warmupS > 0) await run(warmupS); // warm-up, not counted
    const out = await run(durationS);
    const line = out.split("\n").find((l) => l.startsWith("WRK_RESULT "));
    if (!line) throw new Error(`wrk printed no result:\n${out}`);
    const r = JSON.parse(line.slice("WRK_RESULT ".length)) as {
      requests: number;
      duration_us: number;
      p50_us: number;
      p99_us: number;
      socket_errors: number;
      statuses: Record<string, number>;
    };
    const statuses = { ...r.statuses };
    if (r.socket_errors > 0) statuses["error:socket"] = r.socket_errors;
    return {
      requests: r.requests + r.socket_errors,
      rps: r.requests / (r.duration_us / 1e6),
      p50_ms: Math.round(r.p50_us / 10) / 100,
      p99_ms: Math.round(r.p99_us / 10) / 100,
      statuses,
      errorBodies: [],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
