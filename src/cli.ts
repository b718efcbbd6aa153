// carnet serve | migrate | seed | verify
import { systemClock } from "./app/context.js";
import { loadDemoData } from "./app/demo-data.js";
import { verifyLedger } from "./app/verify-ledger.js";
import { verifyMoney } from "./app/verify-money.js";
import { loadConfig } from "./config.js";
import { migrate } from "./db/migrate.js";
import { seedWarning } from "./demo-warnings.js";
import { isEmpty, openConfiguredDatabase, start } from "./runtime.js";

const USAGE = `usage: carnet <command>
  serve    start the server (PORT, DATABASE_URL, CARNET_DATA_DIR, CARNET_DEMO)
  migrate  apply database migrations
  seed     load the demo data into an empty database
  verify   recompute every counter from the ledger, every store-credit balance from its movements,
           and check each refund; exit 1 naming each record that disagrees`;

/** The database a command works on, for the operator's eyes (no password). */
function where(config: { databaseUrl: string | undefined; dataDir: string }): string {
  if (!config.databaseUrl) return `the embedded database at ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `the PostgreSQL database ${url.pathname.slice(1)} on ${url.host}`;
}

async function main(command: string | undefined): Promise<number> {
  const config = loadConfig();
  switch (command) {
    case "serve": {
      const running = await start(config);
      const shutdown = async () => {
        await running.stop();
        process.exit(0);
      };
      process.once("SIGINT", shutdown);
      process.once("SIGTERM", shutdown);
      const port = new URL(running.url).port;
      for (const warning of running.warnings) console.error(`\n${warning}\n`);
      console.log(`Carnet is running at http://localhost:${port} (${running.app.database.backend} database)`);
      return -1;
    }
    case "migrate": {
      const database = await openConfiguredDatabase(config);
      try {
        const applied = await migrate(database);
        console.log(applied.length ? `applied: ${applied.join(", ")}` : "the database is up to date");
        return 0;
      } finally {
        await database.close();
      }
    }
    case "seed": {
      const database = await openConfiguredDatabase(config);
      try {
        await migrate(database);
        if (!(await isEmpty(database))) {
          console.error("the database already holds data; demo data goes into an empty database only");
          return 1;
        }
        console.error(`\n${seedWarning(where(config))}\n`);
        await loadDemoData({ database, clock: systemClock });
        console.log("demo data loaded");
        return 0;
      } finally {
        await database.close();
      }
    }
    case "verify": {
      const database = await openConfiguredDatabase(config);
      try {
        const { lines, mismatches } = await verifyLedger(database.db);
        for (const m of mismatches) {
          console.error(
            `MISMATCH package ${m.packageId} line ${m.lineId} (${m.itemName}): cached ${JSON.stringify(m.cached)} ledger ${JSON.stringify(m.ledger)}`,
          );
        }
        console.log(
          `verified ${lines} package lines: ${mismatches.length === 0 ? "all counters equal their ledger" : `${mismatches.length} mismatch(es)`}`,
        );
        const money = await verifyMoney(database.db);
        for (const p of money) {
          console.error(`MONEY ${p.kind} business ${p.businessId} ${p.subjectId}: ${p.detail}`);
        }
        console.log(
          `verified store credit and refunds: ${money.length === 0 ? "every balance equals its movements, every refund is recorded once and within its price" : `${money.length} problem(s)`}`,
        );
        return mismatches.length === 0 && money.length === 0 ? 0 : 1;
      } finally {
        await database.close();
      }
    }
    default:
      console.error(USAGE);
      return command === undefined || command === "help" ? 0 : 2;
  }
}

main(process.argv[2]).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
