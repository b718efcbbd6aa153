// Starting Carnet: open the database (embedded unless DATABASE_URL says otherwise), apply the
// migrations, load demo data into an empty database when asked, then serve.
import type { FastifyInstance } from "fastify";
import { type App, systemClock } from "./app/context.js";
import { DEMO_LOGINS, DEMO_PASSWORD, loadDemoData } from "./app/demo-data.js";
import { createMailer } from "./app/outbox.js";
import { verifyPassword } from "./app/passwords.js";
import { configureLedgerWrites } from "./app/write-movement.js";
import type { Config } from "./config.js";
import { type Database, openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { demoLoginsLiveWarning, demoModeWarning } from "./demo-warnings.js";
import { buildServer, WEB_DIST } from "./http/server.js";
import { jobs, startScheduler } from "./jobs/scheduler.js";
import { observeProcess, readMetrics, serveMetricsPort, watchOutboxes } from "./metrics.js";
import { serveControl, serverHolds } from "./ops/control.js";

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  if (!config.databaseUrl && (await serverHolds(config.dataDir))) {
    throw new Error(
      `a Carnet server is running on ${config.dataDir}: stop it first (\`carnet backup\` works while it runs)`,
    );
  }
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.poolSize,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
  });
  configureLedgerWrites(database.db, { inFlight: config.ledgerInFlight });
  return database;
}

/**
 * Demo logins that still sign in with the published password: `carnet seed` put them into a
 * database that now serves outside demo mode. Costs a password check per distinct hash (seeded
 * logins share one).
 */
async function liveDemoLogins(database: Database): Promise<string[]> {
  const rows = await database.db
    .selectFrom("accounts")
    .select(["email", "password_hash"])
    .where(
      "email",
      "in",
      DEMO_LOGINS.map((l) => l.email),
    )
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("staff")
          .select("id")
          .whereRef("staff.account_id", "=", "accounts.id")
          .where("staff.active", "=", true),
      ),
    )
    .execute();
  const known = new Map<string, boolean>();
  const live: string[] = [];
  for (const row of rows) {
    const hash = row.password_hash;
    if (!hash) continue;
    if (!known.has(hash)) known.set(hash, await verifyPassword(DEMO_PASSWORD, hash));
    if (known.get(hash)) live.push(row.email);
  }
  return live;
}

export async function isEmpty(database: Database): Promise<boolean> {
  const row = await database.db.selectFrom("businesses").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

export interface Running {
  server: FastifyInstance;
  app: App;
  url: string;
  /** to show loudly at start (demo logins that can sign in) */
  warnings: string[];
  stop(): Promise<void>;
}

/**
 * What happens once, before any process serves: the database migrated, the demo loaded into an empty
 * one, and the warnings to show. `carnet serve` on PostgreSQL does this in its supervising process
 * (src/processes.ts) before it starts the others.
 */
export async function prepare(config: Config): Promise<{ app: App; warnings: string[] }> {
  const database = await openConfiguredDatabase(config);
  await migrate(database);
  const app: App = { database, clock: systemClock };
  if (config.demo && (await isEmpty(database))) await loadDemoData(app);
  const warnings = config.demo
    ? [demoModeWarning(config.host)]
    : await liveDemoLogins(database).then((emails) =>
        emails.length > 0 ? [demoLoginsLiveWarning(config.host, emails)] : [],
      );
  return { app, warnings };
}

/** Runs the scheduled jobs (src/jobs/scheduler.ts) for `app`; the answer stops them. */
export function runJobs(
  app: App,
  config: Config,
  log: { info(msg: string): void; error(o: object, msg: string): void },
) {
  watchOutboxes(app.database);
  const mailer = createMailer(config.mail);
  if (!config.mail.host) log.info(`no SMTP_HOST: e-mail is written to ${config.mail.logFile}`);
  const stopJobs = startScheduler(
    app,
    log,
    jobs(
      { mailer, from: config.mail.from },
      config.backup.dir
        ? { ...config.backup, dir: config.backup.dir, databaseUrl: config.databaseUrl }
        : undefined,
    ),
  );
  return async () => {
    await stopJobs();
    mailer.close();
  };
}

/**
 * One server process: the API and the web app on config.port, with the scheduled jobs unless
 * `jobs: false` (another process runs them). `prepared` skips the migration and the demo (done).
 */
export async function start(
  config: Config,
  options: { jobs?: boolean; prepared?: boolean; metricsPort?: boolean } = {},
): Promise<Running> {
  const { app, warnings } = options.prepared
    ? { app: { database: await openConfiguredDatabase(config), clock: systemClock }, warnings: [] }
    : await prepare(config);
  const { database } = app;
  // X2: the reports' standby, when there is one
  const replica = config.replicaUrl
    ? await openDatabase({ databaseUrl: config.replicaUrl, poolSize: config.poolSize })
    : undefined;
  if (replica) app.replica = replica;
  observeProcess(database);
  const server = await buildServer(app, {
    logger: { level: config.logLevel },
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    signUpOpen: config.signUpOpen,
    demoLogins: config.demo ? DEMO_LOGINS : null,
    webDir: WEB_DIST,
    metricsToken: config.metrics.token,
  });
  const metricsServer =
    options.metricsPort !== false && config.metrics.port
      ? await serveMetricsPort(config.metrics.port, config.metrics.host, readMetrics)
      : null;
  // X1: `carnet backup` asks this process, the one that holds the embedded database
  const stopControl = database.pglite ? await serveControl(database, config.dataDir) : async () => {};
  const stopJobs = options.jobs === false ? async () => {} : runJobs(app, config, server.log);
  const url = await server.listen({ port: config.port, host: config.host });
  return {
    server,
    app,
    url,
    warnings,
    async stop() {
      metricsServer?.close();
      await stopJobs();
      await server.close();
      await stopControl();
      await replica?.close();
      await database.close();
    },
  };
}
