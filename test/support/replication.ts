// A PostgreSQL primary and a synchronous streaming standby on loopback ports, made with the
// installed server's own tools (initdb, pg_basebackup, pg_ctl) in a temporary folder, for the
// failover tests (X2). As root the servers run as the `postgres` user (initdb refuses root).
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The newest installed PostgreSQL's programs (Debian keeps them out of PATH). */
export function postgresBin(): string | null {
  try {
    const versions = readdirSync("/usr/lib/postgresql")
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join("/usr/lib/postgresql", versions[0], "bin") : null;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Node {
  dir: string;
  port: number;
}

export class ReplicatedPair {
  primary!: Node;
  standby!: Node;
  private base!: string;
  private readonly bin: string;
  private readonly asPostgres = process.getuid?.() === 0;

  constructor() {
    const bin = postgresBin();
    if (!bin) throw new Error("no PostgreSQL server programs installed");
    this.bin = bin;
  }

  private run(program: string, args: string[]) {
    const command = join(this.bin, program);
    const [file, argv] = this.asPostgres
      ? ["runuser", ["-u", "postgres", "--", command, ...args]]
      : [command, args];
    return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: this.base });
  }

  private own(path: string) {
    if (!this.asPostgres) return;
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(path, uid, gid);
  }

  /** Both servers up, the standby streaming and synchronous. */
  async start(): Promise<this> {
    this.base = mkdtempSync(join(tmpdir(), "carnet-replication-"));
    chmodSync(this.base, 0o755);
    this.own(this.base);
    this.primary = { dir: join(this.base, "primary"), port: await freePort() };
    this.standby = { dir: join(this.base, "standby"), port: await freePort() };
    this.run("initdb", ["-D", this.primary.dir, "-U", "postgres", "--auth=trust", "--no-sync"]);
    writeFileSync(
      join(this.primary.dir, "postgresql.auto.conf"),
      [
        `port = ${this.primary.port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${this.base}'`,
        "wal_level = replica",
        "max_wal_senders = 5",
        "hot_standby = on",
        // every commit is on the standby before it is acknowledged: a failover loses none
        "synchronous_standby_names = '*'",
        "synchronous_commit = on",
        "fsync = off",
        "full_page_writes = off",
        "max_connections = 100",
        "",
      ].join("\n"),
    );
    this.own(join(this.primary.dir, "postgresql.auto.conf"));
    this.ctl(this.primary, "start");
    this.run("pg_basebackup", [
      "-h",
      "127.0.0.1",
      "-p",
      String(this.primary.port),
      "-U",
      "postgres",
      "-D",
      this.standby.dir,
      "-R",
      "-X",
      "stream",
      "--no-sync",
    ]);
    const auto = join(this.standby.dir, "postgresql.auto.conf");
    // the primary's settings came along: its own port, and a wait for a synchronous standby that
    // would hang every commit once this one is promoted with no standby of its own
    const conf = readFileSync(auto, "utf8")
      .replace(/^port = .*$/m, `port = ${this.standby.port}`)
      .replace(/^synchronous_standby_names = .*$/m, "synchronous_standby_names = ''");
    writeFileSync(auto, conf);
    this.own(auto);
    this.ctl(this.standby, "start");
    for (let i = 0; i < 100; i++) {
      const state = this.psql(this.primary, "SELECT sync_state FROM pg_stat_replication");
      if (state.trim() === "sync") return this;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the standby did not start streaming");
  }

  private ctl(node: Node, action: "start" | "stop" | "promote", extra: string[] = []) {
    this.run("pg_ctl", ["-D", node.dir, "-l", join(this.base, `${node.port}.log`), "-w", action, ...extra]);
  }

  psql(node: Node, query: string, database = "postgres"): string {
    return this.run("psql", [
      "-h",
      "127.0.0.1",
      "-p",
      String(node.port),
      "-U",
      "postgres",
      "-d",
      database,
      "-Atc",
      query,
    ]);
  }

  url(node: Node, database: string): string {
    return `postgres://postgres@127.0.0.1:${node.port}/${database}`;
  }

  /** libpq's way to name both: the read-write one is the primary. */
  bothUrl(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.primary.port},127.0.0.1:${this.standby.port}/${database}?target_session_attrs=read-write`;
  }

  /** The primary dies at once (SIGKILL to the postmaster and each of its processes). */
  killPrimary() {
    const pid = Number(readFileSync(join(this.primary.dir, "postmaster.pid"), "utf8").split("\n")[0]);
    let children: number[] = [];
    try {
      children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
        .split("\n")
        .map((l) => Number(l.trim()))
        .filter(Boolean);
    } catch {}
    for (const p of [pid, ...children]) {
      try {
        process.kill(p, "SIGKILL");
      } catch {}
    }
  }

  promoteStandby() {
    this.ctl(this.standby, "promote");
  }

  async stop() {
    for (const node of [this.standby, this.primary]) {
      if (!node) continue;
      try {
        this.ctl(node, "stop", ["-m", "immediate"]);
      } catch {}
    }
    if (this.base) rmSync(this.base, { recursive: true, force: true });
  }
}
