// X2: a primary and its standbys in one DATABASE_URL, as libpq writes it:
//   postgres://carnet:…@db1:5432,db2:5432/carnet?target_session_attrs=read-write
// node-postgres connects to one host, so Carnet picks the host itself: each new connection goes to
// the host that last worked, and, with target_session_attrs=read-write (the default here when
// there are several hosts), a host in recovery (a standby) is let go at once. A host that refuses
// or is a standby sends the next connection to the next host. During a failover the requests that
// find no primary answer 503 database_unavailable; once the standby is promoted, new connections
// find it by themselves. pg_dump and psql read the same URL with libpq.
import pg from "pg";

export interface HostList {
  hosts: Array<{ host: string; port: number }>;
  /** the URL with the first host only: every other setting, for node-postgres */
  firstUrl: string;
  readWrite: boolean;
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)([^@/]*@)?([^/?#]*)(.*)$/;

/** The hosts of a URL that names several, or null for a URL of one host. */
export function parseHostList(url: string): HostList | null {
  const m = URL_PARTS.exec(url);
  if (!m) return null;
  const [, scheme, auth = "", hostPart = "", rest = ""] = m;
  if (!hostPart.includes(",")) return null;
  const hosts = hostPart.split(",").map((h) => {
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(h);
    const [host, port] = bracket ? [bracket[1]!, bracket[2]] : (h.split(":") as [string, string | undefined]);
    const n = port ? Number(port) : 5432;
    if (!host || !Number.isInteger(n) || n < 1 || n > 65535) {
      throw new Error(`DATABASE_URL: "${h}" is not a host[:port]`);
    }
    return { host, port: n };
  });
  const params = new URLSearchParams(rest.includes("?") ? rest.slice(rest.indexOf("?") + 1) : "");
  const attrs = params.get("target_session_attrs") ?? "read-write";
  if (attrs !== "read-write" && attrs !== "any") {
    throw new Error(`DATABASE_URL: target_session_attrs must be read-write or any, not ${attrs}`);
  }
  params.delete("target_session_attrs");
  const path = rest.includes("?") ? rest.slice(0, rest.indexOf("?")) : rest;
  const query = params.toString();
  const first = hosts[0]!;
  const firstHost = first.host.includes(":") ? `[${first.host}]` : first.host;
  return {
    hosts,
    firstUrl: `${scheme}${auth}${firstHost}:${first.port}${path}${query ? `?${query}` : ""}`,
    readWrite: attrs === "read-write",
  };
}

/** Refused because the host is a standby: answers 503 like any database that cannot be reached. */
class StandbyError extends Error {
  readonly code = "57P03"; // cannot_connect_now
}

/**
 * A pg.Client class whose instances connect to the current host of the list, and move the list on
 * when that host refuses them or is a standby. One per list: the pool's and LISTEN's connections
 * share what they learn.
 */
export function clientForHosts(list: HostList): typeof pg.Client {
  let current = 0;
  const moveOn = (from: number) => {
    if (current === from) current = (from + 1) % list.hosts.length;
  };
  class HostListClient extends pg.Client {
    private readonly target: number;
    constructor(config?: string | pg.ClientConfig) {
      super(config);
      this.target = current;
      const { host, port } = list.hosts[this.target]!;
      this.host = host;
      this.port = port;
    }
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloads (callback or promise)
    override connect(callback?: any): any {
      const connected = (async () => {
        try {
          await super.connect();
        } catch (error) {
          moveOn(this.target);
          throw error;
        }
        if (!list.readWrite) return;
        let standby: boolean;
        try {
          const { rows } = await super.query<{ standby: boolean }>("SELECT pg_is_in_recovery() AS standby");
          standby = rows[0]!.standby;
        } catch (error) {
          moveOn(this.target);
          await this.end().catch(() => {});
          throw error;
        }
        if (standby) {
          moveOn(this.target);
          await this.end().catch(() => {});
          throw new StandbyError(`${this.host}:${this.port} is a standby; looking for the primary`);
        }
      })();
      if (!callback) return connected;
      connected.then(
        () => callback(null, this),
        (error: Error) => callback(error),
      );
      return undefined;
    }
  }
  return HostListClient;
}
