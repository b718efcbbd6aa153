// carnet serve | migrate | seed | verify | create-business
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createBusiness } from "./app/accounts/create-business.js";
import { MIN_PASSWORD_LENGTH } from "./app/accounts/members.js";
import { makePasswordLink, resetPath } from "./app/accounts/passwords.js";
import { systemClock } from "./app/context.js";
import { loadDemoData } from "./app/demo-data.js";
import { hashPassword } from "./app/passwords.js";
import { verifyLedger } from "./app/verify-ledger.js";
import { verifyMoney } from "./app/verify-money.js";
import { type Config, loadConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { parseHostList } from "./db/multi-host.js";
import { seedWarning } from "./demo-warnings.js";
import { AppError } from "./domain/errors.js";
import { email as emailShape, name as nameShape, postalAddress } from "./http/schemas.js";
import {
  backupPostgres,
  embeddedArchive,
  restoreEmbedded,
  restorePostgres,
  writeWhole,
} from "./ops/backup.js";
import { backupFromServer, serverHolds } from "./ops/control.js";
import { processRole, runChild, supervise, webProcessCount } from "./processes.js";
import { isEmpty, openConfiguredDatabase, start } from "./runtime.js";

const USAGE = `usage: carnet <command>
  serve [--workers N|auto]
           start the server (PORT, DATABASE_URL, CARNET_DATA_DIR, CARNET_DEMO, CARNET_WORKERS);
           on PostgreSQL, N web processes (default 1) and a jobs process at a lower CPU priority
           with the embedded database, the demo lives in .carnet/demo and a real business in
           .carnet/data; the commands below work on .carnet/data unless CARNET_DEMO=1
  migrate  apply database migrations
  seed     load the demo data into an empty database
  verify   recompute every counter from the ledger, every store-credit balance from its movements,
           and check each refund; exit 1 naming each record that disagrees
  backup FILE
           a backup of the database: the embedded one while its server runs (the server writes
           it) or not; PostgreSQL's with pg_dump (custom format)
  restore FILE
           a backup into an empty data folder (CARNET_DATA_DIR) or an empty PostgreSQL database
           (DATABASE_URL), then the migrations and verify
  create-business --name NAME --zone IANA_ZONE --currency ISO_4217 --owner-email EMAIL
           [--owner-name NAME] [--location NAME] [--address TEXT] [--password-stdin]
           a business with its first location and its owner; the owner's password is read from
           standard input with --password-stdin, else a one-time link to set it is printed once`;

/** The database a command works on, for the operator's eyes (no password). */
function where(config: { databaseUrl: string | undefined; dataDir: string }): string {
  if (!config.databaseUrl) return `the embedded database at ${config.dataDir}`;
  const list = parseHostList(config.databaseUrl);
  const url = new URL(list ? list.firstUrl : config.databaseUrl);
  if (list)
    return `the PostgreSQL database ${url.pathname.slice(1)} on ${list.hosts.map((h) => `${h.host}:${h.port}`).join(", ")}`;
  return `the PostgreSQL database ${url.pathname.slice(1)} on ${url.host}`;
}

async function main(command: string | undefined): Promise<number> {
  // Demo mode is the default of a server and of `seed` on the embedded database; the other commands
  // work on a real business's data (.carnet/data) unless CARNET_DEMO says otherwise.
  const demoCommand = command === "serve" || command === "seed";
  const config = loadConfig(
    demoCommand || process.env.CARNET_DEMO !== undefined ? process.env : { ...process.env, CARNET_DEMO: "0" },
  );
  switch (command) {
    case "serve": {
      const { values } = parseArgs({
        args: process.argv.slice(3),
        options: { workers: { type: "string" } },
        strict: true,
      });
      const role = processRole();
      if (role) return runChild(config, role);
      const webProcesses = webProcessCount(values.workers);
      if (config.databaseUrl) return supervise(config, webProcesses);
      if (webProcesses > 1) {
        console.error(
          "--workers: the embedded database opens in one process only; set DATABASE_URL to serve from several",
        );
        return 2;
      }
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
        return (await verifyAndReport(database)) ? 0 : 1;
      } finally {
        await database.close();
      }
    }
    case "backup":
      return backupCommand(config, process.argv.slice(3));
    case "restore":
      return restoreCommand(config, process.argv.slice(3));
    case "create-business":
      return createBusinessCommand(config, process.argv.slice(3));
    default:
      console.error(USAGE);
      return command === undefined || command === "help" ? 0 : 2;
  }
}

