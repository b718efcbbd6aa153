// Scheduled work runs inside the server: plain SQL safe to run twice and on several servers at once,
// so no job queue is needed (job libraries that need a PostgreSQL server could not serve the
// embedded mode). Each job runs once at start (catching up after downtime), then on an interval.
import type { App } from "../app/context.js";
import { purgeIdempotencyKeys } from "../app/idempotency.js";
import { sweepEndedAppointments } from "./appointment-sweep.js";
import { sweepExpiredPackages } from "./expiry-sweep.js";

export interface Job {
  name: string;
  everyMs: number;
  run(app: App): Promise<unknown>;
}

export const JOBS: Job[] = [
  { name: "expiry-sweep", everyMs: 60_000, run: (app) => sweepExpiredPackages(app.database.db, app.clock()) },
  { name: "appointment-sweep", everyMs: 60_000, run: (app) => sweepEndedAppointments(app, app.clock()) },
  {
    name: "idempotency-purge",
    everyMs: 3_600_000,
    run: (app) =>
      purgeIdempotencyKeys(app.database.db, new Date(app.clock().epochMilliseconds - 48 * 3_600_000)),
  },
];

export function startScheduler(
  app: App,
  log: { error: (o: object, msg: string) => void },
  jobs: Job[] = JOBS,
) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<string>();
  const runJob = async (job: Job) => {
    if (running.has(job.name)) return;
    running.add(job.name);
    try {
      await job.run(app);
    } catch (err) {
      log.error({ err, job: job.name }, "scheduled job failed; it runs again at its next turn");
    } finally {
      running.delete(job.name);
    }
  };
  for (const job of jobs) {
    void runJob(job);
    const timer = setInterval(() => void runJob(job), job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
