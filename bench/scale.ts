// Benchmark of growth (X, "10× the data"): one business at 30,000, 300,000 and 3,000,000 packages
// (a third as many customers, ten movements a package), and at each size the booking panel under
// load, the quick redeem against pgbench tpcb-like, the liability summary and the CSV export of
// every package. One line per size and figure, then a plot of cost against size in docs/.
//
// BENCH_SCALE_SIZES=30000,300000 picks the sizes; the largest is cut to what the disk holds, and
// the output says so. Each size's database is kept and reused while its shape and migrations match.
import { statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureLargeDatabase, ids, type LargeShape } from "./generate.js";
import {
  adminQuery,
  bearerToken,
  DURATION_S,
  load,
  median,
  ROOT,
  report,
  round,
  type Server,
  settle,
  startServer,
  type Target,
  urlFor,
  WARMUP_S,
  withClient,
} from "./lib.js";
import { csv, liability, panel } from "./reads.js";
import { pgbenchRun, preparePgbench } from "./redeem.js";

const SIZES = (process.env.BENCH_SCALE_SIZES ?? "30000,300000,3000000")
  .split(",")
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n >= 300);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Packages the redeem load spreads over, whatever the size: each request takes a different one. */
const REDEEMED = 20_000;

const dbFor = (packages: number) => `carnet_bench_scale_${packages}`;

/**
 * Every package has 100 credits of which 9 are used (a grant and nine redemptions: ten movements),
 * so that the redeem load of many runs never empties one, and no line is an unlimited pass (P10).
 */
const shapeOf = (packages: number): LargeShape => ({
  customers: Math.ceil(packages / 3),
  packages,
  movements: packages * 10,
  granted: "100",
});

/** Bytes a package takes with its line, movements, customer share and indexes, from a generated size. */
async function bytesPerPackage(packages: number): Promise<number> {
  const r = await adminQuery(`SELECT pg_database_size('${dbFor(packages)}')::bigint AS bytes`);
  return Number(r.rows[0].bytes) / packages;
}