/** Where a field of the use case came from on the command line, for the error message. */
const FLAG_OF: Record<string, string> = {
  businessName: "--name",
  "location.timeZone": "--zone",
  "location.currency": "--currency",
  "location.name": "--location",
  "location.address": "--address",
  "owner.email": "--owner-email",
  "owner.name": "--owner-name",
  email: "--owner-email",
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** O1: `carnet create-business` for scripted installs, the first run's use case on the command line. */
async function createBusinessCommand(config: Config, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      name: { type: "string" },
      zone: { type: "string" },
      currency: { type: "string" },
      "owner-email": { type: "string" },
      "owner-name": { type: "string" },
      location: { type: "string" },
      address: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
    },
    strict: true,
  });
  const parsed = z
    .object({
      businessName: nameShape,
      location: z.object({
        name: nameShape,
        timeZone: z.string().min(1, "is required"),
        currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as HUF or USD"),
        address: postalAddress.optional(),
      }),
      owner: z.object({ name: nameShape, email: emailShape }),
    })
    .safeParse({
      businessName: values.name,
      location: {
        name: values.location ?? values.name,
        timeZone: values.zone,
        currency: values.currency,
        ...(values.address !== undefined ? { address: values.address } : {}),
      },
      owner: {
        name: values["owner-name"] ?? values["owner-email"]?.split("@")[0],
        email: values["owner-email"],
      },
    });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join(".");
      console.error(`${FLAG_OF[path] ?? path}: ${issue.message}`);
    }
    console.error(USAGE);
    return 2;
  }
  let passwordHash: string | null = null;
  if (values["password-stdin"]) {
    const password = (await readStdin()).replace(/\r?\n$/, "");
    if (password.length < MIN_PASSWORD_LENGTH) {
      console.error(`the password on standard input must be at least ${MIN_PASSWORD_LENGTH} characters`);
      return 2;
    }
    passwordHash = await hashPassword(password);
  }
  const database = await openConfiguredDatabase(config);
  try {
    await migrate(database);
    const now = systemClock();
    const { created, link } = await database.db.transaction().execute(async (tx) => {
      const created = await createBusiness(tx, now, parsed.data, {
        via: "command_line",
        ownerPasswordHash: passwordHash,
      });
      const account = await tx
        .selectFrom("accounts")
        .select("password_hash")
        .where("id", "=", created.owner.account_id)
        .executeTakeFirstOrThrow();
      const link =
        account.password_hash === null
          ? await makePasswordLink(tx, created.owner.account_id, "first_password", now)
          : null;
      return { created, link };
    });
    const l = created.location;
    console.log(
      `created ${created.businessName} (${created.slug}) in ${where(config)}, location ${l.name} (${l.timeZone}, ${l.currency}), owner ${created.owner.email}`,
    );
    if (link) {
      const base = config.publicUrl ?? `http://localhost:${config.port}`;
      console.log(
        `The owner chooses a password at this link (it works once, for 7 days, and is not shown again):\n${base}${resetPath(link)}`,
      );
    } else if (created.accountExisted) {
      console.log(
        `${created.owner.email} already has a Carnet account: they sign in with its password${passwordHash ? " (the password given was not used)" : ""}.`,
      );
    } else {
      console.log("The owner signs in with the password given.");
    }
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      console.error(`${error.field ? `${FLAG_OF[error.field] ?? error.field}: ` : ""}${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

/**
 * `carnet verify`'s check (also run after a restore): every counter against its ledger, every
 * store-credit balance against its movements, each refund; each record that disagrees is named.
 */
async function verifyAndReport(database: Database): Promise<boolean> {
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
  return mismatches.length === 0 && money.length === 0;
}

/** `carnet backup FILE` (X1). */
async function backupCommand(config: Config, args: string[]): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) {
    console.error("usage: carnet backup FILE");
    return 2;
  }
  const target = resolve(file);
  const started = performance.now();
  if (config.databaseUrl) {
    await backupPostgres(config.databaseUrl, target);
  } else {
    let bytes = await backupFromServer(config.dataDir);
    if (bytes === null) {
      const database = await openConfiguredDatabase(config);
      try {
        bytes = await embeddedArchive(database);
      } finally {
        await database.close();
      }
    }
    writeWhole(target, bytes);
  }
  const size = statSync(target).size;
  console.log(
    `backup of ${where(config)} written to ${target} (${(size / 1_048_576).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return 0;
}

/** `carnet restore FILE` (X1): into an empty folder or database, then migrate and verify. */
async function restoreCommand(config: Config, args: string[]): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) {
    console.error("usage: carnet restore FILE");
    return 2;
  }
  const source = resolve(file);
  if (!existsSync(source)) {
    console.error(`no such file: ${source}`);
    return 2;
  }
  if (config.databaseUrl) {
    const database = await openConfiguredDatabase(config);
    try {
      await restorePostgres(config.databaseUrl, source, database);
    } finally {
      await database.close();
    }
  } else {
    if (await serverHolds(config.dataDir)) {
      console.error(
        `a Carnet server is running on ${config.dataDir}: restore into another folder (CARNET_DATA_DIR)`,
      );
      return 1;
    }
    await restoreEmbedded(source, config.dataDir);
  }
  console.log(`restored ${source} into ${where(config)}`);
  const database = await openConfiguredDatabase(config);
  try {
    const applied = await migrate(database);
    if (applied.length > 0) console.log(`applied: ${applied.join(", ")}`);
    const clean = await verifyAndReport(database);
    console.log(clean ? "restored and verified: clean" : "restored; verify found the problems above");
    return clean ? 0 : 1;
  } finally {
    await database.close();
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
