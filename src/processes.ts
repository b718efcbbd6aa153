// `carnet serve` on PostgreSQL: one supervising process, N web processes and one jobs process.
//
// The supervisor migrates the database and loads the demo (once, before anyone serves), then starts
// the others with node:cluster: the web processes share the port (the supervisor hands each new
// connection to the next one in turn) and answer requests, without scheduled jobs; the jobs process
// runs every scheduled job (webhook delivery, e-mail, sweeps) at a lower CPU priority, so that on a
// busy machine requests come first and deliveries wait (they are at least once, and lag, never
// lost). Every job is already safe on several processes and servers (claims with SKIP LOCKED,
// set-based sweeps), so a second machine may run its own jobs process. Live updates cross processes
// through LISTEN/NOTIFY (src/app/live/hub.ts). A process that dies is started again; SIGTERM or
// SIGINT stops them all, each finishing what it holds.
//
// The embedded database opens in one process only: there `carnet serve` stays one process with the
// jobs inside.
import cluster, { type Worker } from "node:cluster";
import os from "node:os";
import pino from "pino";
import { systemClock } from "./app/context.js";
import type { Config } from "./config.js";
import {
  gatherClusterMetrics,
  observeProcess,
  offerMetricsToSupervisor,
  serveMetricsPort,
} from "./metrics.js";
import { openConfiguredDatabase, prepare, runJobs, start } from "./runtime.js";

/** The jobs process runs this much "nicer" than the web processes (Unix niceness, 0–19). */
export const JOBS_NICENESS = 10;
/** A process that dies is started again after this wait, doubled while it keeps dying young. */
const RESTART_FIRST_MS = 500;
const RESTART_LAST_MS = 30_000;
/** Lived this long: it did not die young, the wait starts over. */
const STEADY_MS = 60_000;
/** Stopping waits this long for the processes to end, then kills them. */
const STOP_PATIENCE_MS = 15_000;

type Role = "web" | "jobs";
const ROLE_ENV = "CARNET_PROCESS";

export const processRole = (): Role | null => {
  const role = process.env[ROLE_ENV];
  return cluster.isWorker && (role === "web" || role === "jobs") ? role : null;
};

/** `carnet serve` for a PostgreSQL database: supervises until stopped; resolves with the exit code. */
export async function supervise(config: Config, webProcesses: number): Promise<number> {
  const { app, warnings } = await prepare(config);
  await app.database.close();
  const gather = gatherClusterMetrics();
  const metricsServer = config.metrics.port
    ? await serveMetricsPort(config.metrics.port, config.metrics.host, gather)
    : null;

  let stopping = false;
  const roles = new Map<Worker, { role: Role; startedAt: number }>();
  const waits: Record<Role, number> = { web: RESTART_FIRST_MS, jobs: RESTART_FIRST_MS };
  const fork = (role: Role) => {
    const worker = cluster.fork({ [ROLE_ENV]: role });
    roles.set(worker, { role, startedAt: Date.now() });
    return worker;
  };
  cluster.on("exit", (worker, code, signal) => {
    const was = roles.get(worker);
    roles.delete(worker);
    if (stopping || !was) return;
    const young = Date.now() - was.startedAt < STEADY_MS;
    waits[was.role] = young ? Math.min(RESTART_LAST_MS, waits[was.role] * 2) : RESTART_FIRST_MS;
    console.error(
      `carnet: a ${was.role} process ended (${signal ?? `exit code ${code}`}); starting another in ${waits[was.role] / 1000} s`,
    );
    setTimeout(() => {
      if (!stopping) fork(was.role);
    }, waits[was.role]).unref();
  });

  const listening: Promise<string>[] = [];
  for (let i = 0; i < webProcesses; i++) {
    const worker = fork("web");
    listening.push(
      new Promise((resolve, reject) => {
        worker.once("listening", (address) => resolve(String(address.port)));
        worker.once("exit", () => reject(new Error("a web process ended before it served")));
      }),
    );
  }
  fork("jobs");
  let port: string;
  try {
    [port] = (await Promise.all(listening)) as [string];
  } catch (error) {
    await stopAll();
    console.error(`carnet: ${(error as Error).message}`);
    return 1;
  }

  async function stopAll() {
    stopping = true;
    metricsServer?.close();
    const ended = [...roles.keys()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once("exit", () => resolve());
          worker.process.kill("SIGTERM");
        }),
    );
    const patience = setTimeout(() => {
      for (const worker of roles.keys()) worker.process.kill("SIGKILL");
    }, STOP_PATIENCE_MS);
    await Promise.all(ended);
    clearTimeout(patience);
  }
  const shutdown = async () => {
    if (stopping) return;
    await stopAll();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);

  for (const warning of warnings) console.error(`\n${warning}\n`);
  console.log(
    `Carnet is running at http://localhost:${port} (postgres database; ${webProcesses} web process${webProcesses === 1 ? "" : "es"} and a jobs process)`,
  );
  return -1;
}

/** The body of a process the supervisor started: serves, or runs the jobs, until told to stop. */
export async function runChild(config: Config, role: Role): Promise<number> {
  let stop: () => Promise<void>;
  offerMetricsToSupervisor();
  if (role === "web") {
    const running = await start(config, { jobs: false, prepared: true, metricsPort: false });
    stop = running.stop;
  } else {
    try {
      os.setPriority(Math.min(19, os.getPriority() + JOBS_NICENESS));
    } catch {
      // a system that refuses: the jobs run at the web processes' priority
    }
    const database = await openConfiguredDatabase(config);
    observeProcess(database);
    const log = pino({ level: config.logLevel, base: { process: "jobs" } });
    const stopJobs = runJobs({ database, clock: systemClock }, config, log);
    stop = async () => {
      await stopJobs();
      await database.close();
    };
  }
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  // the supervisor is gone (killed without a word): do not serve on alone
  process.once("disconnect", shutdown);
  return -1;
}

/** `--workers N` or CARNET_WORKERS: the web processes; default one, at most one per core × 4. */
export function webProcessCount(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const text = flag ?? env.CARNET_WORKERS;
  if (text === undefined || text === "") return 1;
  const n = text === "auto" ? os.availableParallelism() : Number(text);
  const most = os.availableParallelism() * 4;
  if (!Number.isInteger(n) || n < 1 || n > most) {
    throw new Error(
      `--workers (CARNET_WORKERS) must be a whole number from 1 to ${most}, or "auto" (one per core), not ${text}`,
    );
  }
  return n;
}