/** Free bytes where the server keeps its data, when this process can see that folder. */
async function freeBytes(): Promise<number | undefined> {
  try {
    const dir = (await adminQuery("SHOW data_directory")).rows[0].data_directory as string;
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** The requested size, or the largest that leaves a fifth of the free disk, rounded down to 10,000s. */
async function fittingSize(packages: number, measured: { packages: number } | undefined): Promise<number> {
  if (!measured) return packages;
  const exists = await adminQuery(`SELECT 1 FROM pg_database WHERE datname = '${dbFor(packages)}'`);
  if (exists.rowCount) return packages;
  const free = await freeBytes();
  if (free === undefined) return packages;
  const per = await bytesPerPackage(measured.packages);
  const fits = Math.floor((free * 0.8) / per / 10_000) * 10_000;
  if (fits >= packages) return packages;
  console.log(
    `the disk holds about ${fits} packages (${round(free / 2 ** 30, 1)} GiB free, ${round(per, 0)} bytes a package): measuring ${fits} instead of ${packages}`,
  );
  return fits;
}

async function redeemTargets(database: string, packages: number) {
  const n = Math.min(REDEEMED, packages);
  // spread over the whole business (a multiplicative walk), so the pages touched grow with it
  return withClient(database, (c) =>
    c
      .query(
        `SELECT ${ids.package("p::text")}::text AS "packageId", ${ids.line("p::text")}::text AS "lineId"
           FROM generate_series(0, ${n - 1}) k, LATERAL (SELECT ((k::bigint * 7919) % ${packages}) + 1 AS p) x`,
      )
      .then((r) => r.rows as Array<{ packageId: string; lineId: string }>),
  );
}

/** Quick redeems at 16 clients, each on another package, alternating with pgbench: the median ratio. */
async function redeem(server: Server, token: string, database: string, packages: number) {
  const targets = await redeemTargets(database, packages);
  const run = Date.now().toString(36);
  const ratios: number[] = [];
  const p99s: number[] = [];
  let errors = 0;
  for (let i = 0; i < ROUNDS; i++) {
    // wrk cycles through 64 requests a client: each round starts elsewhere among the targets, so
    // that runs after runs do not empty the same packages
    const offset = Math.floor(Math.random() * targets.length);
    const pg = await pgbenchRun(16);
    const r = await load(
      server.url,
      16,
      DURATION_S,
      (client, k) => {
        const t = targets[(offset + client * 1_259 + k * 16) % targets.length]!;
        return {
          method: "POST",
          path: `/api/v1/packages/${t.packageId}/lines/${t.lineId}/redeem`,
          headers: { authorization: `Bearer ${token}`, "idempotency-key": `${run}-${i}-${client}-${k}` },
          body: '{"quantity":1}',
        };
      },
      i === 0 ? WARMUP_S : 0,
    );
    errors += r.requests - (r.statuses["200"] ?? 0);
    ratios.push(r.rps / pg.tps);
    p99s.push(r.p99_ms);
    console.log(
      `redeem round ${i + 1}: pgbench ${round(pg.tps, 0)} tps, Carnet ${round(r.rps, 0)} req/s (×${round(r.rps / pg.tps, 2)}), p99 ${r.p99_ms} ms`,
      JSON.stringify(r.statuses),
      r.errorBodies,
    );
  }
  return {
    redeem_ratio: round(median(ratios), 2),
    redeem_p99_ms: round(median(p99s), 2),
    redeem_errors: errors,
  };
}

const FIGURES = [
  { key: "panel_p99_ms", title: "booking panel p99 (ms)" },
  { key: "redeem_ratio", title: "quick redeem ÷ pgbench" },
  { key: "liability_median_ms", title: "liability summary (ms)" },
  { key: "csv_rows_per_s", title: "CSV export (rows/s)" },
] as const;

/** Four small charts, one per figure, size on a log axis: an SVG with no dependencies. */
function plot(rows: Array<{ packages: number } & Record<string, number>>): string {
  const w = 320;
  const h = 200;
  const pad = { l: 56, r: 16, t: 28, b: 36 };
  const xs = rows.map((r) => Math.log10(r.packages));
  const [x0, x1] = [Math.min(...xs) - 0.15, Math.max(...xs) + 0.15];
  const fmt = (v: number) =>
    v >= 1_000_000
      ? `${round(v / 1_000_000, 1)}M`
      : v >= 10_000
        ? `${round(v / 1000, 0)}k`
        : v >= 100
          ? String(round(v, 0))
          : String(round(v, 2));
  const charts = FIGURES.map((f, i) => {
    const ox = (i % 2) * w;
    const oy = Math.floor(i / 2) * h;
    const values = rows.map((r) => r[f.key] ?? 0);
    const top = Math.max(...values) * 1.15 || 1;
    const px = (x: number) => ox + pad.l + ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
    const py = (v: number) => oy + h - pad.b - (v / top) * (h - pad.t - pad.b);
    const points = xs.map((x, k) => `${round(px(x), 1)},${round(py(values[k]!), 1)}`).join(" ");
    const ticks = rows
      .map(
        (r, k) =>
          `<text x="${round(px(xs[k]!), 1)}" y="${oy + h - pad.b + 16}" text-anchor="middle">${fmt(r.packages)}</text>` +
          `<circle cx="${round(px(xs[k]!), 1)}" cy="${round(py(values[k]!), 1)}" r="3"/>` +
          `<text x="${round(px(xs[k]!), 1)}" y="${round(py(values[k]!) - 7, 1)}" text-anchor="middle">${fmt(values[k]!)}</text>`,
      )
      .join("");
    return `<g><text x="${ox + pad.l}" y="${oy + 18}" font-weight="bold">${f.title}</text>
<line x1="${ox + pad.l}" y1="${oy + h - pad.b}" x2="${ox + w - pad.r}" y2="${oy + h - pad.b}" stroke="#999"/>
<line x1="${ox + pad.l}" y1="${oy + pad.t}" x2="${ox + pad.l}" y2="${oy + h - pad.b}" stroke="#999"/>
<text x="${ox + pad.l - 6}" y="${round(py(0) + 4, 1)}" text-anchor="end">0</text>
<polyline points="${points}" fill="none" stroke="#2f7d4f" stroke-width="2"/>${ticks}</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * w}" height="${2 * h + 20}" font-family="sans-serif" font-size="11" fill="#222">
<title>Carnet: cost against the number of packages</title>
<rect width="100%" height="100%" fill="#fff"/>
${charts.join("\n")}
<text x="${w}" y="${2 * h + 12}" text-anchor="middle">packages in the business (log scale)</text>
</svg>
`;
}

export async function runScale(): Promise<boolean> {
  await preparePgbench();
  const rows: Array<{ packages: number } & Record<string, number>> = [];
  let measured: { packages: number } | undefined;
  for (const requested of SIZES) {
    const packages = await fittingSize(requested, measured);
    const shape = shapeOf(packages);
    const database = dbFor(packages);
    await ensureLargeDatabase(database, shape);
    measured = { packages };
    await settle();
    const server = await startServer({ DATABASE_URL: urlFor(database) }, 3803);
    const figures: Record<string, number> = {};
    try {
      const token = await bearerToken(server.url);
      Object.assign(figures, await panel(server, token, database, shape.customers));
      Object.assign(figures, await redeem(server, token, database, packages));
      Object.assign(figures, await liability(server, token));
      Object.assign(figures, await csv(server, token));
    } finally {
      await server.stop();
    }
    const row = { packages, customers: shape.customers, movements: shape.movements, ...figures };
    rows.push(row);
    console.log(
      `size packages=${packages} customers=${shape.customers} movements=${shape.movements}: ${FIGURES.map((f) => `${f.key}=${figures[f.key]}`).join(" ")}`,
    );
  }
  const file = join(ROOT, "docs", "scale.svg");
  writeFileSync(file, plot(rows));
  console.log(`plot written to docs/scale.svg`);
  const figures: Record<string, number> = {};
  for (const r of rows)
    for (const [k, v] of Object.entries(r)) if (k !== "packages") figures[`${k}_at_${r.packages}`] = v;
  const largest = rows[rows.length - 1];
  const smallest = rows[0];
  if (!largest || !smallest) return report("scale", figures, []);
  figures.redeem_ratio_largest_vs_smallest = round(
    (largest.redeem_ratio ?? 0) / (smallest.redeem_ratio || 1),
    2,
  );
  const at = largest.packages;
  const targets: Target[] = [
    { figure: `panel_p99_ms_at_${at}`, op: "<=", value: 15 },
    { figure: "redeem_ratio_largest_vs_smallest", op: ">=", value: 0.9 },
    { figure: `liability_median_ms_at_${at}`, op: "<=", value: 300 },
    { figure: `csv_rows_per_s_at_${at}`, op: ">=", value: 100_000 },
  ];
  return report("scale", figures, targets);
}

if (import.meta.filename === process.argv[1]) await runScale();
