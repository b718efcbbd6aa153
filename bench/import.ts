// Benchmark 6: importing packages from another system (O5) on the embedded database (PGlite):
// 10,000 packages of 4,000 customers in one file, through `carnet serve` over HTTP as the Import & export page
// sends it (its progress streamed), in under 10 s. Also the dry run of the same file, and the
// second import of it, which creates nothing; then `carnet verify` on the database it left.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bearerToken, ROOT, report, round, SCALE, startServer } from "./lib.js";

const PACKAGES = Math.max(100, Math.round(10_000 * SCALE));
const CUSTOMERS = Math.max(40, Math.round(4_000 * SCALE));

interface Catalog {
  templates: Array<{ name: string; active: boolean; items: Array<{ quantity: number }> }>;
  locations: Array<{ name: string }>;
}

const cell = (v: string | number) =>
  /[",\r\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v);

/** One row per package: courses of the demo's templates, and a tenth by their item alone. */
function importFile(catalog: Catalog): string {
  const courses = catalog.templates.filter(
    (t) => t.active && t.items.length === 1 && t.items[0]!.quantity <= 20,
  );
  const location = catalog.locations.find((l) => l.name.startsWith("Budapest"))!.name;
  const rows = [
    "package_ref,customer_name,customer_email,template,item,credits_total,credits_used,price_paid,purchase_date,expiry_date,location",
  ];
  for (let i = 0; i < PACKAGES; i++) {
    const c = i % CUSTOMERS;
    const day = `2025-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`;
    const expiry = i % 5 === 0 ? "" : `2027-${String((i % 12) + 1).padStart(2, "0")}-15`;
    const byItem = i % 10 === 9;
    const template = courses[i % courses.length]!;
    const total = byItem ? 8 : template.items[0]!.quantity;
    rows.push(
      [
        `OLD-${i}`,
        `Customer ${c}`,
        `customer.${c}@import.example`,
        byItem ? "" : template.name,
        byItem ? "Manicure" : "",
        total,
        i % (total + 1),
        `${12 + (i % 40)} 000`,
        day,
        expiry,
        location,
      ]
        .map(cell)
        .join(","),
    );
  }
  return rows.join("\r\n");
}

async function timed(url: string, token: string, path: string, csv: string, stream: boolean) {
  const started = performance.now();
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...(stream ? { accept: "application/x-ndjson" } : {}),
    },
    body: JSON.stringify({ csv, fileName: "bench.csv" }),
  });
  const text = await res.text();
  const seconds = (performance.now() - started) / 1000;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 500)}`);
  const lines = stream
    ? text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [{ type: "result", result: JSON.parse(text) }];
  const last = lines.at(-1);
  if (last.type !== "result") throw new Error(`${path}: ${JSON.stringify(last).slice(0, 500)}`);
  return { seconds, result: last.result, progressLines: lines.length - 1 };
}

export async function runImport(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), "carnet-bench-import-"));
  const figures: Record<string, number> = {};
  try {
    const server = await startServer({ CARNET_DATA_DIR: dataDir, DATABASE_URL: "", CARNET_DEMO: "1" }, 3806);
    try {
      const logins = (await (await fetch(`${server.url}/api/v1/auth/demo-logins`)).json()) as {
        logins: Array<{ email: string; password: string; role: string }>;
      };
      const owner = logins.logins.find((l) => l.role === "owner");
      if (!owner) throw new Error("no demo owner");
      const token = await bearerToken(server.url, owner);
      const get = async (path: string) =>
        (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
      const catalog: Catalog = {
        templates: await get("/api/v1/templates"),
        locations: await get("/api/v1/locations"),
      };
      const csv = importFile(catalog);
      console.log(
        `file: ${PACKAGES} packages of ${CUSTOMERS} customers, ${round(csv.length / 2 ** 20, 2)} MiB`,
      );
      const dry = await timed(server.url, token, "/api/v1/imports/dry-run", csv, false);
      if (dry.result.errorCount > 0)
        throw new Error(`dry run: ${JSON.stringify(dry.result.errors.slice(0, 5))}`);
      const run = await timed(server.url, token, "/api/v1/imports", csv, true);
      if (run.result.summary.toCreate !== PACKAGES) throw new Error(`created ${run.result.summary.toCreate}`);
      console.log(
        `import: ${run.progressLines} progress lines, ${run.result.summary.customersNew} customers made`,
      );
      const again = await timed(server.url, token, "/api/v1/imports", csv, true);
      if (again.result.summary.toCreate !== 0)
        throw new Error(`again created ${again.result.summary.toCreate}`);
      Object.assign(figures, {
        import_packages: PACKAGES,
        import_s: round(run.seconds, 2),
        import_rows_per_s: round(PACKAGES / run.seconds, 0),
        import_dry_run_s: round(dry.seconds, 2),
        import_again_s: round(again.seconds, 2),
      });
    } finally {
      await server.stop();
    }
    // L2: every counter of the 10,000 imported packages equals its ledger (`carnet verify`).
    const verify = spawnSync(process.execPath, [join(ROOT, "bin", "carnet.js"), "verify"], {
      cwd: ROOT,
      env: { ...process.env, CARNET_DATA_DIR: dataDir, DATABASE_URL: "", LOG_LEVEL: "warn" },
      encoding: "utf8",
    });
    console.log(
      `carnet verify: ${verify.stdout.trim()}${verify.stderr.trim() ? `\n${verify.stderr.trim().slice(0, 2000)}` : ""}`,
    );
    figures.import_verify_clean = verify.status === 0 ? 1 : 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  // 10,000 packages in under 10 s (issue 16), and the ledger still verifies
  return report("import (PGlite)", figures, [
    { figure: "import_rows_per_s", op: ">=", value: 1000 },
    { figure: "import_verify_clean", op: ">=", value: 1 },
  ]);
}

if (import.meta.filename === process.argv[1]) await runImport();
