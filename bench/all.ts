// `npm run bench`: every benchmark in turn; the figures end each section as name=value lines.
import { runClassSweep } from "./class-sweep.js";
import { runEmbedded } from "./embedded.js";
import { runImport } from "./import.js";
import { runReads } from "./reads.js";
import { runRedeem } from "./redeem.js";

const results: Record<string, boolean> = {};
results.redeem = await runRedeem();
results.reads = await runReads();
results.sweep = await runClassSweep();
results.embedded = await runEmbedded();
results.import = await runImport();
console.log("\n== summary ==");
for (const [name, met] of Object.entries(results))
  console.log(`${name}: ${met ? "all targets met" : "target(s) missed"}`);
