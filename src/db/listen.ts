// LISTEN on the PostgreSQL server over a connection of its own, outside the pool: a pooled
// connection goes back to the pool after each query and would stop hearing. The connection is
// re-made when it is lost, and a periodic query finds a connection that died without a word (a
// half-open TCP connection never errors by itself).
import pg from "pg";

export interface ListenHandlers {
  /** the payload of a NOTIFY on the channel */
  notify(payload: string): void;
  /** listening (again): `again` after a lost connection, when notifications may have been missed */
  connected(again: boolean): void;
}

export interface Listening {
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;
const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 10_000;
const PROBE_EVERY_MS = 30_000;

export function listenOn(
  url: string,
  channel: string,
  handlers: ListenHandlers,
  /** the client class: one that finds the primary among several hosts (src/db/multi-host.ts) */
  Client: typeof pg.Client = pg.Client,
): Listening {
  if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
  let stopped = false;
  let current: pg.Client | null = null;
  let failures = 0;
  let everConnected = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (stopped) return;
    const client = new Client({
      connectionString: url,
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
      query_timeout: 10_000,
    });
    let lost = false;
    const lose = () => {
      if (lost) return;
      lost = true;
      if (current === client) current = null;
      client.end().catch(() => {});
      if (stopped) return;
      retry = setTimeout(connect, Math.min(LAST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures++));
      retry.unref();
    };
    client.on("error", lose);
    client.on("end", lose);
    client.on("notification", (message) => {
      if (message.channel === channel && message.payload !== undefined) handlers.notify(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch {
      lose();
      return;
    }
    if (stopped || lost) {
      lose();
      return;
    }
    current = client;
    failures = 0;
    handlers.connected(everConnected);
    everConnected = true;
  };

  const probe = setInterval(() => {
    const client = current;
    client
      ?.query("SELECT 1")
      .catch(() => client.emit("error", new Error("the listening connection stopped answering")));
  }, PROBE_EVERY_MS);
  probe.unref();
  void connect();

  return {
    async close() {
      stopped = true;
      clearInterval(probe);
      clearTimeout(retry);
      const client = current;
      current = null;
      await client?.end().catch(() => {});
    },
  };
}
