// X4: what an operator's Prometheus scrapes, through prom-client. Every process records its own
// (requests, ledger statements, pool waits, job runs); the process that runs the jobs also reports
// the outboxes' backlog, read from the database at scrape time. With several processes
// (src/processes.ts) the supervisor gathers them all (prom-client's AggregatorRegistry: counters
// and histograms add up, the database's gauges take the largest). Served off the public port
// (CARNET_METRICS_PORT) or on it behind a token (CARNET_METRICS_TOKEN): src/http/routes/metrics.ts.
import cluster from "node:cluster";
import http from "node:http";
import { sql } from "kysely";
import client from "prom-client";
import type { Database } from "./db/database.js";

export const registry = client.register;

let defaultsOn = false;
/** Process figures (CPU, memory, event-loop delay, GC), once per process. */
export function collectProcessMetrics() {
  if (defaultsOn) return;
  defaultsOn = true;
  client.collectDefaultMetrics({ register: registry, prefix: "carnet_" });
}

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpDuration = new client.Histogram({
  name: "carnet_http_request_duration_seconds",
  help: "Time to answer a request, by route (the route's pattern, never its ids) and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: SECONDS,
});

export const ledgerStatements = new client.Counter({
  name: "carnet_ledger_statements_total",
  help: "Ledger statements written: one movement, or a batch of movements of other lines",
  labelNames: ["shape"] as const,
});

export const ledgerBatchSize = new client.Histogram({
  name: "carnet_ledger_batch_movements",
  help: "Movements written by one ledger statement",
  buckets: [1, 2, 4, 8, 16, 32, 64, 128],
});

export const poolWait = new client.Histogram({
  name: "carnet_db_pool_wait_seconds",
  help: "Time a query waited for a connection of the pool (PostgreSQL server)",
  buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
});

export const jobRuns = new client.Counter({
  name: "carnet_job_runs_total",
  help: "Runs of a scheduled job, by outcome",
  labelNames: ["job", "outcome"] as const,
});

export const jobDuration = new client.Histogram({
  name: "carnet_job_duration_seconds",
  help: "Time one run of a scheduled job took",
  labelNames: ["job"] as const,
  buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300],
});

export const jobLastSuccess = new client.Gauge({
  name: "carnet_job_last_success_timestamp_seconds",
  help: "When each scheduled job last ended without an error (Unix seconds): its lag is time() minus this",
  labelNames: ["job"] as const,
  aggregator: "max",
});

/** What every serving process records of itself: its process figures, and its pool's when it has one. */
export function observeProcess(database: Database) {
  collectProcessMetrics();
  if (database.pool) watchPool(database.pool);
}

/** The pool's connections and waiters, for a process on a PostgreSQL server. */
export function watchPool(pool: { totalCount: number; idleCount: number; waitingCount: number }) {
  registry.removeSingleMetric("carnet_db_pool_connections");
  registry.removeSingleMetric("carnet_db_pool_waiting");
  new client.Gauge({
    name: "carnet_db_pool_connections",
    help: "Connections of the pool, busy or idle",
    labelNames: ["state"] as const,
    collect() {
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "busy" }, pool.totalCount - pool.idleCount);
    },
  });
  new client.Gauge({
    name: "carnet_db_pool_waiting",
    help: "Queries waiting for a connection of the pool now",
    collect() {
      this.set(pool.waitingCount);
    },
  });
}

/**
 * The outboxes' backlog (webhook deliveries and e-mails due and not yet sent, and the age of the
 * oldest), read at scrape time. Registered by the process that runs the jobs, once.
 */
export function watchOutboxes(database: Database, now: () => Date = () => new Date()) {
  const name = "carnet_outbox_pending";
  if (registry.getSingleMetric(name)) return;
  const read = async () => {
    const { rows } = await sql<{ outbox: string; pending: number; oldest: Date | null }>`
      SELECT 'webhooks' AS outbox, count(*)::int AS pending, min(d.created_at) AS oldest
        FROM webhook_deliveries d
        JOIN webhook_endpoints e ON e.business_id = d.business_id AND e.id = d.endpoint_id AND e.enabled
       WHERE d.status = 'pending'
      UNION ALL
      SELECT 'mail', count(*)::int, min(created_at) FROM outbox WHERE status = 'pending'`.execute(
      database.db,
    );
    return rows;
  };
  let last: Promise<Awaited<ReturnType<typeof read>>> | null = null;
  /** one query per scrape, shared by both gauges */
  const once = () => {
    if (!last) {
      last = read().finally(() => setTimeout(() => (last = null), 1_000).unref());
    }
    return last;
  };
  new client.Gauge({
    name,
    help: "Messages written and not yet sent (webhook deliveries of enabled endpoints, e-mails)",
    labelNames: ["outbox"] as const,
    aggregator: "max",
    async collect() {
      for (const row of await once()) this.set({ outbox: row.outbox }, row.pending);
    },
  });
  new client.Gauge({
    name: "carnet_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest message not yet sent, 0 when none",
    labelNames: ["outbox"] as const,
    aggregator: "max",
    async collect() {
      for (const row of await once()) {
        const age = row.oldest ? (now().getTime() - new Date(row.oldest).getTime()) / 1000 : 0;
        this.set({ outbox: row.outbox }, Math.max(0, age));
      }
    },
  });
}

const ASK = "carnet:metrics-ask";
const ANSWER = "carnet:metrics-answer";
let asked = 0;
const waiting = new Map<number, (text: string | null) => void>();

/**
 * The figures in Prometheus's text format: this process's own, or, in a process the supervisor
 * started, every process's, gathered by the supervisor (answerMetricsAsks).
 */
export async function readMetrics(): Promise<string> {
  if (!cluster.isWorker || !process.send) return registry.metrics();
  if (waiting.size === 0) process.on("message", heardAnswer);
  const id = ++asked;
  const text = await new Promise<string | null>((resolve) => {
    waiting.set(id, resolve);
    process.send!({ type: ASK, id });
    setTimeout(() => resolve(null), 5_000).unref();
  });
  waiting.delete(id);
  if (waiting.size === 0) process.off("message", heardAnswer);
  // the supervisor did not answer in time: this process's own figures are better than none
  return text ?? registry.metrics();
}

function heardAnswer(message: { type?: string; id?: number; text?: string }) {
  if (message?.type === ANSWER && message.id !== undefined) waiting.get(message.id)?.(message.text ?? null);
}

/** In the supervisor: gathers every process's figures for whoever asks (a web process, or its port). */
export function gatherClusterMetrics(): () => Promise<string> {
  const aggregator = new client.AggregatorRegistry();
  const gather = () => aggregator.clusterMetrics();
  cluster.on("message", (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== ASK) return;
    gather().then(
      (text) => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, text }),
      () => worker.isConnected() && worker.send({ type: ANSWER, id: message.id, text: null }),
    );
  });
  return gather;
}

/** In a process the supervisor started: answer its requests for this process's figures. */
export function offerMetricsToSupervisor() {
  // constructing one adds prom-client's listener for the supervisor's requests
  new client.AggregatorRegistry();
}

/** CARNET_METRICS_PORT: /metrics on a port of its own (loopback unless told otherwise). */
export async function serveMetricsPort(
  port: number,
  host: string,
  read: () => Promise<string>,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    read().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  server.unref();
  return server;
}
