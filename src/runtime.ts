// Starting Carnet: open the database (embedded unless DATABASE_URL says otherwise), apply the
// migrations, load demo data into an empty database when asked, then serve.
import type { FastifyInstance } from "fastify";
import { type App, systemClock } from "./app/context.js";
import { DEMO_LOGINS, loadDemoData } from "./app/demo-data.js";
import { createMailer } from "./app/outbox.js";
import { configureLedgerWrites } from "./app/write-movement.js";
import type { Config } from "./config.js";
import { type Database, openDatabase } from "./db/database.js";
import { migrate } from "./db/migrate.js";
import { buildServer, WEB_DIST } from "./http/server.js";
import { jobs, startScheduler } from "./jobs/scheduler.js";

export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.poolSize,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
  });
  configureLedgerWrites(database.db, { inFlight: config.ledgerInFlight });
  return database;
}

export async function isEmpty(database: Database): Promise<boolean> {
  const row = await database.db.selectFrom("businesses").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

export interface Running {
  server: FastifyInstance;
  app: App;
  url: string;
  stop(): Promise<void>;
}

export async function start(config: Config): Promise<Running> {
  const database = await openConfiguredDatabase(config);
  await migrate(database);
  const app: App = { database, clock: systemClock };
  if (config.demo && (await isEmpty(database))) await loadDemoData(app);
  const server = await buildServer(app, {
    logger: { level: config.logLevel },
    secureCookies: config.secureCookies,
    trustProxy: config.trustProxy,
    demoLogins: config.demo ? DEMO_LOGINS : null,
    webDir: WEB_DIST,
  });
  const mailer = createMailer(config.mail);
  if (!config.mail.host) server.log.info(`no SMTP_HOST: e-mail is written to ${config.mail.logFile}`);
  const stopJobs = startScheduler(app, server.log, jobs({ mailer, from: config.mail.from }));
  const url = await server.listen({ port: config.port, host: config.host });
  return {
    server,
    app,
    url,
    async stop() {
      stopJobs();
      mailer.close();
      await server.close();
      await database.close();
    },
  };
}
