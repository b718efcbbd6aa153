// The one place that knows whether Carnet runs on a PostgreSQL server (pg) or on the embedded
// PostgreSQL (PGlite). Everything above this file sees a Kysely<DB> and the same JavaScript types.
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { PGlite } from "@electric-sql/pglite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  type PostgresPool,
  type PostgresPoolClient,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { poolWait } from "../metrics.js";
import { BinaryColumnReader, inlineParameters } from "./copy-out.js";
import { type ListenHandlers, type Listening, listenOn } from "./listen.js";
import { clientForHosts, parseHostList } from "./multi-host.js";
import { prepareMarkedStatements } from "./prepared.js";
import type { DB } from "./schema.js";

export type Backend = "postgres" | "pglite";
export type SessionQuery = (script: string) => Promise<Array<Record<string, unknown>>>;

export interface Database {
  readonly db: Kysely<DB>;
  readonly backend: Backend;
  /** Runs a script of several statements (migrations, test set-up). */
  exec(script: string): Promise<void>;
  /** Runs fn on one dedicated session (advisory locks hold across its calls). */
  withSession<T>(fn: (query: SessionQuery) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL server only: the values of a one-column query, read by COPY in a read-only
   * transaction that first runs `setup` (SET LOCAL …), a batch per chunk received. Stopping
   * early ends the COPY (its connection is closed).
   */
  copyColumn?(query: CompiledQuery, setup?: string[]): AsyncGenerator<Buffer[]>;
  /**
   * PostgreSQL server only: LISTEN on a channel over a connection of its own that reconnects
   * (src/db/listen.ts); the caller closes it. The embedded database serves one process.
   */
  listen?(channel: string, handlers: ListenHandlers): Listening;
  close(): Promise<void>;
  /** PostgreSQL server only: the pool's counts, for the metrics (src/metrics.ts) */
  readonly pool?: { readonly totalCount: number; readonly idleCount: number; readonly waitingCount: number };
  /** The embedded instance, when there is one (tests clone it). */
  readonly pglite?: PGlite;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

// Both backends return bigint and numeric as numbers (our values stay far below 2^53) and dates as
// 'YYYY-MM-DD' strings, so no caller ever sees a difference.
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(NUMERIC, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);
const pgliteParsers = {
  [INT8]: (v: string) => Number(v),
  [NUMERIC]: (v: string) => Number(v),
  [DATE]: (v: string) => v,
};

export interface OpenOptions {
  /** postgres://… — absent means the embedded database */
  databaseUrl?: string | undefined;
  /** folder of the embedded database; absent means in memory */
  dataDir?: string | undefined;
  /** connections to a PostgreSQL server; DEFAULT_POOL_SIZE when absent */
  poolSize?: number | undefined;
  /** start from a copy of this embedded database (tests) */
  loadDataDir?: Blob;
  /** ms after which a server query is cancelled */
  statementTimeoutMs?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openServer(options.databaseUrl, options);
  return openEmbedded(options);
}

/**
 * A few connections, not one per client: PostgreSQL does the most with about as many busy
 * connections as it has cores, and requests beyond that wait in the pool, which costs the server
 * next to nothing. Twice the cores and one more, as PostgreSQL's own guidance on pool sizes has it
 * (five on a 2-core machine). Measured at 16 clients on a 2-core machine (issue 7), alternating:
 * the booking panel did 4,001–4,228 requests/s with p99 16–18 ms on 5 connections, against
 * 3,475–3,905 and p99 21–25 ms on 8; the quick redeem did as much on 5 as on 8 (1.00× and 1.11×
 * pgbench, against 0.87× and 1.03×) with a lower p99; 16 connections (the panel) and 20 (the
 * redeem, on another machine) did worst. CARNET_DB_POOL_SIZE sets it (src/config.ts).
 */
export const DEFAULT_POOL_SIZE = 2 * availableParallelism() + 1;

/** The longest a COPY (an export's download) may take. */
const COPY_TIMEOUT_MS = 30 * 60_000;

function openServer(url: string, options: OpenOptions): Database {
  // CARNET_DB_STATEMENT_TIMEOUT_MS: for tests that need the bounds short; 15 s otherwise.
  const statementTimeoutMs =
    options.statementTimeoutMs ?? (Number(process.env.CARNET_DB_STATEMENT_TIMEOUT_MS) || 15_000);
  // X2: several hosts in the URL (a primary and its standbys): src/db/multi-host.ts
  const hostList = parseHostList(url);
  const Client = hostList ? clientForHosts(hostList) : pg.Client;
  const pool = new pg.Pool({
    Client,
    connectionString: hostList ? hostList.firstUrl : url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    // Bounds waiting for a connection, new or from the pool, so an unreachable database answers
    // 503 database_unavailable (src/http/errors.ts) in seconds instead of hanging.
    connectionTimeoutMillis: 5_000,
    statement_timeout: statementTimeoutMs,
    // The server cancels a slow statement; this bounds a reply lost on the network as well.
    query_timeout: statementTimeoutMs + 5_000,
    keepAlive: true,
    // A connection closed when idle costs the next request a new connection and a new plan for
    // each prepared statement (tens of milliseconds); pg's default closes them after 10 s.
    idleTimeoutMillis: 120_000,
  });
  // A client losing its server, idle or in the middle of a query, must not crash the process: the
  // query in flight fails (and answers 503), the pool drops the client and connects anew later.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    client.on("error", () => {});
    prepareMarkedStatements(client);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: discardingLostClients(pool) }) });
  return {
    db,
    backend: "postgres",
    pool,
    async exec(script) {
      // The simple query protocol runs several statements in one call.
      await pool.query(script);
    },
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn(async (script) => {
          const result = await client.query(script);
          const last = Array.isArray(result) ? result[result.length - 1] : result;
          return last?.rows ?? [];
        });
      } finally {
        client.release();
      }
    },
    listen: (channel, handlers) => listenOn(hostList ? hostList.firstUrl : url, channel, handlers, Client),
    async *copyColumn(query, setup = []) {
      const client = await pool.connect();
      let finished = false;
      try {
        await client.query("BEGIN READ ONLY");
        // one statement for the whole download, however slow the client reading it
        await client.query(`SET LOCAL statement_timeout = ${COPY_TIMEOUT_MS}`);
        for (const statement of setup) await client.query(statement);
        const stream = copyTo(`COPY (${inlineParameters(query)}) TO STDOUT (FORMAT binary)`);
        Object.assign(stream, { query_timeout: COPY_TIMEOUT_MS + 5_000 });
        const reader = new BinaryColumnReader();
        for await (const chunk of client.query(stream)) {
          const values = reader.push(chunk as Buffer);
          if (values.length > 0) yield values;
        }
        if (!reader.done) throw new Error("the COPY stream ended before its trailer");
        await client.query("COMMIT");
        finished = true;
      } finally {
        // a COPY stopped midway leaves the connection in the middle of its stream: close it
        client.release(!finished);
      }
    },
    async close() {
      // Kysely ends the pool only when a query went through it. A caller that used only exec or
      // withSession (migrate, say) would leave its connections open until their idle timeout,
      // and CREATE DATABASE … TEMPLATE refuses a database with sessions.
      await db.destroy();
      if (!pool.ending) await pool.end();
    },
  };
}

