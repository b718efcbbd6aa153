// Pieces shared by the soak tests: a TCP proxy that can cut a server off its database, the URL of a
// scenario's PostgreSQL database, and a client that redeems with idempotency keys and remembers
// what it was told.

import { connect, createServer, type Server, type Socket } from "node:net";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrate.js";
import { tokenForServerProcess } from "../support/processes.js";
import { addBusiness, FakeClock, type Scenario } from "../support/scenario.js";

export { databaseUrlOf } from "../support/test-db.js";

/**
 * A loopback TCP proxy in front of PostgreSQL. `cut("refuse")` destroys every open connection and
 * refuses new ones (a database that is down); `cut("blackhole")` destroys them and accepts new ones
 * that never get an answer; `cut("freeze")` keeps every connection open but stops carrying bytes
 * either way, and holds new ones unanswered (a network that drops packets, then heals: what was
 * held is delivered late). `restore()` forwards again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private mode: "open" | "refuse" | "blackhole" | "freeze" = "open";
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  private accept(client: Socket) {
    this.sockets.add(client);
    client.on("close", () => this.sockets.delete(client));
    client.on("error", () => {});
    if (this.mode === "refuse") return client.destroy();
    if (this.mode !== "open") return; // held open, never answered
    const target = connect(this.targetPort, this.targetHost);
    const pair: [Socket, Socket] = [client, target];
    this.sockets.add(target);
    this.pairs.add(pair);
    target.on("close", () => {
      this.sockets.delete(target);
      this.pairs.delete(pair);
      client.destroy();
    });
    target.on("error", () => client.destroy());
    client.on("close", () => target.destroy());
    client.pipe(target);
    target.pipe(client);
  }

  async cut(mode: "refuse" | "blackhole" | "freeze") {
    this.mode = mode;
    if (mode === "freeze") {
      for (const [client, target] of this.pairs) {
        client.unpipe(target);
        target.unpipe(client);
        client.pause();
        target.pause();
      }
      return;
    }
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (mode === "refuse") {
      // A closed port answers connection attempts with a refusal at once.
      await new Promise<void>((resolve) => this.server!.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
    }
  }

  async restore() {
    const was = this.mode;
    this.mode = "open";
    if (was === "freeze") {
      for (const [client, target] of this.pairs) {
        client.pipe(target);
        target.pipe(client);
        client.resume();
        target.resume();
      }
    }
    if (was === "blackhole" || was === "freeze")
      for (const s of this.sockets) if (![...this.pairs].some((p) => p.includes(s))) s.destroy();
    if (was === "refuse") await this.start(this.port);
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    if (this.server?.listening) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

export interface Outcome {
  key: string;
  status: number | "no_answer";
  body: string;
  ms: number;
}

/** POSTs JSON with an Idempotency-Key; a connection that dies gives `no_answer`, never a throw. */
export async function post(
  base: string,
  path: string,
  token: string,
  body: unknown,
  key?: string,
  timeoutMs = 20_000,
): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(key ? { "idempotency-key": key } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { key: key ?? "", status: res.status, body: await res.text(), ms: performance.now() - started };
  } catch {
    return { key: key ?? "", status: "no_answer", body: "", ms: performance.now() - started };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A package line a server process's clients redeem from, and the bearer token they use. */
export interface RedeemPlan {
  packageId: string;
  lineId: string;
  token: string;
}

/**
 * Opens a database, migrates it, and puts in a business with one package of 100,000 credits;
 * answers the plan for clients of a server process started on it afterwards, and closes it.
 */
export async function seedRedeemPlan(
  options: { dataDir: string } | { databaseUrl: string },
  tokenName: string,
  role: "front_desk" | "owner" = "front_desk",
): Promise<RedeemPlan> {
  const database = await openDatabase(options);
  try {
    await migrate(database);
    const b = await addBusiness(database, new FakeClock());
    const sold = await b.sold(await b.template({ items: [{ itemId: b.items.manicure, quantity: 100_000 }] }));
    return {
      packageId: sold.packageId,
      lineId: sold.lineId,
      token: await tokenForServerProcess(b.app, b.staff[role], tokenName),
    };
  } finally {
    await database.close();
  }
}

/** The same plan in a test's own scenario (a PostgreSQL database it checks afterwards). */
export async function scenarioRedeemPlan(s: Scenario, tokenName: string): Promise<RedeemPlan> {
  const sold = await s.sold(await s.template({ items: [{ itemId: s.items.manicure, quantity: 100_000 }] }));
  return {
    packageId: sold.packageId,
    lineId: sold.lineId,
    token: await tokenForServerProcess(s.app, s.staff.front_desk, tokenName),
  };
}
