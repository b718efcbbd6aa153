// Benchmarks 2 and 3 on the large business (100,000 customers, 300,000 packages, 3,000,000
// movements at BENCH_SCALE=1): the booking panel's available-packages call under load, the
// business-wide liability summary, and the CSV export of every package (rows/s, server peak RSS).
import { readFileSync } from "node:fs";
import { ensureLargeDatabase, ids, LARGE_DB, largeSizes } from "./generate.js";
import {
  bearerToken,
  DURATION_S,
  load,
  median,
  report,
  round,
  type Server,
  settle,
  startServer,
  type Target,
  urlFor,
  withClient,
} from "./lib.js";

function rssKb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

async function customerIds(database: string, customers: number, n: number): Promise<string[]> {
  return withClient(database, (c) =>
    c
      .query(
        `SELECT ${ids.customer(`((i * 7919) % ${customers} + 1)::text`)}::text AS id FROM generate_series(1, ${n}) i`,
      )
      .then((r) => r.rows.map((row) => row.id as string)),
  );
}

/** The booking panel's call for 1,000 customers spread over the business, 16 clients. */
export async function panel(
  server: Server,
  token: string,
  database = LARGE_DB,
  customerCount = largeSizes().customers,
) {
  const customers = await customerIds(database, customerCount, 1000);
  const r = await load(server.url, 16, DURATION_S, (client, n) => ({
    method: "GET",
    path: `/api/v1/customers/${customers[(client * 61 + n) % customers.length]}/available-packages`,
    headers: { authorization: `Bearer ${token}` },
  }));
  console.log("available-packages, 16 clients:", JSON.stringify(r.statuses), r.errorBodies);
  const errors = r.requests - (r.statuses["200"] ?? 0);
  return { panel_rps: round(r.rps, 0), panel_p50_ms: r.p50_ms, panel_p99_ms: r.p99_ms, panel_errors: errors };
}

export async function liability(server: Server, token: string) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/api/v1/reports/liability`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as unknown[];
    if (!res.ok) throw new Error(`liability: ${res.status} ${JSON.stringify(body)}`);
    if (i > 0) times.push(performance.now() - t0); // the first call warms the caches
    rows = body.length;
  }
  times.sort((a, b) => a - b);
  console.log(`liability summary: ${rows} groups, ${times.map((t) => round(t, 0)).join(", ")} ms`);
  return { liability_median_ms: round(median(times), 0) };
}

export async function csv(server: Server, token: string) {
  const pid = server.child.pid!;
  const before = rssKb(pid);
  let peak = before.rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssKb(pid).rss);
  }, 50);
  const t0 = performance.now();
  const res = await fetch(`${server.url}/api/v1/reports/balances.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok || !res.body) throw new Error(`csv: ${res.status} ${await res.text()}`);
  let newlines = 0;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    // indexOf, not a loop over 43 MiB of bytes in JavaScript: this process shares the 2 cores
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) newlines++;
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const rows = newlines - 1;
  console.log(
    `balances.csv: ${rows} rows, ${round(bytes / 2 ** 20, 1)} MiB in ${round(seconds, 2)} s; server RSS ${round(before.rss / 1024, 0)} MiB before, ${round(peak / 1024, 0)} MiB peak while streaming`,
  );
  return {
    csv_rows: rows,
    csv_rows_per_s: round(rows / seconds, 0),
    csv_server_rss_before_mib: round(before.rss / 1024, 0),
    csv_server_rss_peak_mib: round(peak / 1024, 0),
  };
}

/** BENCH_ONLY=reports skips the panel load and measures the liability summary and the CSV alone. */
const onlyReports = process.env.BENCH_ONLY === "reports";

export async function runReads(): Promise<boolean> {
  await ensureLargeDatabase();
  await settle();
  const server = await startServer({ DATABASE_URL: urlFor(LARGE_DB) }, 3802);
  const figures: Record<string, number> = {};
  try {
    const token = await bearerToken(server.url);
    if (!onlyReports) Object.assign(figures, await panel(server, token));
    Object.assign(figures, await liability(server, token));
    Object.assign(figures, await csv(server, token));
  } finally {
    await server.stop();
  }
  const packages = largeSizes().packages;
  const panelTargets: Target[] = [
    { figure: "panel_rps", op: ">=", value: 2500 },
    { figure: "panel_p99_ms", op: "<=", value: 15 },
    { figure: "panel_errors", op: "<=", value: 0 },
  ];
  return report("panel and reports", figures, [
    ...(onlyReports ? [] : panelTargets),
    { figure: "liability_median_ms", op: "<=", value: 300 },
    { figure: "csv_rows", op: ">=", value: packages },
    { figure: "csv_rows_per_s", op: ">=", value: 100_000 },
  ]);
}

if (import.meta.filename === process.argv[1]) await runReads();