/** pg's own words for a connection that can no longer be trusted (see src/http/errors.ts) */
export const LOST_CONNECTION =
  /Connection terminated|not queryable|Query read timeout|Received unexpected .* message from backend|timeout expired/i;

/**
 * Kysely hands clients back to the pool without saying whether they failed. A client whose
 * connection died, or whose reply timed out (the reply may still arrive later, out of turn), must
 * not serve another request: it is destroyed on release and the pool connects anew.
 *
 * Each pg client keeps one wrapper for its life. Kysely keys its connection objects by the client
 * it is given (a WeakMap and a WeakSet): a new wrapper on every checkout cost a new connection
 * object and two weak entries per query (no difference measurable through the noise of a 2-core
 * machine; less work by construction).
 */
function discardingLostClients(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, { client: PostgresPoolClient; lost: boolean }>();
  const wrap = (client: pg.PoolClient) => {
    const wrapper = {
      lost: false,
      client: {
        query: ((text: unknown, parameters?: ReadonlyArray<unknown>) => {
          if (typeof text !== "string") return client.query(text as never);
          return client.query(text, parameters as unknown[]).catch((error: Error) => {
            if (LOST_CONNECTION.test(error.message ?? "")) wrapper.lost = true;
            throw error;
          });
        }) as unknown as PostgresPoolClient["query"],
        release: () => client.release(wrapper.lost || undefined),
      },
    };
    wrappers.set(client, wrapper);
    return wrapper;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const asked = performance.now();
      const client = await pool.connect();
      poolWait.observe((performance.now() - asked) / 1000);
      // A client once lost is destroyed on release and never handed out again: `lost` needs no reset.
      return (wrappers.get(client) ?? wrap(client)).client;
    },
    end: () => pool.end(),
  };
}

async function openEmbedded(options: OpenOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = new PGlite({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    parsers: pgliteParsers,
  });
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new SerialPGliteDialect(pglite) });
  return {
    db,
    backend: "pglite",
    pglite,
    async exec(script) {
      await pglite.exec(script);
    },
    async withSession(fn) {
      // One process owns the embedded database; its session is the only one.
      return fn(async (script) => {
        const results = await pglite.exec(script);
        return (results[results.length - 1]?.rows ?? []) as Array<Record<string, unknown>>;
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * PGlite is one session. Kysely may ask for several connections at once (a transaction here, a
 * query there); handing out the same session twice would interleave two transactions. This driver
 * hands the session to one caller at a time, like a pool of size one.
 */
class SerialPGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new SerialPGliteDriver(this.pglite);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class SerialPGliteDriver implements Driver {
  private tail: Promise<void> = Promise.resolve();
  private readonly connection: DatabaseConnection;

  constructor(private readonly pglite: PGlite) {
    this.connection = {
      async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
        const result = await pglite.query<R>(query.sql, [...query.parameters]);
        return {
          rows: result.rows,
          ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
        };
      },
      async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
        // No cursors in PGlite: one chunk. Embedded databases are small.
        const result = await pglite.query<R>(query.sql, [...query.parameters]);
        yield { rows: result.rows };
      },
    };
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    this.releases.push(release);
    return this.connection;
  }

  private releases: Array<() => void> = [];

  async beginTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("BEGIN"));
  }
  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("COMMIT"));
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw("ROLLBACK"));
  }
  async releaseConnection() {
    this.releases.shift()?.();
  }
  async destroy() {
    if (!this.pglite.closed) await this.pglite.close();
  }
}
