// Scheduled work runs inside the server: plain SQL safe to run twice and on several servers at once,
// so no job queue is needed (job libraries that need a PostgreSQL server could not serve the
// embedded mode). Each job runs once at start (catching up after downtime), then on an interval.
import { forgetOldAccountRequests } from "../app/accounts/request-limits.js";
import type { App } from "../app/context.js";
import { purgeIdempotencyKeys } from "../app/idempotency.js";
import { announceChanges } from "../app/live/hub.js";
import { forgetOldRequests } from "../app/online-booking.js";
import { deliverOutbox, type Mailer } from "../app/outbox.js";
import { pruneSignInThrottle } from "../app/sign-in-throttle.js";
import { loggableError } from "../db/loggable-error.js";
import { jobDuration, jobLastSuccess, jobRuns } from "../metrics.js";
import { sweepEndedAppointments } from "./appointment-sweep.js";
import { type AutomaticBackups, automaticBackup } from "./automatic-backup.js";
import { sweepEndedClasses } from "./class-sweep.js";
import { queueExpiryReminders } from "./expiry-reminders.js";
import { sweepExpiredPackages } from "./expiry-sweep.js";
import { foldLiabilityCounters } from "./fold-liability.js";
import { deliverWebhooks, purgeOldWebhookEvents } from "./webhook-delivery.js";

export interface Job {
  name: string;
  everyMs: number;
  run(app: App): Promise<unknown>;
}

export const jobs = (
  mail: { mailer: Mailer; from: string },
  backup?: AutomaticBackups | undefined,
): Job[] => [
  ...(backup
    ? [{ name: "backups", everyMs: 15 * 60_000, run: (app: App) => automaticBackup(app, backup) }]
    : []),
  { name: "class-sweep", everyMs: 60_000, run: (app) => sweepEndedClasses(app, app.clock()) },
  { name: "expiry-reminders", everyMs: 15 * 60_000, run: (app) => queueExpiryReminders(app, app.clock()) },
  { name: "outbox", everyMs: 15_000, run: (app) => deliverOutbox(app, mail.mailer, mail.from, app.clock()) },
  ...BASE_JOBS,
];

const BASE_JOBS: Job[] = [
  // W3: webhooks go out within seconds of their change's commit, never in its request
  { name: "webhooks", everyMs: 2_000, run: (app) => deliverWebhooks(app, app.clock()) },
  {
    name: "webhook-log-purge",
    everyMs: 3_600_000,
    run: (app) => purgeOldWebhookEvents(app.database.db, app.clock()),
  },
  {
    name: "expiry-sweep",
    everyMs: 60_000,
    run: (app) =>
      sweepExpiredPackages(app.database.db, app.clock(), undefined, (businessIds) =>
        announceChanges(app, businessIds, ["packages", "customers", "activity", "reports"]),
      ),
  },
  { name: "liability-fold", everyMs: 10 * 60_000, run: (app) => foldLiabilityCounters(app.database.db) },
  { name: "appointment-sweep", everyMs: 60_000, run: (app) => sweepEndedAppointments(app, app.clock()) },
  {
    name: "idempotency-purge",
    everyMs: 3_600_000,
    run: (app) =>
      purgeIdempotencyKeys(app.database.db, new Date(app.clock().epochMilliseconds - 48 * 3_600_000)),
  },
  {
    name: "sign-in-throttle-prune",
    everyMs: 3_600_000,
    run: (app) => pruneSignInThrottle(app.database.db, app.clock()),
  },
  {
    name: "account-requests-prune",
    everyMs: 3_600_000,
    run: (app) => forgetOldAccountRequests(app.database.db, app.clock()),
  },
  {
    name: "online-booking-requests-prune",
    everyMs: 3_600_000,
    run: (app) => forgetOldRequests(app.database.db, null, app.clock()),
  },
];

const STOP_PATIENCE_MS = 5_000;

export function startScheduler(app: App, log: { error: (o: object, msg: string) => void }, scheduled: Job[]) {
  const timers: NodeJS.Timeout[] = [];
  /** the run of each job under way: stopping waits for them, so none outlives the database */
  const running = new Map<string, Promise<void>>();
  const runJob = (job: Job) => {
    if (running.has(job.name)) return;
    const run = (async () => {
      const started = performance.now();
      try {
        await job.run(app);
        jobRuns.inc({ job: job.name, outcome: "ok" });
        jobLastSuccess.set({ job: job.name }, Date.now() / 1000);
      } catch (err) {
        jobRuns.inc({ job: job.name, outcome: "error" });
        log.error(
          { error: loggableError(err), job: job.name },
          "scheduled job failed; it runs again at its next turn",
        );
      } finally {
        jobDuration.observe({ job: job.name }, (performance.now() - started) / 1000);
        running.delete(job.name);
      }
    })();
    running.set(job.name, run);
  };
  for (const job of scheduled) {
    runJob(job);
    const timer = setInterval(() => runJob(job), job.everyMs);
    timer.unref();
    timers.push(timer);
  }
  /**
   * Stops the timers, then waits for the runs under way to end, 5 s at most: a webhook round may
   * wait 10 s for a slow receiver, and what a cut-off run claimed is retried after its lease.
   */
  return async () => {
    for (const t of timers) clearInterval(t);
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, STOP_PATIENCE_MS);
    });
    await Promise.race([Promise.all(running.values()), patience]);
    clearTimeout(timer);
  };
}
