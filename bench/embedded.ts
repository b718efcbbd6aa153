// Benchmark 5: embedded mode (PGlite). One user redeeming over HTTP (p50), and `carnet serve` on
// an existing data folder answering within 3 s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bearerToken, DURATION_S, load, report, round, startServer } from "./lib.js";

export async function runEmbedded(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), "carnet-bench-"));
  const figures: Record<string, number> = {};
  try {
    const env = { CARNET_DATA_DIR: dataDir, DATABASE_URL: "", CARNET_DEMO: "1" };
    // First start: a new data folder, migrations and demo data (not the figure).
    const first = await startServer(env, 3803);
    console.log(`first start on a new data folder (demo data loaded): ${round(first.readyMs / 1000, 1)} s`);
    await first.stop();
    const server = await startServer(env, 3803);
    figures.embedded_restart_ready_ms = round(server.readyMs, 0);
    try {
      const signIn = await fetch(`${server.url}/api/v1/auth/demo-logins`);
      const { logins } = (await signIn.json()) as {
        logins: Array<{ email: string; password: string; role: string }>;
      };
      const owner = logins.find((l) => l.role === "owner");
      if (!owner) throw new Error("no demo owner");
      const token = await bearerToken(server.url, owner);
      const packages = (await (
        await fetch(`${server.url}/api/v1/reports/balances?status=active&limit=200`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { items: Array<{ packageId: string; remaining: number }> };
      const pkg = packages.items.sort((a, b) => b.remaining - a.remaining)[0];
      if (!pkg) throw new Error("no active package");
      const view = (await (
        await fetch(`${server.url}/api/v1/packages/${pkg.packageId}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { lines: Array<{ id: string; remaining: number }> };
      const line = view.lines.sort((a, b) => b.remaining - a.remaining)[0]!;
      // Add enough credits for the warm-up and the run (the benchmark measures redemptions, not
      // refusals): 40,000, in the largest adjustments the API takes.
      for (let i = 0; i < 4; i++) {
        const added = await fetch(
          `${server.url}/api/v1/packages/${pkg.packageId}/lines/${line.id}/adjustments`,
          {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({ direction: "add", quantity: 10_000, reason: "benchmark" }),
          },
        );
        if (!added.ok) throw new Error(`adjust: ${added.status} ${await added.text()}`);
      }
      const run = Date.now().toString(36);
      const r = await load(server.url, 1, Math.min(DURATION_S, 10), (_, n) => ({
        method: "POST",
        path: `/api/v1/packages/${pkg.packageId}/lines/${line.id}/redeem`,
        headers: { authorization: `Bearer ${token}`, "idempotency-key": `${run}-${n}` },
        body: '{"quantity":1}',
      }));
      console.log("embedded, one user redeeming:", JSON.stringify(r.statuses), r.errorBodies);
      Object.assign(figures, {
        embedded_redeem_rps: round(r.rps, 0),
        embedded_redeem_p50_ms: r.p50_ms,
        embedded_redeem_p99_ms: r.p99_ms,
        embedded_redeem_errors: r.requests - (r.statuses["200"] ?? 0),
      });
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return report("embedded (PGlite)", figures, [
    { figure: "embedded_redeem_p50_ms", op: "<=", value: 5 },
    { figure: "embedded_redeem_errors", op: "<=", value: 0 },
    { figure: "embedded_restart_ready_ms", op: "<=", value: 3000 },
  ]);
}

if (import.meta.filename === process.argv[1]) await runEmbedded();
